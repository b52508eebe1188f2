package io.citadel.it;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for request content. */
final class Fixtures {
    private Fixtures() {}

    /**
     * Registers AEs whose AE-ID-Stems are {@code stems} (named after them): without a security association an
     * unregistered AE-ID gets 4106 before any access control, so tests of access control register theirs.
     */
    static void register(RunningCse cse, String... stems) {
        registerAt(cse, "cse-in", stems);
    }

    static void registerAt(RunningCse cse, String cseBase, String... stems) {
        for (String stem : stems) {
            int rsc = cse.client().as(stem).create(cseBase, 2, ae(stem)).rsc();
            if (rsc != 2001) {
                throw new IllegalStateException("registering " + stem + " gave " + rsc);
            }
        }
    }

    static Map<String, Object> ae(String rn) {
        Map<String, Object> ae = new LinkedHashMap<>();
        ae.put("rn", rn);
        ae.put("api", "Nit-" + rn);
        ae.put("rr", false);
        ae.put("srv", List.of("3"));
        return Map.of("m2m:ae", ae);
    }

    static Map<String, Object> container(String rn) {
        return Map.of("m2m:cnt", Map.of("rn", rn));
    }

    static Map<String, Object> container(String rn, Map<String, Object> extra) {
        Map<String, Object> cnt = new LinkedHashMap<>(extra);
        cnt.put("rn", rn);
        return Map.of("m2m:cnt", cnt);
    }

    static Map<String, Object> cin(Object con) {
        return Map.of("m2m:cin", Map.of("con", con));
    }

    static Map<String, Object> acp(String rn, List<Map<String, Object>> pv, List<Map<String, Object>> pvs) {
        return Map.of("m2m:acp", Map.of("rn", rn, "pv", Map.of("acr", pv), "pvs", Map.of("acr", pvs)));
    }

    static Map<String, Object> rule(List<String> acor, int acop) {
        return Map.of("acor", acor, "acop", acop);
    }
}
