package io.citadel.engine.notification;

import io.citadel.engine.CseSettings;
import io.citadel.engine.hierarchy.EntityDelivery;
import io.citadel.engine.hierarchy.OutboundRequests;
import io.citadel.engine.hierarchy.Routes;
import io.citadel.engine.resources.Ids;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a notification as a NOTIFY request primitive from this CSE through the outbound port: to a URL
 * target directly, to an AE or registree of ours at its {@code poa}, to any other oneM2M ID through the
 * next hop towards the CSE that hosts it. A subscription with {@code e2es} 1 has its notifications sealed by ESPrim
 * ({@link io.citadel.engine.e2e.EsprimSender}) under the pairwise key this CSE shares with the entity the target ID
 * names, or not sent at all.
 */
public final class NotifyRequests implements NotificationSender {
    private final CseSettings settings;
    private final NotificationTargets targets;
    private final OutboundRequests outbound;
    private final Routes routes;
    private final EntityDelivery entities;
    private final io.citadel.engine.e2e.EsprimSender esprim; // null: ESPrim not configured

    public NotifyRequests(
            CseSettings settings,
            NotificationTargets targets,
            OutboundRequests outbound,
            Routes routes,
            EntityDelivery entities) {
        this(settings, targets, outbound, routes, entities, null);
    }

    /**
     * @param esprim seals a notification to an entity reached through other CSEs when this CSE shares a pairwise
     *     ESPrim key with it (null: never)
     */
    public NotifyRequests(
            CseSettings settings,
            NotificationTargets targets,
            OutboundRequests outbound,
            Routes routes,
            EntityDelivery entities,
            io.citadel.engine.e2e.EsprimSender esprim) {
        this.esprim = esprim;
        this.entities = entities;
        this.settings = settings;
        this.targets = targets;
        this.outbound = outbound;
        this.routes = routes;
    }

    @Override
    public CompletableFuture<Outcome> send(String target, Object content, Duration timeout) {
        return send(target, content, timeout, false);
    }

    @Override
    public CompletableFuture<Outcome> send(String target, Object content, Duration timeout, boolean sealed) {
        Optional<NotificationTargets.Destination> d = targets.resolve(target);
        if (d.isPresent()
                && d.get().local() != null
                && entities.awaitsConnection(d.get().local())) {
            return CompletableFuture.completedFuture(Outcome.AWAIT_CONNECTION);
        }
        return request(d, target, content, timeout, sealed)
                .thenApply(rsp -> rsp.status().isSuccess()
                        ? Outcome.DELIVERED
                        : rsp.status().code() >= 5000
                                        || rsp.status()
                                                == io.citadel.protocol.ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID
                                        || rsp.status()
                                                == io.citadel.protocol.ResponseStatusCode.ESPRIM_UNKNOWN_RECV_RAND_ID
                                ? Outcome.RETRY // 4113/4114: the ESPrim session was dropped, the next try begins one
                                : Outcome.REFUSED);
    }

    /** Sends one NOTIFY and completes with the answer; a target that cannot be resolved answers 5103/4004. */
    CompletableFuture<ResponsePrimitive> request(String target, Object content, Duration timeout) {
        return request(targets.resolve(target), target, content, timeout, false);
    }

    private CompletableFuture<ResponsePrimitive> request(
            Optional<NotificationTargets.Destination> d,
            String target,
            Object content,
            Duration timeout,
            boolean sealed) {
        if (d.isEmpty()) {
            return CompletableFuture.completedFuture(ResponsePrimitive.error(
                    io.citadel.protocol.ResponseStatusCode.TARGET_NOT_REACHABLE,
                    null,
                    "3",
                    "notification target " + target + " has no point of access"));
        }
        String uri = d.get().uri();
        if (sealed) {
            return sealed(d.get(), target, content, timeout);
        }
        if (d.get().local() != null) {
            return entities.deliver(d.get().local(), notify(d.get().to(), content), timeout);
        }
        if (uri == null) {
            Optional<Routes.Hop> hop = routes.nextHopFor(d.get().to());
            if (hop.isEmpty()) {
                return CompletableFuture.completedFuture(ResponsePrimitive.error(
                        io.citadel.protocol.ResponseStatusCode.TARGET_NOT_REACHABLE,
                        null,
                        "3",
                        "no route to the CSE of notification target " + target));
            }
            return outbound.forward(
                    hop.get().pointOfAccess(), hop.get().cseId(), notify(d.get().to(), content), timeout);
        }
        return outbound.send(uri, notify(d.get().to(), content), timeout);
    }

    /**
     * A notification that travels only sealed (its subscription's {@code e2es}): to an entity named by its ID (not a
     * URL), under the pairwise key this CSE shares with it, each of the two exchanges with half the time; refused
     * (never sent in clear) when there is no key.
     */
    private CompletableFuture<ResponsePrimitive> sealed(
            NotificationTargets.Destination d, String target, Object content, Duration timeout) {
        Optional<io.citadel.e2e.esprim.PairwiseKeys.PairwiseKey> key =
                esprim == null || d.uri() != null ? Optional.empty() : esprim.keyFor(d.to());
        if (key.isEmpty()) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "a notification to " + target + " must be sealed and this CSE holds no pairwise ESPrim key for"
                            + " it: not sent");
            return CompletableFuture.completedFuture(ResponsePrimitive.error(
                    io.citadel.protocol.ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID,
                    null,
                    "3",
                    "no pairwise ESPrim key for the notification target " + target));
        }
        Duration leg = timeout.dividedBy(2);
        java.util.function.Function<RequestPrimitive, CompletableFuture<ResponsePrimitive>> transport;
        if (d.local() != null) {
            transport = outer -> entities.deliver(d.local(), outer, leg);
        } else {
            Optional<Routes.Hop> hop = routes.nextHopFor(d.to());
            if (hop.isEmpty()) {
                key.get().destroy();
                return CompletableFuture.completedFuture(ResponsePrimitive.error(
                        io.citadel.protocol.ResponseStatusCode.TARGET_NOT_REACHABLE,
                        null,
                        "3",
                        "no route to the CSE of notification target " + target));
            }
            transport = outer ->
                    outbound.forward(hop.get().pointOfAccess(), hop.get().cseId(), outer, leg);
        }
        return esprim.send(key.get(), notify(d.to(), content), transport)
                .whenComplete((r, e) -> key.get().destroy());
    }

    private static final System.Logger LOG = System.getLogger("citadel.notification");

    private RequestPrimitive notify(String to, Object content) {
        return RequestPrimitive.builder(Operation.NOTIFY, to)
                .from(settings.cseId())
                .requestId(Ids.next("ntf"))
                .releaseVersion("3")
                .content(content)
                .build();
    }
}
