package io.citadel.engine.resources;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Checks the shape of the Content parameter of CREATE and UPDATE. */
public final class Content {
    private Content() {}

    /** The one member of a Content: its name ({@code m2m:cnt}, {@code m2m:fwr}) and the attributes in it. */
    public record Member(String key, Map<String, Object> attributes) {}

    /** The attribute map inside {@code {"m2m:xyz": {...}}}, which must be the only member. */
    public static Map<String, Object> single(Object content, ResourceType type) {
        return member(content, type, Set.of(type.jsonKey())).attributes();
    }

    /**
     * The one member of {@code content}, whose name must be one of {@code keys} (the type's, or for a specialized
     * type such as {@code <mgmtObj>} one of its specializations').
     */
    @SuppressWarnings("unchecked")
    public static Member member(Object content, ResourceType type, Collection<String> keys) {
        String expected = keys.size() == 1 ? keys.iterator().next() : type.jsonKey() + " specialization";
        if (content == null) {
            throw OneM2mException.badRequest("content is missing");
        }
        if (!(content instanceof Map<?, ?> map) || map.size() != 1) {
            throw OneM2mException.badRequest("content must be one object {\"" + expected + "\":{...}}");
        }
        Map.Entry<?, ?> e = map.entrySet().iterator().next();
        String key = String.valueOf(e.getKey());
        if (!keys.contains(key)) {
            throw OneM2mException.badRequest(
                    keys.size() == 1
                            ? "content member '" + key + "' does not match the resource type " + expected
                            : "content member '" + key + "' is not a supported " + expected + " (one of "
                                    + String.join(", ", keys) + ")");
        }
        if (e.getValue() instanceof String s && s.isEmpty()) {
            return new Member(key, new LinkedHashMap<>()); // empty XML element
        }
        if (!(e.getValue() instanceof Map<?, ?> attrs)) {
            throw OneM2mException.badRequest("'" + key + "' must be an object");
        }
        return new Member(key, new LinkedHashMap<>((Map<String, Object>) attrs));
    }
}
