package io.citadel.engine.hierarchy;

import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Connections that registered entities keep open to this CSE and over which the CSE can send them
 * requests (a WebSocket, TS-0020 §6: "the server routes primitives to that registree over this
 * connection"). Keyed by the normalised AE-ID or CSE-ID; a newer connection of the same entity replaces
 * the older one. Consulted before an entity's point of access when delivering to it.
 */
public final class EntityConnections {

    /** One open connection able to carry a request to the entity and bring back its response. */
    public interface Connection {
        CompletableFuture<ResponsePrimitive> send(RequestPrimitive request, Duration timeout);

        boolean isOpen();
    }

    private final ConcurrentHashMap<String, Connection> byEntity = new ConcurrentHashMap<>();
    private final UnaryOperator<String> normalize;
    private volatile Runnable onBind = () -> {};

    public EntityConnections(UnaryOperator<String> normalize) {
        this.normalize = normalize;
    }

    /** Binds {@code entityId} to the connection (it now reaches the entity); returns the normalised ID. */
    public String bind(String entityId, Connection connection) {
        String id = normalize.apply(entityId);
        Connection previous = byEntity.put(id, connection);
        if (previous != connection) {
            onBind.run();
        }
        return id;
    }

    /** Runs {@code action} whenever an entity becomes reachable over a new connection (parked notifications resume). */
    public void onBind(Runnable action) {
        this.onBind = action;
    }

    /** Forgets the connection wherever it is bound (it closed). */
    public void unbind(Connection connection) {
        byEntity.values().removeIf(c -> c == connection);
    }

    Optional<Connection> of(String entityId) {
        if (entityId == null || entityId.isEmpty()) {
            return Optional.empty();
        }
        String id = normalize.apply(entityId);
        Connection c = byEntity.get(id);
        if (c != null && !c.isOpen()) {
            byEntity.remove(id, c);
            return Optional.empty();
        }
        return Optional.ofNullable(c);
    }
}
