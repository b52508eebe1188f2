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
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resource schema, loaded from {@code attributes.tsv}, {@code specializations.tsv}, {@code children.tsv} and
 * {@code supported-types.tsv}, and the one generic validator that enforces it. A specialized type (such as
 * {@code <mgmtObj>}, selected by {@code mgd}) is validated against the attributes of the specialization its
 * CREATE names, or its stored resource has.
 */
public final class ResourceSchema {
    private static final String STANDARD_DIRECTORY = "/io/citadel/protocol/";
    private static final ResourceSchema STANDARD = load(STANDARD_DIRECTORY);

    /** Attribute policies by {@code "ty"} (a plain type, or a specialized type's common ones) or {@code "ty/code"}. */
    private final Map<String, Map<String, AttributePolicy>> policies;
    /** Specializations by type code, then by code, in file order. */
    private final Map<Integer, Map<String, Specialization>> specializations;

    private final Map<String, Specialization> byJsonKey;
    private final Map<Integer, Set<Integer>> children;
    private final Set<Integer> supported;

    private ResourceSchema(
            Map<String, Map<String, AttributePolicy>> policies,
            Map<Integer, Map<String, Specialization>> specializations,
            Map<Integer, Set<Integer>> children,
            Set<Integer> supported) {
        this.policies = policies;
        this.specializations = specializations;
        Map<String, Specialization> keys = new HashMap<>();
        specializations.values().forEach(m -> m.values().forEach(s -> keys.put(s.jsonKey(), s)));
        this.byJsonKey = Map.copyOf(keys);
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

    /** True if the type comes in specializations selected by an attribute ({@code <mgmtObj>} by {@code mgd}). */
    public boolean isSpecialized(ResourceType type) {
        return specializations.containsKey(type.code());
    }

    /** The supported specializations of a type, in schema order; empty for a plain type. */
    public Collection<Specialization> specializations(ResourceType type) {
        return specializations.getOrDefault(type.code(), Map.of()).values();
    }

    /** The specialization whose member name is {@code jsonKey} ({@code m2m:fwr}). */
    public Optional<Specialization> specializationOf(String jsonKey) {
        return Optional.ofNullable(byJsonKey.get(jsonKey));
    }

    /**
     * The specialization that validated (canonical) attributes select, such as those of a stored resource; empty
     * for a plain type or when the selector holds no supported value.
     */
    public Optional<Specialization> specialization(ResourceType type, Map<String, ?> attributes) {
        Map<String, Specialization> ofType = specializations.get(type.code());
        if (ofType == null) {
            return Optional.empty();
        }
        Object value = attributes.get(ofType.values().iterator().next().selector());
        return value == null ? Optional.empty() : Optional.ofNullable(ofType.get(code(value)));
    }

    /** The member name that wraps a representation: the specialization's for a specialized type, else the type's. */
    public String jsonKey(ResourceType type, Map<String, ?> attributes) {
        return specialization(type, attributes).map(Specialization::jsonKey).orElse(type.jsonKey());
    }

    /** The member names a CREATE of {@code type} may carry its attributes in. */
    public Set<String> contentKeys(ResourceType type) {
        if (!isSpecialized(type)) {
            return Set.of(type.jsonKey());
        }
        Set<String> keys = new LinkedHashSet<>();
        specializations(type).forEach(s -> keys.add(s.jsonKey()));
        return Collections.unmodifiableSet(keys);
    }

    /** True if the type, or any of its specializations, has the attribute at all. */
    public boolean hasAttribute(ResourceType type, String attribute) {
        if (policiesOf(String.valueOf(type.code())).containsKey(attribute)) {
            return true;
        }
        return specializations(type).stream().anyMatch(s -> policiesOf(keyOf(s)).containsKey(attribute));
    }

    /** True if a resource of the type with these (stored) attributes has the attribute. */
    public boolean hasAttribute(ResourceType type, Map<String, ?> stored, String attribute) {
        return policiesFor(type, stored).containsKey(attribute);
    }

    /** The attribute names of a type in schema order (for a specialized type: those all its specializations have). */
    public Set<String> attributeNames(ResourceType type) {
        return policiesOf(String.valueOf(type.code())).keySet();
    }

    /** The write-only attributes of a resource of the type with these (stored or requested) attributes. */
    public Set<String> writeOnlyAttributes(ResourceType type, Map<String, ?> attributes) {
        Set<String> names = new HashSet<>();
        policiesFor(type, attributes).values().forEach(p -> {
            if (p.writeOnly()) {
                names.add(p.name());
            }
        });
        return names;
    }

    /**
     * Validates the attributes of a CREATE (or of an UPDATE of a plain type) against the schema: unknown
     * attributes, attributes not permitted for the operation and missing mandatory ones give 4000; values are
     * checked and put in canonical form. On UPDATE a null value (delete the attribute) is allowed for optional
     * ones, never for one a CREATE must carry. For a specialized type the CREATE must name a supported specialization (its selector is mandatory);
     * an UPDATE of one goes through {@link #validateUpdate}.
     *
     * @param textual true when the content came from XML, whose leaves are all text
     * @return the canonical attributes, in request order
     */
    public Map<String, Object> validate(
            ResourceType type, Operation op, Map<String, Object> requested, boolean textual) {
        if (isSpecialized(type)) {
            if (op != Operation.CREATE) {
                throw new IllegalStateException("an UPDATE of a specialized type is validated against its resource");
            }
            Specialization s = requestedSpecialization(type, requested, textual);
            return check(policiesOf(keyOf(s)), s.jsonKey(), op, requested, textual);
        }
        Map<String, AttributePolicy> typePolicies = policies.get(String.valueOf(type.code()));
        if (typePolicies == null) {
            throw new OneM2mException(
                    ResponseStatusCode.NOT_IMPLEMENTED, "resource type " + type.code() + " is not supported");
        }
        return check(typePolicies, type.jsonKey(), op, requested, textual);
    }

    /** Validates the attributes of an UPDATE of a resource that has the {@code stored} attributes. */
    public Map<String, Object> validateUpdate(
            ResourceType type, Map<String, ?> stored, Map<String, Object> requested, boolean textual) {
        if (!isSpecialized(type)) {
            return validate(type, Operation.UPDATE, requested, textual);
        }
        Specialization s = specialization(type, stored)
                .orElseThrow(() -> new IllegalStateException("stored " + type.jsonKey() + " has no specialization"));
        return check(policiesOf(keyOf(s)), s.jsonKey(), Operation.UPDATE, requested, textual);
    }

    private Specialization requestedSpecialization(ResourceType type, Map<String, Object> requested, boolean textual) {
        Map<String, Specialization> ofType = specializations.get(type.code());
        String selector = ofType.values().iterator().next().selector();
        if (!requested.containsKey(selector)) {
            throw OneM2mException.badRequest("mandatory attribute '" + selector + "' missing in " + type.jsonKey());
        }
        Object value = requested.get(selector);
        if (value == null) {
            throw OneM2mException.badRequest("attribute '" + selector + "' must not be null");
        }
        Object canonical =
                policiesOf(String.valueOf(type.code())).get(selector).type().check(selector, value, textual);
        Specialization s = ofType.get(code(canonical));
        if (s == null) {
            throw OneM2mException.badRequest(selector + " " + code(canonical) + " is not a supported specialization of "
                    + type.jsonKey() + " (supported: " + String.join(", ", ofType.keySet()) + ")");
        }
        return s;
    }

    private static Map<String, Object> check(
            Map<String, AttributePolicy> policies,
            String what,
            Operation op,
            Map<String, Object> requested,
            boolean textual) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : requested.entrySet()) {
            AttributePolicy policy = policies.get(e.getKey());
            if (policy == null) {
                throw OneM2mException.badRequest("unknown attribute '" + e.getKey() + "' for " + what);
            }
            Presence presence = op == Operation.CREATE ? policy.onCreate() : policy.onUpdate();
            if (presence == Presence.NOT_PERMITTED) {
                throw OneM2mException.badRequest("attribute '" + e.getKey() + "' may not be set in "
                        + (op == Operation.CREATE ? "CREATE" : "UPDATE") + " of " + what);
            }
            Object value = e.getValue();
            if (value == null && op == Operation.UPDATE) {
                if (presence == Presence.MANDATORY || policy.onCreate() == Presence.MANDATORY) {
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
                    throw OneM2mException.badRequest("mandatory attribute '" + policy.name() + "' missing in " + what);
                }
            }
        }
        return out;
    }

    private Map<String, AttributePolicy> policiesFor(ResourceType type, Map<String, ?> attributes) {
        return specialization(type, attributes)
                .map(s -> policiesOf(keyOf(s)))
                .orElseGet(() -> policiesOf(String.valueOf(type.code())));
    }

    private Map<String, AttributePolicy> policiesOf(String key) {
        return policies.getOrDefault(key, Map.of());
    }

    private static String keyOf(Specialization s) {
        return s.type().code() + "/" + s.code();
    }

    /** The canonical text of a selector value: integers in decimal, anything else as it is. */
    private static String code(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return Long.toString(((Number) value).longValue());
        }
        return String.valueOf(value);
    }

    /** Loads a schema from the four files in the class-path {@code directory} (ending in '/'). */
    static ResourceSchema load(String directory) {
        List<AttributePolicy> universal = new ArrayList<>();
        Map<String, List<AttributePolicy>> declared = new LinkedHashMap<>();
        for (String[] row : rows(directory, "attributes.tsv")) {
            if (row.length < 5 || row.length > 6) {
                throw invalid("attributes.tsv", row, "needs 5 columns and an optional WO");
            }
            boolean writeOnly = row.length == 6 && !row[5].isEmpty();
            if (writeOnly && !"WO".equals(row[5])) {
                throw invalid("attributes.tsv", row, "the sixth column may only be WO");
            }
            AttributePolicy p = new AttributePolicy(
                    row[1], DataType.parse(row[2]), Presence.parse(row[3]), Presence.parse(row[4]), writeOnly);
            if ("*".equals(row[0])) {
                universal.add(p);
            } else {
                declared.computeIfAbsent(row[0], k -> new ArrayList<>()).add(p);
            }
        }
        Map<Integer, Map<String, Specialization>> specializations = new LinkedHashMap<>();
        Set<String> jsonKeys = new HashSet<>();
        for (ResourceType t : ResourceType.values()) {
            jsonKeys.add(t.jsonKey());
        }
        for (String[] row : rows(directory, "specializations.tsv")) {
            if (row.length != 5) {
                throw invalid("specializations.tsv", row, "needs 5 columns");
            }
            ResourceType type = ResourceType.of(Integer.parseInt(row[0]))
                    .orElseThrow(() -> invalid("specializations.tsv", row, "names an unknown resource type"));
            Map<String, Specialization> ofType =
                    specializations.computeIfAbsent(type.code(), k -> new LinkedHashMap<>());
            if (!ofType.isEmpty()
                    && !ofType.values().iterator().next().selector().equals(row[1])) {
                throw invalid("specializations.tsv", row, "a type has one selector attribute");
            }
            if (ofType.containsKey(row[2]) || !jsonKeys.add(row[3])) {
                throw invalid("specializations.tsv", row, "repeats a code or a member name");
            }
            AttributePolicy selector = declared.getOrDefault(row[0], List.of()).stream()
                    .filter(p -> p.name().equals(row[1]))
                    .findFirst()
                    .orElseThrow(
                            () -> invalid("specializations.tsv", row, "its selector is not an attribute of its type"));
            if (selector.onCreate() != Presence.MANDATORY || selector.onUpdate() != Presence.NOT_PERMITTED) {
                throw invalid("specializations.tsv", row, "its selector must be M on create and NP on update");
            }
            ofType.put(row[2], new Specialization(type, row[1], row[2], row[3], row[4]));
        }
        Map<String, Map<String, AttributePolicy>> policies = new HashMap<>();
        for (Map.Entry<String, List<AttributePolicy>> e : declared.entrySet()) {
            String key = e.getKey();
            int slash = key.indexOf('/');
            Map<String, AttributePolicy> m = new LinkedHashMap<>();
            universal.forEach(u -> m.put(u.name(), u));
            if (slash >= 0) {
                int type = Integer.parseInt(key.substring(0, slash));
                if (!specializations.getOrDefault(type, Map.of()).containsKey(key.substring(slash + 1))) {
                    throw new IllegalStateException(
                            "attributes.tsv: " + key + " is not a specialization declared in specializations.tsv");
                }
                declared.getOrDefault(String.valueOf(type), List.of()).forEach(p -> m.put(p.name(), p));
            } else {
                Integer.parseInt(key);
            }
            for (AttributePolicy p : e.getValue()) {
                if (m.containsKey(p.name()) && slash >= 0) {
                    throw new IllegalStateException("attributes.tsv: " + key + " declares '" + p.name()
                            + "' again, which its type already has");
                }
                m.put(p.name(), p);
            }
            policies.put(key, Collections.unmodifiableMap(m));
        }
        for (Map<String, Specialization> ofType : specializations.values()) {
            for (Specialization s : ofType.values()) {
                policies.putIfAbsent(
                        keyOf(s), policies.get(String.valueOf(s.type().code())));
            }
        }
        Map<Integer, Set<Integer>> children = new HashMap<>();
        for (String[] row : rows(directory, "children.tsv")) {
            Set<Integer> set = new HashSet<>();
            if (row.length > 1 && !row[1].isBlank()) {
                for (String c : row[1].split(",")) {
                    set.add(Integer.parseInt(c.trim()));
                }
            }
            children.put(Integer.parseInt(row[0]), Set.copyOf(set));
        }
        Set<Integer> supported = new HashSet<>();
        for (String[] row : rows(directory, "supported-types.tsv")) {
            supported.add(Integer.parseInt(row[0]));
        }
        Map<Integer, Map<String, Specialization>> frozen = new HashMap<>();
        specializations.forEach((k, v) -> frozen.put(k, Collections.unmodifiableMap(v)));
        return new ResourceSchema(
                Map.copyOf(policies), Map.copyOf(frozen), Map.copyOf(children), Set.copyOf(supported));
    }

    private static IllegalStateException invalid(String file, String[] row, String why) {
        return new IllegalStateException(file + ": row '" + String.join("\t", row) + "' " + why);
    }

    private static List<String[]> rows(String directory, String file) {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = ResourceSchema.class.getResourceAsStream(directory + file)) {
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
