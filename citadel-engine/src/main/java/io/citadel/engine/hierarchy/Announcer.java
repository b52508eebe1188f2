package io.citadel.engine.hierarchy;

import io.citadel.engine.CseSettings;
import io.citadel.engine.resources.Ids;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceEvent;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.schema.ResourceSchema;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Announces resources to this CSE's registrar (TS-0001 §9.6.26, §10.2.18) and keeps the announced copies
 * in step: a resource whose {@code at} names the registrar gets an {@code <xxxAnnc>} there, under the
 * announced copy of its parent when that is announced too, else under this CSE's {@code <remoteCSE>}. The
 * copy is named after the original's resource ID, carries {@code lnk} and the attributes the type always
 * announces plus those in {@code aa}. After each change the copy is looked up and created, updated or
 * deleted as needed, so a missed step is made good by the next change. Runs on its own thread after the
 * change is durable; failures are retried three times, then logged.
 */
public final class Announcer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.announce");
    private static final Map<ResourceType, Set<String>> ALWAYS = Map.of(
            ResourceType.AE, Set.of("api", "aei", "rr", "srv"),
            ResourceType.ACCESS_CONTROL_POLICY, Set.of("pv", "pvs"),
            ResourceType.CONTAINER, Set.of(),
            ResourceType.CONTENT_INSTANCE, Set.of("con", "cnf", "cs"));
    private static final Set<String> COMMON = Set.of("lbl", "et");

    private final CseSettings settings;
    private final ResourceSchema schema;
    private final ResourceRepository repository;
    private final OutboundRequests outbound;
    private final Supplier<RegistrarLink> registrar;
    private final Duration timeout = Duration.ofSeconds(5);
    private final ExecutorService worker =
            new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(100_000), r -> {
                Thread t = new Thread(r, "citadel-announce");
                t.setDaemon(true);
                return t;
            });

    public Announcer(
            CseSettings settings,
            ResourceSchema schema,
            ResourceRepository repository,
            OutboundRequests outbound,
            Supplier<RegistrarLink> registrar) {
        this.settings = settings;
        this.schema = schema;
        this.repository = repository;
        this.outbound = outbound;
        this.registrar = registrar;
    }

    static boolean isAnnounceable(ResourceType type) {
        return ALWAYS.containsKey(type);
    }

    /** Checks an {@code at} value before it is stored: only this CSE's registrar (4000 otherwise). */
    public void checkTargets(ResourceType type, Object at, java.util.function.UnaryOperator<String> normalize) {
        if (!(at instanceof List<?> targets) || targets.isEmpty()) {
            return;
        }
        if (!isAnnounceable(type)) {
            throw OneM2mException.badRequest(type.jsonKey() + " is not announced by Citadel");
        }
        RegistrarLink link = registrar.get();
        if (link == null) {
            throw OneM2mException.badRequest("this CSE has no registrar to announce to");
        }
        for (Object t : targets) {
            if (!normalize.apply(String.valueOf(t)).equals(link.registrarCseId())) {
                throw OneM2mException.badRequest(
                        "at may name only this CSE's registrar " + link.registrarCseId() + ", not " + t);
            }
        }
    }

    public void changed(List<ResourceEvent> events) {
        for (ResourceEvent e : events) {
            Resource r = e.resource();
            if (!isAnnounceable(r.type())) {
                continue;
            }
            boolean wanted = e.kind() != ResourceEvent.Kind.DELETED && announced(r);
            boolean was = e.kind() == ResourceEvent.Kind.DELETED
                    ? announced(r)
                    : e.kind() == ResourceEvent.Kind.UPDATED && e.modified().containsKey("at");
            if (!wanted && !was) {
                continue;
            }
            try {
                worker.execute(() -> syncWithRetries(r, wanted));
            } catch (java.util.concurrent.RejectedExecutionException full) {
                LOG.log(Level.WARNING, "announcement queue full; " + r.ri() + " not announced");
            }
        }
    }

    private boolean announced(Resource r) {
        RegistrarLink link = registrar.get();
        return link != null && r.get("at") instanceof List<?> at && !at.isEmpty();
    }

    private void syncWithRetries(Resource r, boolean wanted) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                if (sync(r, wanted)) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "announcement of " + r.ri() + " failed: " + e.getMessage());
            }
            try {
                Thread.sleep(1000L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.log(
                Level.WARNING,
                "could not " + (wanted ? "announce " : "withdraw the announcement of ") + r.ri()
                        + " at the registrar; the next change of it tries again");
    }

    /** One attempt; true when the registrar holds what it should. */
    private boolean sync(Resource r, boolean wanted) {
        RegistrarLink link = registrar.get();
        if (link == null || !link.registered()) {
            return false;
        }
        Optional<String> address = address(r, link);
        if (address.isEmpty()) {
            return false;
        }
        ResponsePrimitive there = call(link, Operation.RETRIEVE, address.get(), null, null);
        if (!wanted) {
            return there.status() == ResponseStatusCode.NOT_FOUND
                    || call(link, Operation.DELETE, address.get(), null, null)
                            .status()
                            .isSuccess();
        }
        ResourceType annc = r.type().announced().orElseThrow();
        Map<String, Object> attrs = announcedAttributes(r, annc);
        if (there.status() == ResponseStatusCode.NOT_FOUND) {
            attrs.put("rn", r.ri());
            attrs.put("lnk", settings.cseId() + "/" + r.ri());
            String parent = address.get().substring(0, address.get().lastIndexOf('/'));
            ResponsePrimitive created =
                    call(link, Operation.CREATE, parent, annc.code(), Map.of(annc.jsonKey(), attrs));
            if (!created.status().isSuccess()) {
                LOG.log(
                        Level.WARNING,
                        "the registrar refused the announcement of " + r.ri() + ": "
                                + created.status().code());
            }
            return created.status().isSuccess();
        }
        if (!there.status().isSuccess()) {
            return false;
        }
        if (attrs.isEmpty()) {
            return true;
        }
        if (r.type() == ResourceType.CONTENT_INSTANCE) {
            return true; // immutable once announced
        }
        return call(link, Operation.UPDATE, address.get(), null, Map.of(annc.jsonKey(), attrs))
                .status()
                .isSuccess();
    }

    /** Where the copy lives at the registrar: under the parent's copy when the parent is announced. */
    private Optional<String> address(Resource r, RegistrarLink link) {
        String base = link.remoteAddress();
        StringBuilder path = new StringBuilder(r.ri());
        Resource current = r;
        while (true) {
            Optional<Resource> parent = repository.findById(current.parentId());
            if (parent.isEmpty() || !isAnnounceable(parent.get().type()) || !announced(parent.get())) {
                break;
            }
            path.insert(0, parent.get().ri() + "/");
            current = parent.get();
        }
        return Optional.of(base + "/" + path);
    }

    private Map<String, Object> announcedAttributes(Resource r, ResourceType annc) {
        Set<String> names = new java.util.LinkedHashSet<>(COMMON);
        names.addAll(ALWAYS.get(r.type()));
        if (r.get("aa") instanceof List<?> aa) {
            aa.forEach(a -> names.add(String.valueOf(a)));
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (String n : names) {
            if (r.get(n) != null && schema.hasAttribute(annc, n)) {
                attrs.put(n, r.get(n));
            }
        }
        return attrs;
    }

    private ResponsePrimitive call(RegistrarLink link, Operation op, String to, Integer ty, Object content) {
        RequestPrimitive req = RequestPrimitive.builder(op, to)
                .from(settings.cseId())
                .requestId(Ids.next("ann"))
                .releaseVersion("3")
                .resourceType(ty)
                .content(content)
                .build();
        try {
            return outbound.forward(link.registrarPointOfAccess(), link.registrarCseId(), req, timeout)
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (Exception e) {
            throw new IllegalStateException("registrar unreachable: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
