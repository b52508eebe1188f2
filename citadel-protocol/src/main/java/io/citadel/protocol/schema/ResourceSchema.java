package io.citadel.protocol.schema;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponseStatusCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The resource schema, loaded from {@code attributes.tsv}, {@code children.tsv} and
 * {@code supported-types.tsv}, and the one generic validator that enforces it.
 */
public final class ResourceSchema {
    private static final ResourceSchema STANDARD = load();

    private final Map<Integer, Map<String, AttributePolicy>> attributes;
    private final Map<Integer, Set<Integer>> children;
    private final Set<Integer> supported;

    private ResourceSchema(
            Map<Integer, Map<String, AttributePolicy>> attributes,
            Map<Integer, Set<Integer>> children,
            Set<Integer> supported) {
        this.attributes = attributes;
        this.children = children;
        this.supported = supported;
    }

    /** The schema shipped with Citadel. */
    public static ResourceSchema standard() {
        return STANDARD;
    }

    public boolean isSupported(ResourceType type) {
        return supported.contains(type.code());
    }

    /** Supported types in ascending order (the CSEBase {@code srt}). */
    public List<Integer> supportedTypes() {
        List<Integer> list = new ArrayList<>(supported);
        Collections.sort(list);
        return list;
    }

    /** True if the spec allows {@code child} under {@code parent}. */
    public boolean allowsChild(ResourceType parent, ResourceType child) {
        return children.getOrDefault(parent.code(), Set.of()).contains(child.code());
    }

    /** True if the type has the attribute at all (in any request or response). */
    public boolean hasAttribute(ResourceType type, String attribute) {
        return attributes.getOrDefault(type.code(), Map.of()).containsKey(attribute);
    }

    /** The attribute names of a type in schema order. */
    public Set<String> attributeNames(ResourceType type) {
        return attributes.getOrDefault(type.code(), Map.of()).keySet();
    }

    /**
     * Validates the attributes of a CREATE or UPDATE against the schema: unknown attributes, attributes
     * not permitted for the operation and missing mandatory ones give 4000; values are checked and put
     * in canonical form. On UPDATE a null value (delete the attribute) is allowed for optional ones.
     *
     * @param textual true when the content came from XML, whose leaves are all text
     * @return the canonical attributes, in request order
     */
    public Map<String, Object> validate(
            ResourceType type, Operation op, Map<String, Object> requested, boolean textual) {
        Map<String, AttributePolicy> policies = attributes.get(type.code());
        if (policies == null) {
            throw new OneM2mException(
                    ResponseStatusCode.NOT_IMPLEMENTED, "resource type " + type.code() + " is not supported");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : requested.entrySet()) {
            AttributePolicy policy = policies.get(e.getKey());
            if (policy == null) {
                throw OneM2mException.badRequest("unknown attribute '" + e.getKey() + "' for " + type.jsonKey());
            }
            Presence presence = op == Operation.CREATE ? policy.onCreate() : policy.onUpdate();
            if (presence == Presence.NOT_PERMITTED) {
                throw OneM2mException.badRequest("attribute '" + e.getKey() + "' may not be set in "
                        + (op == Operation.CREATE ? "CREATE" : "UPDATE") + " of " + type.jsonKey());
            }
            Object value = e.getValue();
            if (value == null && op == Operation.UPDATE) {
                if (presence == Presence.MANDATORY) {
                    throw OneM2mException.badRequest("attribute '" + e.getKey() + "' cannot be deleted");
                }
                out.put(e.getKey(), null);
            } else if (value == null && policy.type() instanceof DataType.CreatorType) {
                out.put(e.getKey(), null);
            } else if (value == null) {
                throw OneM2mException.badRequest("attribute '" + e.getKey() + "' must not be null");
            } else {
                out.put(e.getKey(), policy.type().check(e.getKey(), value, textual));
            }
        }
        if (op == Operation.CREATE) {
            for (AttributePolicy policy : policies.values()) {
                if (policy.onCreate() == Presence.MANDATORY && !requested.containsKey(policy.name())) {
                    throw OneM2mException.badRequest(
                            "mandatory attribute '" + policy.name() + "' missing in " + type.jsonKey());
                }
            }
        }
        return out;
    }

    private static ResourceSchema load() {
        Map<Integer, Map<String, AttributePolicy>> attributes = new HashMap<>();
        List<AttributePolicy> universal = new ArrayList<>();
        List<String[]> perType = new ArrayList<>();
        for (String[] row : rows("attributes.tsv")) {
            AttributePolicy p =
                    new AttributePolicy(row[1], DataType.parse(row[2]), Presence.parse(row[3]), Presence.parse(row[4]));
            if ("*".equals(row[0])) {
                universal.add(p);
            } else {
                perType.add(row);
            }
        }
        for (String[] row : perType) {
            int ty = Integer.parseInt(row[0]);
            Map<String, AttributePolicy> m = attributes.computeIfAbsent(ty, k -> {
                Map<String, AttributePolicy> fresh = new LinkedHashMap<>();
                universal.forEach(u -> fresh.put(u.name(), u));
                return fresh;
            });
            m.put(
                    row[1],
                    new AttributePolicy(
                            row[1], DataType.parse(row[2]), Presence.parse(row[3]), Presence.parse(row[4])));
        }
        Map<Integer, Set<Integer>> children = new HashMap<>();
        for (String[] row : rows("children.tsv")) {
            Set<Integer> set = new HashSet<>();
            if (row.length > 1 && !row[1].isBlank()) {
                for (String c : row[1].split(",")) {
                    set.add(Integer.parseInt(c.trim()));
                }
            }
            children.put(Integer.parseInt(row[0]), Set.copyOf(set));
        }
        Set<Integer> supported = new HashSet<>();
        for (String[] row : rows("supported-types.tsv")) {
            supported.add(Integer.parseInt(row[0]));
        }
        return new ResourceSchema(Map.copyOf(attributes), Map.copyOf(children), Set.copyOf(supported));
    }

    private static List<String[]> rows(String file) {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = ResourceSchema.class.getResourceAsStream("/io/citadel/protocol/" + file)) {
            if (in == null) {
                throw new IllegalStateException("schema file missing: " + file);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(line.split("\t", -1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }
}
