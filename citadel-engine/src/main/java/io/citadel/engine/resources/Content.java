package io.citadel.engine.resources;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checks the shape of the Content parameter of CREATE and UPDATE. */
public final class Content {
    private Content() {}

    /** The attribute map inside {@code {"m2m:xyz": {...}}}, which must be the only member. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> single(Object content, ResourceType type) {
        if (content == null) {
            throw OneM2mException.badRequest("content is missing");
        }
        if (!(content instanceof Map<?, ?> map) || map.size() != 1) {
            throw OneM2mException.badRequest("content must be one object {\"" + type.jsonKey() + "\":{...}}");
        }
        Map.Entry<?, ?> e = map.entrySet().iterator().next();
        if (!type.jsonKey().equals(e.getKey())) {
            throw OneM2mException.badRequest(
                    "content member '" + e.getKey() + "' does not match the resource type " + type.jsonKey());
        }
        if (e.getValue() instanceof String s && s.isEmpty()) {
            return new LinkedHashMap<>(); // empty XML element
        }
        if (!(e.getValue() instanceof Map<?, ?> attrs)) {
            throw OneM2mException.badRequest("'" + type.jsonKey() + "' must be an object");
        }
        return new LinkedHashMap<>((Map<String, Object>) attrs);
    }
}
