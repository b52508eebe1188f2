package io.citadel.protocol;

import io.citadel.protocol.FilterCriteria.AttributeFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the request parameters that the HTTP query string and the CoAP Uri-Query carry
 * (TS-0009 §6.2.2.2, TS-0008): {@code rcn}, {@code drt}, {@code atrl}, filter criteria and token/role
 * lists. Unknown names are treated as attribute filters ({@code atr}), as TS-0009 prescribes.
 */
public final class QueryParameters {
    private static final Set<String> FILTER_NAMES = Set.of(
            "crb", "cra", "ms", "us", "sts", "stb", "exb", "exa", "lbl", "ty", "sza", "szb", "cty", "fu", "fo", "lim",
            "lvl", "ofst");
    private static final Set<String> NOT_SUPPORTED = Set.of(
            "rp", "da", "smf", "cfs", "cfq", "arp", "sqi", "asi", "auri", "lbq", "chty", "pty", "clbl", "palb", "gid",
            "grtm");

    private QueryParameters() {}

    /** The names of the filter-criteria members that travel as parameters of their own. */
    public static Set<String> filterNames() {
        return FILTER_NAMES;
    }

    /** Applies the parameters to the builder; throws 4000 on malformed values, 5001 on unsupported ones. */
    public static void apply(
            Map<String, List<String>> query, RequestPrimitive.Builder builder, Operation op, Instant now) {
        FilterBuilder fc = new FilterBuilder();
        boolean anyFilter = false;
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            String name = e.getKey();
            List<String> values = e.getValue();
            if (NOT_SUPPORTED.contains(name)) {
                throw new OneM2mException(
                        ResponseStatusCode.NOT_IMPLEMENTED, "request parameter '" + name + "' is not supported");
            }
            switch (name) {
                case "rcn" -> builder.resultContent(integer(name, single(name, values), 0, 12));
                case "drt" -> builder.desiredIdResultType(integer(name, single(name, values), 1, 2));
                case "atrl" -> builder.attributeList(plusList(values));
                case "rids" -> builder.roleIds(plusList(values));
                case "tids" -> builder.tokenIds(plusList(values));
                case "tkns" -> builder.tokens(plusList(values));
                case "ltids" -> builder.localTokenIds(plusList(values));
                case "tqi" -> builder.tokenRequestIndicator(bool(name, single(name, values)));
                case "rt" -> builder.responseType(integer(name, single(name, values), 1, 4));
                default -> {
                    anyFilter = true;
                    fc.add(name, values, now);
                }
            }
        }
        if (anyFilter) {
            if (op == Operation.CREATE) {
                throw OneM2mException.badRequest("filter criteria are not allowed in CREATE");
            }
            builder.filterCriteria(fc.build());
        }
    }

    /**
     * The inverse of {@link #apply}: the request parameters of a primitive as name/value pairs (values not
     * yet URL-encoded), for bindings that forward a request to another CSE.
     */
    public static List<Map.Entry<String, String>> encode(RequestPrimitive req) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (req.resultContent() != null) {
            out.add(Map.entry("rcn", String.valueOf(req.resultContent())));
        }
        if (req.desiredIdResultType() != 1) {
            out.add(Map.entry("drt", String.valueOf(req.desiredIdResultType())));
        }
        if (!req.attributeList().isEmpty()) {
            out.add(Map.entry("atrl", String.join("+", req.attributeList())));
        }
        if (!req.roleIds().isEmpty()) {
            out.add(Map.entry("rids", String.join("+", req.roleIds())));
        }
        if (!req.tokenIds().isEmpty()) {
            out.add(Map.entry("tids", String.join("+", req.tokenIds())));
        }
        if (req.tokenRequestIndicator()) {
            out.add(Map.entry("tqi", "true"));
        }
        FilterCriteria fc = req.filterCriteria();
        if (fc == null) {
            return out;
        }
        time(out, "crb", fc.createdBefore());
        time(out, "cra", fc.createdAfter());
        time(out, "ms", fc.modifiedSince());
        time(out, "us", fc.unmodifiedSince());
        time(out, "exb", fc.expireBefore());
        time(out, "exa", fc.expireAfter());
        number(out, "sts", fc.stateTagSmaller());
        number(out, "stb", fc.stateTagBigger());
        number(out, "sza", fc.sizeAbove());
        number(out, "szb", fc.sizeBelow());
        if (!fc.labels().isEmpty()) {
            out.add(Map.entry("lbl", String.join("+", fc.labels())));
        }
        if (!fc.contentTypes().isEmpty()) {
            out.add(Map.entry("cty", String.join("+", fc.contentTypes())));
        }
        if (!fc.resourceTypes().isEmpty()) {
            out.add(Map.entry(
                    "ty",
                    String.join(
                            "+",
                            fc.resourceTypes().stream().map(String::valueOf).toList())));
        }
        for (AttributeFilter a : fc.attributes()) {
            out.add(Map.entry(a.name(), a.value()));
        }
        if (fc.filterUsage() != FilterCriteria.USAGE_CONDITIONAL_RETRIEVAL) {
            out.add(Map.entry("fu", String.valueOf(fc.filterUsage())));
        }
        if (fc.filterOperation() != 1) {
            out.add(Map.entry("fo", String.valueOf(fc.filterOperation())));
        }
        number(out, "lim", fc.limit() == null ? null : fc.limit().longValue());
        number(out, "lvl", fc.level() == null ? null : fc.level().longValue());
        number(out, "ofst", fc.offset() == null ? null : fc.offset().longValue());
        return out;
    }

    private static void time(List<Map.Entry<String, String>> out, String name, Instant value) {
        if (value != null) {
            out.add(Map.entry(name, Timestamps.format(value)));
        }
    }

    private static void number(List<Map.Entry<String, String>> out, String name, Long value) {
        if (value != null) {
            out.add(Map.entry(name, String.valueOf(value)));
        }
    }

    private static boolean bool(String name, String value) {
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw OneM2mException.badRequest("parameter '" + name + "' must be true or false");
        };
    }

    private static String single(String name, List<String> values) {
        if (values.size() != 1) {
            throw OneM2mException.badRequest("parameter '" + name + "' may appear only once");
        }
        return values.get(0);
    }

    private static List<String> plusList(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            for (String part : v.split("[+ ]")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        }
        return out;
    }

    static int integer(String name, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value);
            if (v < min || v > max) {
                throw OneM2mException.badRequest("parameter '" + name + "' must be between " + min + " and " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw OneM2mException.badRequest("parameter '" + name + "' must be an integer");
        }
    }

    private static final class FilterBuilder {
        Instant crb, cra, ms, us, exb, exa;
        Long sts, stb, sza, szb;
        final List<String> lbl = new ArrayList<>();
        final List<Integer> ty = new ArrayList<>();
        final List<String> cty = new ArrayList<>();
        final List<AttributeFilter> atr = new ArrayList<>();
        int fu = FilterCriteria.USAGE_CONDITIONAL_RETRIEVAL;
        int fo = 1;
        Integer lim, lvl, ofst;

        void add(String name, List<String> values, Instant now) {
            if (!FILTER_NAMES.contains(name)) {
                if (!name.matches("[a-zA-Z][a-zA-Z0-9]{0,15}")) {
                    throw OneM2mException.badRequest("unknown request parameter '" + name + "'");
                }
                atr.add(new AttributeFilter(name, single(name, values)));
                return;
            }
            switch (name) {
                case "crb" -> crb = time(name, values);
                case "cra" -> cra = time(name, values);
                case "ms" -> ms = time(name, values);
                case "us" -> us = time(name, values);
                case "exb" -> exb = time(name, values);
                case "exa" -> exa = time(name, values);
                case "sts" -> sts = (long) integer(name, single(name, values), 0, Integer.MAX_VALUE);
                case "stb" -> stb = (long) integer(name, single(name, values), 0, Integer.MAX_VALUE);
                case "sza" -> sza = (long) integer(name, single(name, values), 0, Integer.MAX_VALUE);
                case "szb" -> szb = (long) integer(name, single(name, values), 1, Integer.MAX_VALUE);
                case "lbl" -> lbl.addAll(plusList(values));
                case "cty" -> cty.addAll(plusList(values));
                case "ty" -> plusList(values).forEach(v -> ty.add(integer(name, v, 0, 100000)));
                case "fu" -> fu = integer(name, single(name, values), 1, 2);
                case "fo" -> fo = integer(name, single(name, values), 1, 2);
                case "lim" -> lim = integer(name, single(name, values), 0, Integer.MAX_VALUE);
                case "lvl" -> lvl = integer(name, single(name, values), 1, Integer.MAX_VALUE);
                case "ofst" -> ofst = integer(name, single(name, values), 1, Integer.MAX_VALUE);
                default -> throw new IllegalStateException(name);
            }
        }

        private static Instant time(String name, List<String> values) {
            return Timestamps.parse(single(name, values))
                    .orElseThrow(() -> OneM2mException.badRequest("parameter '" + name + "' must be an m2m:timestamp"));
        }

        FilterCriteria build() {
            return new FilterCriteria(
                    crb, cra, ms, us, sts, stb, exb, exa, lbl, ty, sza, szb, cty, atr, fu, lim, lvl, ofst, fo);
        }
    }
}
