package io.citadel.engine.operations;

import io.citadel.engine.CseSettings;
import io.citadel.engine.authorization.AccessControl;
import io.citadel.engine.authorization.AcpiValidator;
import io.citadel.engine.authorization.DistributedAuthorization;
import io.citadel.engine.hierarchy.Announcer;
import io.citadel.engine.notification.Notifier;
import io.citadel.engine.notification.SubscriptionVerification;
import io.citadel.engine.resources.Addressing;
import io.citadel.engine.resources.Representation;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.engine.store.ResourceStore;
import io.citadel.engine.types.AeBehaviour;
import io.citadel.engine.types.TypeBehaviour;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.schema.ResourceSchema;
import java.util.Map;

/** The collaborators the operations share; assembled once by {@link Cse}. */
public record EngineParts(
        CseSettings settings,
        ResourceSchema schema,
        ResourceStore store,
        ResourceRepository repository,
        Addressing addressing,
        AccessControl accessControl,
        AcpiValidator acpiValidator,
        Representation representation,
        Map<ResourceType, TypeBehaviour> behaviours,
        AeBehaviour aeBehaviour,
        DistributedAuthorization distributed,
        Notifier notifier,
        SubscriptionVerification verification,
        Announcer announcer) {

    TypeBehaviour behaviour(ResourceType type) {
        TypeBehaviour b = behaviours.get(type);
        if (b == null) {
            throw new IllegalStateException("no behaviour for supported type " + type);
        }
        return b;
    }
}
