package io.citadel.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code acr} entry of an ACP, compiled once from its stored representation. A rule whose text
 * cannot be understood is kept with a {@code defect} and never permits (fail closed).
 *
 * @param originators acor entries, normalised
 * @param contexts compiled acco entries (empty = no restriction)
 * @param objectDetails compiled acod entries (empty = no restriction)
 * @param attributes Rel-4 {@code aca}: the only attributes the rule lets a request touch, or null (all)
 * @param defect why the rule cannot be evaluated, or null
 */
public record AccessControlRule(
        List<String> originators,
        int operations,
        boolean authenticationRequired,
        List<AccessContext> contexts,
        List<ObjectDetail> objectDetails,
        java.util.Set<String> attributes,
        String defect) {

    public static AccessControlRule simple(List<String> originators, int operations) {
        return new AccessControlRule(List.copyOf(originators), operations, false, List.of(), List.of(), null, null);
    }

    /** Compiles a structurally validated {@code m2m:setOfAcrs}; malformed parts become defective rules. */
    public static List<AccessControlRule> parseSet(Object setOfAcrs, OriginatorIds ids) {
        if (!(setOfAcrs instanceof Map<?, ?> set) || !(set.get("acr") instanceof List<?> acrs)) {
            return List.of();
        }
        List<AccessControlRule> out = new ArrayList<>(acrs.size());
        for (Object r : acrs) {
            out.add(
                    r instanceof Map<?, ?> m
                            ? compile(m, ids)
                            : new AccessControlRule(
                                    List.of(), 0, true, List.of(), List.of(), null, "rule is not an object"));
        }
        return List.copyOf(out);
    }

    /** The first reason a set of rules cannot be evaluated, for refusing it when it is written. */
    public static Optional<String> firstDefect(List<AccessControlRule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).defect() != null) {
                return Optional.of("rule " + i + ": " + rules.get(i).defect());
            }
        }
        return Optional.empty();
    }

    private static AccessControlRule compile(Map<?, ?> r, OriginatorIds ids) {
        List<String> acor = r.get("acor") instanceof List<?> l
                ? l.stream().map(String::valueOf).map(ids::normalize).toList()
                : List.of();
        int acop = r.get("acop") instanceof Number n ? n.intValue() : 0;
        boolean acaf = Boolean.TRUE.equals(r.get("acaf")) || "true".equals(r.get("acaf"));
        java.util.Set<String> aca = r.get("aca") instanceof List<?> l
                ? java.util.Set.copyOf(l.stream().map(String::valueOf).toList())
                : null;
        try {
            List<AccessContext> contexts = new ArrayList<>();
            if (r.get("acco") != null) {
                for (Object c : listOf(r.get("acco"), "acco")) {
                    contexts.add(AccessContext.parse(map(c, "acco")));
                }
            }
            List<ObjectDetail> details = new ArrayList<>();
            if (r.get("acod") != null) {
                for (Object d : listOf(r.get("acod"), "acod")) {
                    details.add(ObjectDetail.parse(map(d, "acod")));
                }
            }
            if (aca != null && aca.isEmpty()) {
                throw new IllegalArgumentException("aca must name at least one attribute");
            }
            return new AccessControlRule(acor, acop, acaf, List.copyOf(contexts), List.copyOf(details), aca, null);
        } catch (IllegalArgumentException e) {
            return new AccessControlRule(acor, acop, acaf, List.of(), List.of(), aca, e.getMessage());
        }
    }

    private static List<?> listOf(Object v, String name) {
        if (v instanceof Map<?, ?>) {
            return List.of(v);
        }
        if (!(v instanceof List<?> l) || l.size() > 256) {
            throw new IllegalArgumentException(name + " must be a list of at most 256 objects");
        }
        return l;
    }

    private static Map<?, ?> map(Object v, String name) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(name + " entries must be objects");
        }
        return m;
    }
}
