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
    private static final Set<String> FILTER_NAMES = Set.of("crb", "cra", "ms", "us", "sts", "stb", "exb", "exa",
            "lbl", "ty", "sza", "szb", "cty", "fu", "fo", "lim", "lvl", "ofst");
    private static final Set<String> NOT_SUPPORTED = Set.of("rt", "rp", "da", "smf", "cfs", "cfq", "arp",
            "sqi", "asi", "auri", "lbq", "chty", "pty", "clbl", "palb", "gid", "grtm");

    private QueryParameters() {
    }

    /** Applies the parameters to the builder; throws 4000 on malformed values, 5001 on unsupported ones. */
    public static void apply(Map<String, List<String>> query, RequestPrimitive.Builder builder, Operation op,
                             Instant now) {
        FilterBuilder fc = new FilterBuilder();
        boolean anyFilter = false;
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            String name = e.getKey();
            List<String> values = e.getValue();
            if (NOT_SUPPORTED.contains(name)) {
                throw new OneM2mException(ResponseStatusCode.NOT_IMPLEMENTED, "request parameter '" + name + "' is not supported");
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
            return new FilterCriteria(crb, cra, ms, us, sts, stb, exb, exa, lbl, ty, sza, szb, cty, atr, fu, lim, lvl,
                    ofst, fo);
        }
    }
}
