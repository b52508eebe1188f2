package io.citadel.engine.authorization;

import io.citadel.engine.resources.Addressing;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.Target;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks that every {@code acpi} entry names an existing ACP here and every {@code daci} entry an existing
 * dynamicAuthorizationConsultation, and stores each as that resource's ri.
 */
public final class AcpiValidator {
    private final Addressing addressing;

    public AcpiValidator(Addressing addressing) {
        this.addressing = addressing;
    }

    public void canonicalize(Map<String, Object> attrs) {
        canonicalize(attrs, "acpi", ResourceType.ACCESS_CONTROL_POLICY);
        canonicalize(attrs, "daci", ResourceType.DYNAMIC_AUTHORIZATION_CONSULTATION);
    }

    private void canonicalize(Map<String, Object> attrs, String name, ResourceType type) {
        if (!(attrs.get(name) instanceof List<?> acpi)) {
            return;
        }
        List<String> ris = new ArrayList<>();
        for (Object id : acpi) {
            Resource acp;
            try {
                Target t = addressing.resolve(String.valueOf(id));
                acp = t.virtual() == Target.Virtual.NONE && t.attribute() == null ? t.resource() : null;
            } catch (OneM2mException e) {
                acp = null;
            }
            if (acp == null || acp.type() != type) {
                throw OneM2mException.badRequest(
                        name + " entry '" + id + "' is not a " + type.jsonKey() + " of this CSE");
            }
            if (!ris.contains(acp.ri())) {
                ris.add(acp.ri());
            }
        }
        attrs.put(name, List.copyOf(ris));
    }
}
