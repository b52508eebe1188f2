package io.citadel.engine.resources;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.schema.ResourceSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders resources into Content: whole, partial, with children or child references. */
public final class Representation {
    /**
     * Attributes the engine keeps on a resource for itself (e.g. the credential an AE registered over); never
     * rendered, and no client can write them (the schema knows no such name).
     */
    public static final String HIDDEN_PREFIX = "citadel:";

    private final ResourceSchema schema;

    public Representation(ResourceSchema schema) {
        this.schema = schema;
    }

    /** {@code {"m2m:cnt": {...}}}; hidden attributes never leave, whatever the caller put in. */
    public Map<String, Object> wrap(Resource r, Map<String, Object> attributes) {
        Map<String, Object> shown = new LinkedHashMap<>(attributes);
        shown.keySet().removeIf(k -> k.startsWith(HIDDEN_PREFIX));
        Map<String, Object> out = new LinkedHashMap<>(2);
        out.put(key(r), shown);
        return out;
    }

    /** The member name of the resource's representation: its specialization's ({@code m2m:fwr}) or its type's. */
    public String key(Resource r) {
        return schema.jsonKey(r.type(), r.attributes());
    }

    public Map<String, Object> full(Resource r) {
        return wrap(r, visible(r));
    }

    /** The attributes a client may see: all but the hidden ones. */
    public static Map<String, Object> visible(Resource r) {
        Map<String, Object> out = new LinkedHashMap<>(r.attributes());
        out.keySet().removeIf(k -> k.startsWith(HIDDEN_PREFIX));
        return out;
    }

    /** Only the named attributes; 4000 if the type has no such attribute. Absent ones are left out. */
    public Map<String, Object> partial(Resource r, Collection<String> names) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (String name : names) {
            if (!schema.hasAttribute(r.type(), r.attributes(), name)) {
                throw OneM2mException.badRequest("'" + name + "' is not an attribute of " + key(r));
            }
            Object v = r.get(name);
            if (v != null) {
                attrs.put(name, v);
            }
        }
        return wrap(r, attrs);
    }

    /** The attributes of {@code after} that the CSE set or changed compared to what was requested. */
    public Map<String, Object> modified(Resource after, Map<String, Object> requested) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        visible(after).forEach((k, v) -> {
            if (!requested.containsKey(k) || !java.util.Objects.equals(requested.get(k), v)) {
                attrs.put(k, v);
            }
        });
        return wrap(after, attrs);
    }

    /** Child reference {@code {"nm":…, "typ":…, "val":…}}. */
    Map<String, Object> reference(Resource r, boolean structured) {
        Map<String, Object> ref = new LinkedHashMap<>(4);
        ref.put("nm", r.name());
        ref.put("typ", r.type().code());
        ref.put("val", address(r, structured));
        return ref;
    }

    public static String address(Resource r, boolean structured) {
        return structured ? r.path() : r.ri();
    }

    public List<Map<String, Object>> references(List<Resource> children, boolean structured) {
        List<Map<String, Object>> refs = new ArrayList<>(children.size());
        for (Resource c : children) {
            refs.add(reference(c, structured));
        }
        return refs;
    }

    /** Attributes plus the children grouped under their own keys ({@code "m2m:cin":[…]}). */
    public Map<String, Object> withChildren(Resource r, List<Resource> children, boolean includeAttributes) {
        Map<String, Object> attrs = includeAttributes ? visible(r) : new LinkedHashMap<>();
        for (Resource c : children) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) attrs.computeIfAbsent(key(c), k -> new ArrayList<>());
            list.add(visible(c));
        }
        return wrap(r, attrs);
    }

    public Map<String, Object> withChildReferences(Resource r, List<Resource> children, boolean structured) {
        Map<String, Object> attrs = visible(r);
        attrs.put("ch", references(children, structured));
        return wrap(r, attrs);
    }
}
