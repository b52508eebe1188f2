package io.citadel.engine.notification;

import io.citadel.engine.resources.FilterMatcher;
import io.citadel.engine.resources.Resource;
import io.citadel.protocol.FilterCriteria;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A subscription's {@code enc} (m2m:eventNotificationCriteria, TS-0004 §6.3.5.x) compiled once: the event
 * types ({@code net}, default update), the attributes whose change counts ({@code atr}), child types for
 * child events ({@code chty}), the operation monitor ({@code om}) and the time, state-tag and size
 * conditions, evaluated on the resource the event is about.
 */
public record EventCriteria(
        Set<Integer> eventTypes,
        Set<String> attributes,
        Set<Integer> childTypes,
        List<Monitor> monitors,
        FilterCriteria conditions) {

    static final int UPDATE = 1;
    static final int DELETE = 2;
    static final int CREATE_CHILD = 3;
    static final int DELETE_CHILD = 4;
    private static final Set<Integer> SUPPORTED = Set.of(UPDATE, DELETE, CREATE_CHILD, DELETE_CHILD);
    private static final Set<String> MEMBERS = Set.of(
            "net", "atr", "chty", "om", "crb", "cra", "ms", "us", "sts", "stb", "exb", "exa", "sza", "szb", "fo");

    /** One {@code om} entry: an operation and/or an originator whose requests alone count. */
    record Monitor(Operation operation, String originator) {
        boolean matches(Operation op, String from) {
            return (operation == null || operation == op) && (originator == null || originator.equals(from));
        }
    }

    static final EventCriteria DEFAULT = new EventCriteria(Set.of(UPDATE), Set.of(), Set.of(), List.of(), null);

    /** Parses and validates {@code enc}; 4000 for malformed members, 5001 for event types not supported. */
    public static EventCriteria parse(Object enc) {
        if (enc == null) {
            return DEFAULT;
        }
        if (!(enc instanceof Map<?, ?> map)) {
            throw OneM2mException.badRequest("enc must be an m2m:eventNotificationCriteria object");
        }
        for (Object key : map.keySet()) {
            if (key.equals("md")) {
                throw new OneM2mException(ResponseStatusCode.NOT_IMPLEMENTED, "enc/md (missing data) is not supported");
            }
            if (!MEMBERS.contains(String.valueOf(key))) {
                throw OneM2mException.badRequest("enc has an unknown member '" + key + "'");
            }
        }
        Set<Integer> types = map.containsKey("net") ? Set.copyOf(integers(map.get("net"), "enc/net")) : Set.of(UPDATE);
        if (types.isEmpty()) {
            throw OneM2mException.badRequest("enc/net must not be empty");
        }
        for (int t : types) {
            if (t < 1 || t > 8) {
                throw OneM2mException.badRequest("enc/net " + t + " is not a notificationEventType");
            }
            if (!SUPPORTED.contains(t)) {
                throw new OneM2mException(
                        ResponseStatusCode.NOT_IMPLEMENTED,
                        "enc/net " + t
                                + " is not supported (supported: 1 update, 2 delete, 3 create child, 4 delete child)");
            }
        }
        Set<String> attributes = Set.copyOf(strings(map.get("atr"), "enc/atr"));
        Set<Integer> childTypes = Set.copyOf(integers(map.get("chty"), "enc/chty"));
        List<Monitor> monitors = new ArrayList<>();
        if (map.get("om") != null) {
            Object om = map.get("om");
            for (Object entry : om instanceof List<?> l ? l : List.of(om)) {
                if (!(entry instanceof Map<?, ?> m)) {
                    throw OneM2mException.badRequest("enc/om entries must be objects with ops and/or org");
                }
                Operation op = null;
                if (m.get("ops") != null) {
                    if (!(m.get("ops") instanceof Number n)) {
                        throw OneM2mException.badRequest("enc/om/ops must be an operation code");
                    }
                    op = Operation.of(n.intValue())
                            .orElseThrow(() -> OneM2mException.badRequest("enc/om/ops " + n + " is not an operation"));
                }
                Object org = m.get("org");
                if (org != null && !(org instanceof String)) {
                    throw OneM2mException.badRequest("enc/om/org must be an ID");
                }
                monitors.add(new Monitor(op, (String) org));
            }
        }
        FilterCriteria conditions = new FilterCriteria(
                time(map, "crb"),
                time(map, "cra"),
                time(map, "ms"),
                time(map, "us"),
                number(map, "sts"),
                number(map, "stb"),
                time(map, "exb"),
                time(map, "exa"),
                List.of(),
                List.of(),
                number(map, "sza"),
                number(map, "szb"),
                List.of(),
                List.of(),
                2,
                null,
                null,
                null,
                map.get("fo") instanceof Number fo && fo.intValue() == 2 ? 2 : 1);
        return new EventCriteria(
                types, attributes, childTypes, List.copyOf(monitors), conditions.hasConditions() ? conditions : null);
    }

    /**
     * Whether this event counts.
     *
     * @param subject the resource whose conditions are checked (the updated or deleted resource, or the child)
     * @param modified the attributes an UPDATE changed (empty for other events)
     * @param originator the normalised originator of the request that caused it (null for the CSE itself)
     */
    boolean matches(int eventType, Resource subject, Set<String> modified, Operation operation, String originator) {
        if (!eventTypes.contains(eventType)) {
            return false;
        }
        if (eventType == UPDATE && !attributes.isEmpty() && modified.stream().noneMatch(attributes::contains)) {
            return false;
        }
        if ((eventType == CREATE_CHILD || eventType == DELETE_CHILD)
                && !childTypes.isEmpty()
                && !childTypes.contains(subject.type().code())) {
            return false;
        }
        if (!monitors.isEmpty() && monitors.stream().noneMatch(m -> m.matches(operation, originator))) {
            return false;
        }
        return conditions == null || FilterMatcher.matches(conditions, subject);
    }

    private static List<Integer> integers(Object value, String name) {
        List<Integer> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (Object v : value instanceof List<?> l ? l : List.of(value)) {
            if (!(v instanceof Number n) || n.doubleValue() != n.intValue()) {
                throw OneM2mException.badRequest(name + " must be a list of integers");
            }
            out.add(n.intValue());
        }
        return out;
    }

    private static List<String> strings(Object value, String name) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (Object v : value instanceof List<?> l ? l : List.of(value)) {
            if (!(v instanceof String s) || !s.matches("[A-Za-z][A-Za-z0-9]{0,31}")) {
                throw OneM2mException.badRequest(name + " must be a list of attribute short names");
            }
            out.add(s);
        }
        return out;
    }

    private static Instant time(Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw OneM2mException.badRequest("enc/" + key + " must be an m2m:timestamp");
        }
        return Timestamps.parse(s)
                .orElseThrow(() -> OneM2mException.badRequest("enc/" + key + " must be an m2m:timestamp"));
    }

    private static Long number(Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || n.longValue() < 0) {
            throw OneM2mException.badRequest("enc/" + key + " must be a non-negative integer");
        }
        return n.longValue();
    }
}
