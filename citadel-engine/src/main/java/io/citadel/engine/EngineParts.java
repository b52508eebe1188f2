package io.citadel.engine;

import io.citadel.engine.store.ResourceStore;
import io.citadel.engine.types.AeBehaviour;
import io.citadel.engine.types.TypeBehaviour;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.schema.ResourceSchema;
import java.util.Map;

/** The collaborators the operations share; assembled once by {@link Cse}. */
record EngineParts(CseSettings settings, ResourceSchema schema, ResourceStore store, ResourceRepository repository,
                   Addressing addressing, AccessControl accessControl, AcpiValidator acpiValidator,
                   Representation representation, Map<ResourceType, TypeBehaviour> behaviours,
                   AeBehaviour aeBehaviour, DistributedAuthorization distributed, Notifier notifier,
                   SubscriptionVerification verification, Announcer announcer) {

    TypeBehaviour behaviour(ResourceType type) {
        TypeBehaviour b = behaviours.get(type);
        if (b == null) {
            throw new IllegalStateException("no behaviour for supported type " + type);
        }
        return b;
    }
}
