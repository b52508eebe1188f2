package io.citadel.security;

import java.util.List;
import java.util.Map;

/**
 * One {@code acr} entry of an ACP, parsed from its validated representation.
 *
 * @param originators acor entries, normalised
 * @param contexts raw acco entries; not yet evaluable here, so a rule that has any never permits
 *     (fail closed)
 * @param objectDetails raw acod entries
 */
public record AccessControlRule(List<String> originators, int operations, boolean authenticationRequired,
                                List<Map<String, Object>> contexts, List<Map<String, Object>> objectDetails) {

    /** Parses a validated {@code m2m:setOfAcrs}; malformed input yields no rules (deny). */
    @SuppressWarnings("unchecked")
    public static List<AccessControlRule> parseSet(Object setOfAcrs, OriginatorIds ids) {
        if (!(setOfAcrs instanceof Map<?, ?> set) || !(set.get("acr") instanceof List<?> acrs)) {
            return List.of();
        }
        return acrs.stream().filter(Map.class::isInstance).map(r -> (Map<String, Object>) r).map(r -> {
            List<String> acor = r.get("acor") instanceof List<?> l
                    ? l.stream().map(String::valueOf).map(ids::normalize).toList() : List.of();
            int acop = r.get("acop") instanceof Number n ? n.intValue() : 0;
            boolean acaf = Boolean.TRUE.equals(r.get("acaf"));
            List<Map<String, Object>> acco = r.get("acco") instanceof List<?> l
                    ? (List<Map<String, Object>>) l : List.of();
            List<Map<String, Object>> acod = r.get("acod") instanceof List<?> l
                    ? (List<Map<String, Object>>) l : List.of();
            return new AccessControlRule(acor, acop, acaf, acco, acod);
        }).toList();
    }
}
