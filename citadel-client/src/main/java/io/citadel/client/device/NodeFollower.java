package io.citadel.client.device;

import io.citadel.client.OneM2mClient;
import io.citadel.protocol.ResponsePrimitive;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follows the management objects under the device's {@code <node>} on its CSE: each {@link #poll} discovers the
 * {@code <mgmtObj>} children (at most {@link ManagedSettings#MAX_OBJECTS}), applies each one whose operator-set
 * attributes it has not applied yet (it remembers a digest of what it applied, not a time: a change made while it
 * applies is applied at the next poll) ({@link DeviceManagement}) and reports the outcome on it: {@code apst} on the
 * security objects, {@code uds} (and {@code ud} false) on a [firmware]. A [trustAnchorCred] that is gone takes its
 * anchor with it, but only when the poll saw the whole node: a failed read or a full page forgets nothing.
 * The device's AE needs RETRIEVE and DISCOVERY on the node and UPDATE on its objects; the operator's ACP says so.
 */
public final class NodeFollower {
    /** One object the poll applied (or refused), and how. */
    public record Applied(String source, long mgd, ManagementOutcome outcome) {}

    private final DeviceManagement management;
    private final String node;

    /**
     * @param node the address of the device's {@code <node>} on its CSE
     */
    public NodeFollower(DeviceManagement management, String node) {
        this.management = management;
        this.node = node;
    }

    /** Applies what changed under the node since the last poll; an {@link EnrolmentException} when it cannot read it. */
    public synchronized List<Applied> poll() {
        List<Applied> done = new ArrayList<>();
        OneM2mClient cse = management.cse();
        try {
            String nodeId = resourceId(expect(cse.retrieve(node), "retrieve its node"));
            ResponsePrimitive found = expect(
                    cse.retrieve(node, Map.of("fu", List.of("1"), "ty", List.of("13"), "lim", List.of("64"))),
                    "discover its management objects");
            Set<String> present = new HashSet<>();
            List<String> listed = addresses(found);
            boolean complete = listed.size() < ManagedSettings.MAX_OBJECTS;
            for (String address : listed) {
                ResponsePrimitive r = cse.retrieve(address);
                if (r.status().code() == 4004) {
                    continue; // deleted since the discovery
                }
                if (r.status().code() != 2000 || !(r.content() instanceof Map<?, ?> wrapped) || wrapped.size() != 1) {
                    complete = false; // not read now: nothing it holds is forgotten on this poll
                    continue;
                }
                var member = wrapped.entrySet().iterator().next();
                if (!(member.getValue() instanceof Map<?, ?> raw)) {
                    continue;
                }
                Map<String, Object> attrs = strings(raw);
                if (!(attrs.get("ri") instanceof String ri) || !(attrs.get("mgd") instanceof Number mgd)) {
                    complete = false;
                    continue;
                }
                present.add(ri);
                String digest = digest(attrs);
                if (digest.equals(management.device().settings().applied().get(ri))) {
                    continue;
                }
                ManagementOutcome outcome = management.apply(mgd.longValue(), nodeId, ri, attrs);
                if (outcome != null) {
                    done.add(new Applied(ri, mgd.longValue(), outcome));
                    if (outcome.isApplied() && mgd.longValue() == DeviceManagement.AUTHENTICATION_PROFILE) {
                        cse.transport().close(); // the rest of the poll over the new association
                        cse = management.cse();
                    }
                    report(cse, address, (String) member.getKey(), mgd.longValue(), outcome);
                }
                // what the object holds once its report is in: the operator's next change differs from it
                Map<String, Object> reported = new java.util.HashMap<>(attrs);
                if (outcome != null && mgd.longValue() == DeviceManagement.FIRMWARE) {
                    reported.put("ud", false);
                }
                String appliedDigest = digest(reported);
                management.device().changeSettings(m -> m.withApplied(ri, appliedDigest));
            }
            if (!complete) {
                return done;
            }
            for (String gone :
                    List.copyOf(management.device().settings().applied().keySet())) {
                if (!gone.startsWith("mo:") && !present.contains(gone)) {
                    management.forget(gone);
                }
            }
            for (String anchor :
                    List.copyOf(management.device().settings().anchors().keySet())) {
                if (!anchor.startsWith("mo:") && !present.contains(anchor)) {
                    management.forget(anchor);
                }
            }
            return done;
        } finally {
            cse.transport().close();
        }
    }

    /**
     * A digest of what the operator set on the object: everything but what the device or the CSE sets ({@code lt},
     * {@code apst}, {@code uds}). The device records it as the object will be once its report is in ({@code ud} false
     * on a [firmware]), so any later change of the operator's (asking for an update again), or one made while it
     * applied, differs from it and is applied.
     */
    static String digest(Map<String, Object> attrs) {
        Map<String, Object> set = new java.util.TreeMap<>(attrs);
        set.keySet().removeAll(List.of("lt", "apst", "uds"));
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(set);
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot digest a management object", e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper CANONICAL =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** Reports {@code outcome} on the object (a failed report is tried again only when the object changes). */
    private static void report(OneM2mClient cse, String address, String member, long mgd, ManagementOutcome outcome) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        if (mgd == DeviceManagement.FIRMWARE) {
            attrs.put("uds", outcome.actionStatus());
            attrs.put("ud", false);
        } else {
            attrs.put("apst", outcome.actionStatus());
        }
        cse.update(address, Map.of(member, attrs));
    }

    private static ResponsePrimitive expect(ResponsePrimitive r, String what) {
        if (r.status().code() != 2000) {
            throw new EnrolmentException(
                    "its CSE refused to " + what + ": " + r.status().code());
        }
        return r;
    }

    private static String resourceId(ResponsePrimitive r) {
        if (r.content() instanceof Map<?, ?> wrapped
                && wrapped.get("m2m:nod") instanceof Map<?, ?> nod
                && nod.get("ri") instanceof String ri) {
            return ri;
        }
        throw new EnrolmentException("its node is not a <node>");
    }

    private static List<String> addresses(ResponsePrimitive r) {
        if (r.content() instanceof Map<?, ?> wrapped && wrapped.get("m2m:uril") instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (o instanceof String s && out.size() < ManagedSettings.MAX_OBJECTS) {
                    out.add(s);
                }
            }
            return out;
        }
        throw new EnrolmentException("its CSE answered no list of management objects");
    }

    private static Map<String, Object> strings(Map<?, ?> raw) {
        Map<String, Object> m = new LinkedHashMap<>();
        raw.forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }
}
