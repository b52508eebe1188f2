package io.citadel.engine.resources;

import io.citadel.protocol.ResourceType;
import io.citadel.protocol.Timestamps;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The universal attributes every new resource starts with ({@code ty ri rn pi ct lt}), in their usual order. */
public final class Universal {
    private Universal() {}

    public static Map<String, Object> attributes(
            ResourceType type, String ri, String rn, String parentId, Instant now) {
        Map<String, Object> all = new LinkedHashMap<>();
        String ts = Timestamps.format(now);
        all.put("ty", (long) type.code());
        all.put("ri", ri);
        all.put("rn", rn);
        all.put("pi", parentId);
        all.put("ct", ts);
        all.put("lt", ts);
        return all;
    }
}
