package io.citadel.engine.types;

import io.citadel.engine.resources.Resource;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import io.citadel.security.AccessControlRule;
import io.citadel.security.OriginatorIds;
import java.util.Map;

/**
 * {@code <accessControlPolicy>}: rules the decider could not evaluate are refused when written (4000, with
 * the reason), so that a typo in a time window or CIDR block never silently turns into "deny everything"
 * or, worse, is read as something else. Stored rules that still fail to compile are FALSE at decision time.
 */
public final class AccessControlPolicyBehaviour implements TypeBehaviour {
    private final OriginatorIds ids;

    public AccessControlPolicyBehaviour(OriginatorIds ids) {
        this.ids = ids;
    }

    @Override
    public ResourceType type() {
        return ResourceType.ACCESS_CONTROL_POLICY;
    }

    @Override
    public void prepareCreate(CreateDraft draft) {
        check(draft.attributes());
        checkSources(draft.attributes());
    }

    @Override
    public void checkUpdate(Resource current, Map<String, Object> changes) {
        check(changes);
        Map<String, Object> after = new java.util.HashMap<>(current.attributes());
        changes.forEach((k, v) -> {
            if (v == null) {
                after.remove(k);
            } else {
                after.put(k, v);
            }
        });
        checkSources(after);
    }

    /**
     * TS-0001 §9.6.2: privileges come from {@code pv} or from a remote PDP ({@code adri}) or PRP
     * ({@code apri}), which apply only when {@code pv} is absent; {@code adri} and {@code apri} exclude each other.
     */
    private static void checkSources(Map<String, Object> attrs) {
        boolean pv = attrs.get("pv") != null;
        boolean adri = attrs.get("adri") != null;
        boolean apri = attrs.get("apri") != null;
        if (adri && apri) {
            throw OneM2mException.badRequest(
                    "an accessControlPolicy may name decision points (adri) or policy points (apri), not both");
        }
        if (!pv && !adri && !apri) {
            throw OneM2mException.badRequest(
                    "an accessControlPolicy needs privileges (pv), or adri/apri naming where decisions or policies come from");
        }
        if (pv && (adri || apri)) {
            throw OneM2mException.badRequest("adri/apri apply only to an accessControlPolicy without pv");
        }
    }

    private void check(Map<String, Object> attributes) {
        for (String name : new String[] {"pv", "pvs"}) {
            if (attributes.get(name) != null) {
                AccessControlRule.firstDefect(AccessControlRule.parseSet(attributes.get(name), ids))
                        .ifPresent(d -> {
                            throw OneM2mException.badRequest("attribute '" + name + "' " + d);
                        });
            }
        }
    }
}
