package io.citadel.engine.hierarchy;

import io.citadel.engine.CseSettings;
import io.citadel.engine.resources.Ids;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.Universal;
import io.citadel.engine.resources.Writes;
import io.citadel.engine.store.ResourceStore;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ReleaseVersion;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This CSE's registration with its registrar (TS-0001 §10.2.2.7), kept alive:
 * <ol>
 * <li>CREATE {@code <remoteCSE>} at the registrar's CSEBase with our CSE-ID, CSEBase, poa and descendants;
 * "already registered" (4117/4105) counts as registered and is brought up to date.</li>
 * <li>RETRIEVE the registrar's CSEBase and keep a local {@code <remoteCSE>} for it (our upward route).</li>
 * <li>Every keep-alive period: RETRIEVE our {@code <remoteCSE>} there. Gone (4004: the registrar lost or
 * deleted it) means register again; a stale {@code poa} or {@code dcse} is UPDATEd. An unreachable
 * registrar is tried again next period, and the first failure and the recovery are logged.</li>
 * </ol>
 * Runs on its own thread; never blocks requests.
 */
public final class RegistrarLink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.registration");

    /**
     * @param cseId the registrar's SP-relative CSE-ID
     * @param pointOfAccess where the registrar is reached (e.g. {@code http://in.example:8080/})
     * @param keepAlive how often the registration is checked
     */
    public record Registrar(String cseId, String pointOfAccess, Duration keepAlive) {
        public Registrar {
            Objects.requireNonNull(cseId);
            Objects.requireNonNull(pointOfAccess);
            if (keepAlive.isNegative() || keepAlive.isZero()) {
                throw new IllegalArgumentException("keep-alive must be positive");
            }
        }
    }

    private final CseSettings settings;
    private final Registrar registrar;
    private final OutboundRequests outbound;
    private final ResourceStore store;
    private final RemoteCseIndex routes;
    private final List<String> ownPointOfAccess;
    private final ScheduledExecutorService timer;
    private final Duration timeout = Duration.ofSeconds(5);
    private volatile boolean registered;
    private volatile boolean reachable = true;
    private volatile String remoteAddress;

    private final java.util.function.Supplier<Map<String, Object>> ownSecurityInfo;

    public RegistrarLink(
            CseSettings settings,
            Registrar registrar,
            OutboundRequests outbound,
            ResourceStore store,
            RemoteCseIndex routes,
            List<String> ownPointOfAccess,
            java.util.function.Supplier<Map<String, Object>> ownSecurityInfo) {
        this.ownSecurityInfo = ownSecurityInfo;
        this.settings = settings;
        this.registrar = registrar;
        this.outbound = outbound;
        this.store = store;
        this.routes = routes;
        this.ownPointOfAccess = List.copyOf(ownPointOfAccess);
        this.remoteAddress = registrar.cseId() + "/" + settings.cseBaseId();
        routes.registrar(registrar.cseId());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "citadel-registration");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::safeTick, 0, registrar.keepAlive().toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean registered() {
        return registered;
    }

    String registrarCseId() {
        return registrar.cseId();
    }

    String registrarPointOfAccess() {
        return registrar.pointOfAccess();
    }

    /** Our {@code <remoteCSE>} at the registrar, e.g. {@code /id-in/id-mn}. */
    String remoteAddress() {
        return remoteAddress;
    }

    /** Checks soon (a registree came or went, so our descendants changed). */
    public void wake() {
        timer.execute(this::safeTick);
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "registration with " + registrar.cseId() + " failed: " + e.getMessage());
        }
    }

    private synchronized void tick() {
        if (!registered) {
            register();
            return;
        }
        ResponsePrimitive own = call(Operation.RETRIEVE, remoteAddress, null, null);
        if (own == null) {
            return;
        }
        if (own.status() == ResponseStatusCode.NOT_FOUND) {
            LOG.log(
                    Level.WARNING,
                    "registrar " + registrar.cseId() + " no longer has our registration; registering again");
            registered = false;
            register();
        } else if (own.status().isSuccess()) {
            bringUpToDate(own.content());
        }
    }

    private void register() {
        Map<String, Object> csr = new LinkedHashMap<>(desired());
        csr.put("rn", settings.cseBaseId());
        csr.put("cb", settings.cseId() + "/" + settings.cseName());
        csr.put("csi", settings.cseId());
        csr.put("cst", (long) settings.cseType());
        csr.put("rr", true);
        csr.put("srv", ReleaseVersion.SUPPORTED);
        csr.put("csz", List.of("json", "cbor", "xml"));
        ResponsePrimitive rsp =
                call(Operation.CREATE, registrar.cseId(), ResourceType.REMOTE_CSE.code(), Map.of("m2m:csr", csr));
        if (rsp == null) {
            return;
        }
        if (rsp.status() == ResponseStatusCode.CREATED) {
            if (rsp.content() instanceof Map<?, ?> m
                    && m.get("m2m:csr") instanceof Map<?, ?> created
                    && created.get("ri") instanceof String ri) {
                remoteAddress = registrar.cseId() + "/" + ri;
            }
        } else if (rsp.status() == ResponseStatusCode.ORIGINATOR_HAS_ALREADY_REGISTERED
                || rsp.status() == ResponseStatusCode.CONFLICT) {
            ResponsePrimitive own = call(Operation.RETRIEVE, remoteAddress, null, null);
            if (own == null || !own.status().isSuccess()) {
                LOG.log(
                        Level.WARNING,
                        "registrar " + registrar.cseId() + " says we are registered but does not show"
                                + " our <remoteCSE> at " + remoteAddress);
                return;
            }
            bringUpToDate(own.content());
        } else {
            LOG.log(
                    Level.WARNING,
                    "registrar " + registrar.cseId() + " refused our registration: "
                            + rsp.status().code() + " " + rsp.content());
            return;
        }
        if (rememberRegistrar()) {
            registered = true;
            LOG.log(Level.INFO, "registered with " + registrar.cseId() + " at " + registrar.pointOfAccess());
        }
    }

    /** UPDATEs what the registrar holds about us when our poa or descendants changed. */
    private void bringUpToDate(Object content) {
        if (!(content instanceof Map<?, ?> m) || !(m.get("m2m:csr") instanceof Map<?, ?> there)) {
            return;
        }
        Map<String, Object> want = desired();
        Map<String, Object> changes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : want.entrySet()) {
            Object current = there.get(e.getKey());
            boolean bothEmpty = current == null && e.getValue() instanceof List<?> l && l.isEmpty();
            if (!bothEmpty && !e.getValue().equals(current)) {
                changes.put(e.getKey(), e.getValue());
            }
        }
        if (!changes.isEmpty()) {
            ResponsePrimitive rsp = call(Operation.UPDATE, remoteAddress, null, Map.of("m2m:csr", changes));
            if (rsp != null && !rsp.status().isSuccess()) {
                LOG.log(
                        Level.WARNING,
                        "registrar refused the update of our registration: "
                                + rsp.status().code());
            }
        }
    }

    private Map<String, Object> desired() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("poa", ownPointOfAccess);
        m.put("dcse", routes.descendants());
        if (ownSecurityInfo != null) {
            m.put("esi", ownSecurityInfo.get()); // kept current: the rand object in it is replaced now and then
        }
        return m;
    }

    /** Keeps a local {@code <remoteCSE>} describing the registrar, from its CSEBase. */
    private boolean rememberRegistrar() {
        ResponsePrimitive rsp = call(Operation.RETRIEVE, registrar.cseId(), null, null);
        if (rsp == null
                || !rsp.status().isSuccess()
                || !(rsp.content() instanceof Map<?, ?> m)
                || !(m.get("m2m:cb") instanceof Map<?, ?> cb)) {
            LOG.log(
                    Level.WARNING,
                    "could not read the registrar's CSEBase"
                            + (rsp == null ? "" : ": " + rsp.status().code()));
            return false;
        }
        String ri = registrar.cseId().substring(1);
        Map<String, Object> attrs =
                Universal.attributes(ResourceType.REMOTE_CSE, ri, ri, settings.cseBaseId(), Instant.now());
        attrs.put("csi", registrar.cseId());
        attrs.put("cb", registrar.cseId() + "/" + cb.get("rn"));
        attrs.put("cst", cb.get("cst") instanceof Number n ? n.longValue() : 1L);
        attrs.put("rr", true);
        attrs.put("srv", cb.get("srv") instanceof List<?> srv ? srv : ReleaseVersion.SUPPORTED);
        attrs.put("poa", List.of(registrar.pointOfAccess()));
        Writes.await(store.write(tx -> {
            Resource existing = tx.findById(ri).orElse(null);
            if (existing != null) {
                Map<String, Object> keep = new LinkedHashMap<>(attrs);
                keep.put("ct", existing.get("ct"));
                tx.update(existing.with(keep));
            } else {
                tx.insert(new Resource(
                        ri,
                        ResourceType.REMOTE_CSE,
                        settings.cseBaseId(),
                        ri,
                        settings.cseName() + "/" + ri,
                        tx.nextSequence(),
                        registrar.cseId(),
                        attrs));
            }
            return null;
        }));
        return true;
    }

    /** One request to the registrar; null (and logged on the first failure) when it cannot be reached. */
    private ResponsePrimitive call(Operation op, String to, Integer ty, Object content) {
        RequestPrimitive req = RequestPrimitive.builder(op, to)
                .from(settings.cseId())
                .requestId(Ids.next("reg"))
                .releaseVersion("3")
                .resourceType(ty)
                .content(content)
                .build();
        try {
            ResponsePrimitive rsp = outbound.forward(registrar.pointOfAccess(), registrar.cseId(), req, timeout)
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            if (!reachable) {
                LOG.log(Level.INFO, "registrar " + registrar.cseId() + " is reachable again");
                reachable = true;
            }
            return rsp;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            if (reachable) {
                Throwable cause =
                        e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
                LOG.log(
                        Level.WARNING,
                        "registrar " + registrar.cseId() + " at " + registrar.pointOfAccess()
                                + " cannot be reached (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                                + "); retrying every " + registrar.keepAlive().toSeconds() + " s");
                reachable = false;
            }
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
