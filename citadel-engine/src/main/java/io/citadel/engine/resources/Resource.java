package io.citadel.engine.resources;

import io.citadel.protocol.ResourceType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stored resource. Immutable: changes produce a new instance.
 *
 * @param ri resourceID, unstructured and unique within this CSE
 * @param parentId {@code pi}; empty for the CSEBase
 * @param path structured CSE-relative address, e.g. {@code cse-in/ae1/cnt1}
 * @param seq creation order within this CSE (orders children, la/ol)
 * @param creator normalised originator of the CREATE; drives the default access policy
 * @param attributes the representation's members, including universal ones (ri, rn, ty, pi, ct, lt ...)
 */
public record Resource(
        String ri,
        ResourceType type,
        String parentId,
        String name,
        String path,
        long seq,
        String creator,
        Map<String, Object> attributes) {

    public Resource {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public Object get(String attribute) {
        return attributes.get(attribute);
    }

    /** A numeric attribute, or {@code fallback} when absent. */
    public long getLong(String attribute, long fallback) {
        return attributes.get(attribute) instanceof Number n ? n.longValue() : fallback;
    }

    public String getString(String attribute) {
        return attributes.get(attribute) instanceof String s ? s : null;
    }

    /** A copy with the given attributes replaced (null values remove the attribute). */
    public Resource with(Map<String, Object> changes) {
        Map<String, Object> copy = new LinkedHashMap<>(attributes);
        changes.forEach((k, v) -> {
            if (v == null) {
                copy.remove(k);
            } else {
                copy.put(k, v);
            }
        });
        return new Resource(ri, type, parentId, name, path, seq, creator, copy);
    }

    /** The expiration time attribute, or null. */
    public String expirationTime() {
        return getString("et");
    }
}
