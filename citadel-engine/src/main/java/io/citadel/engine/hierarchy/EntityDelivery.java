package io.citadel.engine.hierarchy;

import io.citadel.engine.notification.NotificationTargets;
import io.citadel.engine.notification.PollingChannels;
import io.citadel.engine.resources.Resource;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Delivers a request to an AE or remote CSE registered here (re-targeting, TS-0001 §10.2.5.21): over the
 * connection it keeps open to this CSE if there is one (WebSocket), else at its point of access when it is reachable ({@code rr} not false) or has no polling channel, else through its
 * {@code <pollingChannel>}, where it waits (up to a minute) for the entity to fetch and answer it.
 */
public final class EntityDelivery {
    private static final Duration CHANNEL_WAIT = Duration.ofSeconds(60);
    private final OutboundRequests outbound;
    private final PollingChannels channels;
    private final EntityConnections connections;

    public EntityDelivery(OutboundRequests outbound, PollingChannels channels, EntityConnections connections) {
        this.outbound = outbound;
        this.channels = channels;
        this.connections = connections;
    }

    public CompletableFuture<ResponsePrimitive> deliver(Resource entity, RequestPrimitive req, Duration timeout) {
        Object id = entity.get(entity.type() == io.citadel.protocol.ResourceType.AE ? "aei" : "csi");
        Optional<EntityConnections.Connection> live = connections.of(id instanceof String s ? s : null);
        if (live.isPresent()) {
            return live.get().send(req, timeout);
        }
        boolean reachable = !Boolean.FALSE.equals(entity.get("rr"));
        Optional<String> poa = pointOfAccess(entity);
        if (poa.isPresent() && reachable) {
            return outbound.send(poa.get(), req, timeout); // the common case: no look-up of a channel
        }
        Optional<Resource> channel = channels.channelOf(entity);
        if (poa.isPresent() && channel.isEmpty()) {
            return outbound.send(poa.get(), req, timeout);
        }
        if (channel.isPresent()) {
            Duration wait = timeout.compareTo(CHANNEL_WAIT) > 0 ? timeout : CHANNEL_WAIT;
            return channels.offer(channel.get(), req)
                    .completeOnTimeout(
                            ResponsePrimitive.error(
                                    ResponseStatusCode.TARGET_NOT_REACHABLE,
                                    req.requestId(),
                                    req.releaseVersion(),
                                    "not fetched through the polling channel in time"),
                            wait.toMillis(),
                            TimeUnit.MILLISECONDS);
        }
        return CompletableFuture.completedFuture(ResponsePrimitive.error(
                ResponseStatusCode.TARGET_NOT_REACHABLE,
                req.requestId(),
                req.releaseVersion(),
                entity.ri() + " has neither a point of access nor a polling channel"));
    }

    /**
     * Whether the entity can only be reached over a connection of its own and has none now: no live
     * connection, no point of access, no polling channel (a WebSocket AE between two connections).
     */
    public boolean awaitsConnection(Resource entity) {
        Object id = entity.get(entity.type() == io.citadel.protocol.ResourceType.AE ? "aei" : "csi");
        return connections.of(id instanceof String s ? s : null).isEmpty()
                && pointOfAccess(entity).isEmpty()
                && channels.channelOf(entity).isEmpty();
    }

    static Optional<String> pointOfAccess(Resource entity) {
        for (Object p : entity.get("poa") instanceof List<?> l ? l : List.of()) {
            if (p instanceof String s && NotificationTargets.isUrl(s)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
