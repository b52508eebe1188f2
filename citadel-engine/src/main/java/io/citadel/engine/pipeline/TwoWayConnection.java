package io.citadel.engine.pipeline;

import io.citadel.engine.hierarchy.EntityConnections;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import java.util.Map;
import java.util.Objects;

/**
 * A connection that carries requests both ways (WebSocket): it reaches the entity that registered over it (the
 * AE-ID the CSE assigned, the CSE-ID of a registering CSE) or, on a connection re-opened after registration,
 * the originator of its first successful request (TS-0020 §6.3: the server routes requests to the registree
 * over this connection). Thread-safe.
 */
public final class TwoWayConnection {
    private final EntityConnections.Connection connection;
    private volatile String boundEntity;

    public TwoWayConnection(EntityConnections.Connection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    /** The entity this connection reaches, or null before its first successful request. */
    public String boundEntity() {
        return boundEntity;
    }

    synchronized void answered(RequestPrimitive request, ResponsePrimitive response, EntityConnections connections) {
        if (boundEntity != null || !response.status().isSuccess()) {
            return;
        }
        String entity = entity(request, response);
        if (entity != null && !entity.isBlank() && !entity.equals("C") && !entity.equals("S")) {
            boundEntity = connections.bind(entity, connection);
        }
    }

    void closed(EntityConnections connections) {
        connections.unbind(connection);
    }

    private static String entity(RequestPrimitive request, ResponsePrimitive response) {
        if (request.operation() == Operation.CREATE && response.content() instanceof Map<?, ?> content) {
            Integer ty = request.resourceType();
            if (ty != null
                    && ty == ResourceType.AE.code()
                    && content.get("m2m:ae") instanceof Map<?, ?> ae
                    && ae.get("aei") instanceof String aei) {
                return aei;
            }
            if (ty != null
                    && ty == ResourceType.REMOTE_CSE.code()
                    && content.get("m2m:csr") instanceof Map<?, ?> csr
                    && csr.get("csi") instanceof String csi) {
                return csi;
            }
        }
        return request.from();
    }
}
