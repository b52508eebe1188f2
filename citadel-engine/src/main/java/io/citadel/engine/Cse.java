package io.citadel.engine;

import io.citadel.engine.authorization.RevocationList;
import io.citadel.engine.hierarchy.EntityConnections;
import io.citadel.engine.hierarchy.OutboundRequests;
import io.citadel.engine.hierarchy.RegistrarLink;
import io.citadel.engine.hierarchy.RemoteCseIndex;
import io.citadel.engine.notification.SubscriptionIndex;
import io.citadel.engine.operations.EngineParts;
import io.citadel.engine.pipeline.Pipeline;
import io.citadel.engine.pipeline.PrimitiveHandler;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.CseBootstrap;
import io.citadel.engine.resources.ExpiryReaper;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.Writes;
import io.citadel.engine.store.ResourceStore;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.security.OriginatorIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The CSE: the request pipeline every binding feeds (through {@link io.citadel.engine.pipeline.InboundPort}) and
 * the lifecycle around it (registration with a registrar, reset, expiry, shutdown). Made by {@link #builder}.
 * Thread-safe; {@link #handle} blocks (a write returns when it is durable).
 */
public final class Cse implements PrimitiveHandler, AutoCloseable {
    private final CseSettings settings;
    private final EngineParts parts;
    private final Pipeline pipeline;
    private final EntityConnections connections;
    private final Links links;
    private final OutboundRequests outbound;
    private final RemoteCseIndex remotes;
    private final SubscriptionIndex subscriptions;
    private final RevocationList revocations;
    private final List<AutoCloseable> services;
    private final io.citadel.engine.privacy.PrivacyService privacy;

    /** This CSE's {@code esi}, handed to its registrar with the registration. */
    private final java.util.function.Supplier<Map<String, Object>> ownSecurityInfo;

    Cse(
            CseSettings settings,
            EngineParts parts,
            Pipeline pipeline,
            EntityConnections connections,
            Links links,
            OutboundRequests outbound,
            RemoteCseIndex remotes,
            SubscriptionIndex subscriptions,
            RevocationList revocations,
            java.util.function.Supplier<Map<String, Object>> ownSecurityInfo,
            io.citadel.engine.privacy.PrivacyService privacy,
            List<AutoCloseable> services) {
        this.privacy = privacy;
        this.ownSecurityInfo = ownSecurityInfo;
        this.settings = settings;
        this.parts = parts;
        this.pipeline = pipeline;
        this.connections = connections;
        this.links = links;
        this.outbound = outbound;
        this.remotes = remotes;
        this.subscriptions = subscriptions;
        this.revocations = revocations;
        this.services = List.copyOf(services);
    }

    /** Starts wiring a CSE on a store (see {@link CseBuilder}). */
    public static CseBuilder builder(CseSettings settings, ResourceStore store) {
        return new CseBuilder(settings, store);
    }

    /** The administrator originator as configured, normalised (SP-relative) and absolute: a secret in every form. */
    public static List<String> administratorSpellings(CseSettings settings, OriginatorIds ids) {
        String normalized = ids.normalize(settings.administrator());
        return List.of(settings.administrator(), normalized, ids.absolute(normalized));
    }

    /** Export and access logs of data subjects (the operator's side of privacy). */
    public io.citadel.engine.privacy.PrivacyService privacy() {
        return privacy;
    }

    /** The connections registered entities keep open here (bindings with two-way connections bind them). */
    public EntityConnections connections() {
        return connections;
    }

    public CseSettings settings() {
        return settings;
    }

    /** The stage names of the request pipeline, in order. */
    public List<String> stageNames() {
        return pipeline.stageNames();
    }

    /** Handles one request. Never throws: every failure becomes an error response with {@code m2m:dbg}. */
    @Override
    public ResponsePrimitive handle(RequestPrimitive request, RequestContext ctx) {
        return pipeline.handle(request, ctx);
    }

    /**
     * Registers this CSE with its registrar and keeps the registration alive (see {@link RegistrarLink});
     * {@code ownPointOfAccess} is where the registrar and others reach this CSE.
     */
    public void registerWith(
            String registrarCseId, String registrarPointOfAccess, Duration keepAlive, List<String> ownPointOfAccess) {
        links.start(
                () -> new RegistrarLink(
                        settings,
                        new RegistrarLink.Registrar(registrarCseId, registrarPointOfAccess, keepAlive),
                        outbound,
                        parts.store(),
                        remotes,
                        ownPointOfAccess,
                        ownSecurityInfo),
                registrarCseId);
    }

    /** True once the registration with the registrar succeeded (and until it is found gone). */
    public boolean registered() {
        RegistrarLink link = links.registrar();
        return link != null && link.registered();
    }

    /** Sets the CSEBase {@code poa} once the bindings know their ports. */
    public void pointOfAccess(List<String> poa) {
        Writes.await(parts.store().write(tx -> {
            tx.findById(settings.cseBaseId()).ifPresent(cb -> tx.update(cb.with(Map.of("poa", List.copyOf(poa)))));
            return null;
        }));
    }

    /** Revokes a token: it is refused from now on, cached or presented again. */
    public void revokeToken(String tokenId) {
        revocations.revoke(tokenId);
    }

    /** Deletes every resource and recreates the CSEBase (Upper Tester "Reset"). */
    public void reset() {
        privacy.clearAccessLogs();
        parts.store().wipe();
        parts.repository().clear();
        subscriptions.clear();
        remotes.clear();
        parts.notifier().reset();
        new CseBootstrap(settings, parts.schema(), parts.store(), parts.repository()).ensureCseBase();
    }

    /** The CSEBase as stored. */
    public Resource cseBase() {
        return parts.repository().findByPath(settings.cseName()).orElseThrow();
    }

    /** Runs one expiry pass now (the reaper also runs every second); returns how many were deleted. */
    public int expireNow(Instant now) {
        return services.stream()
                .filter(ExpiryReaper.class::isInstance)
                .map(ExpiryReaper.class::cast)
                .mapToInt(r -> r.reap(now))
                .sum();
    }

    @Override
    public void close() {
        RegistrarLink link = links.registrar();
        if (link != null) {
            link.close();
        }
        for (AutoCloseable service : services) {
            try {
                service.close();
            } catch (Exception e) {
                System.getLogger("citadel.engine")
                        .log(
                                System.Logger.Level.WARNING,
                                "closing " + service.getClass().getSimpleName() + " failed: " + e.getMessage());
            }
        }
    }

    /** The link to the registrar, made when {@link #registerWith} is called, read by the parts that need it. */
    static final class Links {
        private volatile RegistrarLink registrar;

        RegistrarLink registrar() {
            return registrar;
        }

        synchronized void start(java.util.function.Supplier<RegistrarLink> link, String registrarCseId) {
            if (registrar != null) {
                throw new IllegalStateException("already registering with " + registrarCseId);
            }
            registrar = link.get();
        }

        void wakeRegistrar() {
            RegistrarLink link = registrar;
            if (link != null) {
                link.wake();
            }
        }
    }
}
