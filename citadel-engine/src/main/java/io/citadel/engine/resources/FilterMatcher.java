package io.citadel.engine.resources;

import io.citadel.protocol.FilterCriteria;
import io.citadel.protocol.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Evaluates filter criteria conditions against one resource (AND or OR of the conditions present). */
public final class FilterMatcher {
    private FilterMatcher() {}

    public static boolean matches(FilterCriteria fc, Resource r) {
        if (fc == null || !fc.hasConditions()) {
            return true;
        }
        List<Boolean> results = new ArrayList<>();
        Instant ct = time(r, "ct");
        Instant lt = time(r, "lt");
        Instant et = time(r, "et");
        if (fc.createdBefore() != null) {
            results.add(ct != null && ct.isBefore(fc.createdBefore()));
        }
        if (fc.createdAfter() != null) {
            results.add(ct != null && !ct.isBefore(fc.createdAfter()));
        }
        if (fc.modifiedSince() != null) {
            results.add(lt != null && !lt.isBefore(fc.modifiedSince()));
        }
        if (fc.unmodifiedSince() != null) {
            results.add(lt != null && lt.isBefore(fc.unmodifiedSince()));
        }
        if (fc.expireBefore() != null) {
            results.add(et != null && et.isBefore(fc.expireBefore()));
        }
        if (fc.expireAfter() != null) {
            results.add(et != null && et.isAfter(fc.expireAfter()));
        }
        if (fc.stateTagSmaller() != null) {
            results.add(r.get("st") instanceof Number n && n.longValue() < fc.stateTagSmaller());
        }
        if (fc.stateTagBigger() != null) {
            results.add(r.get("st") instanceof Number n && n.longValue() > fc.stateTagBigger());
        }
        if (fc.sizeAbove() != null) {
            results.add(r.get("cs") instanceof Number n && n.longValue() >= fc.sizeAbove());
        }
        if (fc.sizeBelow() != null) {
            results.add(r.get("cs") instanceof Number n && n.longValue() < fc.sizeBelow());
        }
        if (!fc.labels().isEmpty()) {
            results.add(r.get("lbl") instanceof List<?> lbl && lbl.stream().anyMatch(fc.labels()::contains));
        }
        if (!fc.resourceTypes().isEmpty()) {
            results.add(fc.resourceTypes().contains(r.type().code()));
        }
        if (!fc.contentTypes().isEmpty()) {
            String cnf = r.getString("cnf");
            results.add(
                    cnf != null && fc.contentTypes().stream().anyMatch(t -> cnf.equals(t) || cnf.startsWith(t + ":")));
        }
        for (FilterCriteria.AttributeFilter a : fc.attributes()) {
            // hidden attributes (write-only secrets, the engine's own) are never an oracle
            results.add(
                    !a.name().startsWith(Representation.HIDDEN_PREFIX) && attributeEquals(r.get(a.name()), a.value()));
        }
        boolean or = fc.filterOperation() == 2;
        return or ? results.contains(Boolean.TRUE) : !results.contains(Boolean.FALSE);
    }

    private static boolean attributeEquals(Object value, String wanted) {
        if (value == null) {
            return false;
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(v -> String.valueOf(v).equals(wanted));
        }
        return String.valueOf(value).equals(wanted);
    }

    private static Instant time(Resource r, String attr) {
        return r.get(attr) instanceof String s ? Timestamps.parse(s).orElse(null) : null;
    }
}
