package io.citadel.engine.notification;

import io.citadel.credentials.SecurityAssociation;
import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.IdentifyStage;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.Ids;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.Universal;
import io.citadel.engine.resources.Writes;
import io.citadel.engine.store.ResourceStore;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Non-blocking requests (TS-0001 §8.2.2, TS-0004 §7.3.2.x). The request is accepted at once and run
 * later through the same pipeline, blocking:
 * <ul>
 * <li>nonBlockingRequestSynch (rt 1): a {@code <request>} resource (ty 17) is made under the CSEBase and
 * its ID returned with 1001; it shows {@code rs} PENDING, then COMPLETED or FAILED with the result in
 * {@code ors}. Only its originator may read or delete it; it expires with the request (one hour at most).</li>
 * <li>nonBlockingRequestAsynch (rt 2): 1002 at once; the result goes as a NOTIFY with {@code m2m:rsp} to
 * each of the request's {@code rt/nu} targets (to the originator when there are none given; nowhere when
 * the list is empty), through the notification dispatcher, so it is retried like any notification.</li>
 * </ul>
 * At most {@value #MAX_PENDING} wait, at most {@value #MAX_PENDING_PER_ORIGINATOR} of them from one originator;
 * beyond that a non-blocking request is refused (4005 for the originator over its share, 5000 when the CSE is
 * full). Its originator is identified before it is counted or stored.
 */
public final class NonBlockingRequests implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.nonblocking");
    private static final int MAX_PENDING = 10_000;
    /** How many non-blocking requests one originator may have waiting at once. */
    static final int MAX_PENDING_PER_ORIGINATOR = 100;

    private static final Duration MAX_LIFETIME = Duration.ofHours(1);
    static final long PENDING = 3;
    static final long COMPLETED = 1;
    static final long FAILED = 2;

    private final CseSettings settings;
    private final ResourceStore store;
    private final NotificationDispatcher dispatcher;
    private final java.util.concurrent.ScheduledExecutorService timer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "citadel-nonblocking-timer");
                t.setDaemon(true);
                return t;
            });
    private final PendingRequests pending = new PendingRequests(MAX_PENDING, MAX_PENDING_PER_ORIGINATOR);
    private final ExecutorService workers =
            new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX_PENDING), r -> {
                Thread t = new Thread(r, "citadel-nonblocking");
                t.setDaemon(true);
                return t;
            });

    public NonBlockingRequests(CseSettings settings, ResourceStore store, NotificationDispatcher dispatcher) {
        this.settings = settings;
        this.store = store;
        this.dispatcher = dispatcher;
    }

    /**
     * Accepts a non-blocking request whose originator the identify stage has already bound: a waiting place is
     * reserved (per originator, then in total) before anything is stored, so nobody can fill the queue for others.
     */
    public ResponsePrimitive accept(
            RequestPrimitive req,
            String originator,
            RequestContext ctx,
            BiFunction<RequestPrimitive, RequestContext, ResponsePrimitive> pipeline) {
        if (IdentifyStage.isAeRegistration(req)) {
            throw OneM2mException.badRequest("an AE registers with a blocking request: its originator is not"
                    + " identified until it is registered");
        }
        RequestPrimitive blocking = req.redirected(req.to(), req.from(), req.requestId());
        PendingRequests.Slot slot = pending.reserve(share(originator, ctx));
        try {
            if (req.responseType() == 1) {
                Resource request = createRequestResource(req, originator, ctx.receivedAt());
                submit(slot, req, () -> {
                    ResponsePrimitive rsp = pipeline.apply(blocking, ctx);
                    complete(request.ri(), rsp, req);
                });
                return ResponsePrimitive.of(
                        ResponseStatusCode.ACCEPTED_NON_BLOCKING_REQUEST_SYNCH, req, Map.of("m2m:uri", request.ri()));
            }
            List<String> targets = req.responseTargets() != null
                    ? req.responseTargets()
                    : req.from() == null || req.from().isEmpty() ? List.of() : List.of(req.from());
            submit(slot, req, () -> {
                ResponsePrimitive rsp = pipeline.apply(blocking, ctx);
                Map<String, Object> content = Map.of("m2m:rsp", operationResult(rsp, req));
                for (String target : targets) {
                    dispatcher.enqueue(
                            "request:" + originator + "\n" + req.requestId(),
                            target,
                            content,
                            DeliveryPolicy.IMMEDIATE);
                }
            });
            return ResponsePrimitive.of(ResponseStatusCode.ACCEPTED_NON_BLOCKING_REQUEST_ASYNCH, req, null);
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
    }

    /**
     * Whose share of the waiting places a request takes: its originator's, or, when a CSE relays it for entities
     * behind it (the association proves the CSE, not the originator), that association's, so a relaying CSE
     * cannot multiply its share by inventing originators.
     */
    static String share(String originator, RequestContext ctx) {
        SecurityAssociation sa = ctx.association();
        return sa != null && !sa.allows(originator) ? "relayed by " + sa.credentialId() : originator;
    }

    /**
     * Runs the task on a worker, at once or, when the request names an operation execution time ahead, from then
     * on: a request waiting for its time holds its place, never a worker.
     */
    private void submit(PendingRequests.Slot slot, RequestPrimitive req, Runnable task) {
        Runnable run = () -> {
            try {
                workers.execute(() -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.ERROR, "non-blocking request failed", e);
                    } finally {
                        slot.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                slot.release();
                throw new OneM2mException(
                        ResponseStatusCode.INTERNAL_SERVER_ERROR,
                        "too many non-blocking requests are waiting (" + MAX_PENDING + "); send it later or blocking");
            }
        };
        Instant oet = req.handling().operationExecution();
        long delay = oet == null ? 0 : Duration.between(Instant.now(), oet).toMillis();
        if (delay <= 0) {
            run.run();
            return;
        }
        try {
            timer.schedule(
                    () -> {
                        try {
                            run.run();
                        } catch (OneM2mException e) {
                            LOG.log(
                                    Level.WARNING,
                                    "non-blocking request dropped at its execution time: " + e.getMessage());
                        }
                    },
                    delay,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            slot.release();
            throw new OneM2mException(ResponseStatusCode.INTERNAL_SERVER_ERROR, "the CSE is shutting down");
        }
    }

    private Resource createRequestResource(RequestPrimitive req, String originator, Instant now) {
        Instant expires = now.plus(MAX_LIFETIME);
        if (req.requestExpiration() != null && req.requestExpiration().isBefore(expires)) {
            expires = req.requestExpiration().plus(Duration.ofMinutes(5));
        }
        String ri = Ids.next("req");
        Map<String, Object> attrs = Universal.attributes(ResourceType.REQUEST, ri, ri, settings.cseBaseId(), now);
        attrs.put("et", Timestamps.format(expires));
        attrs.put("op", (long) req.operation().code());
        attrs.put("tg", req.to());
        attrs.put("org", req.from());
        attrs.put("rid", req.requestId());
        Map<String, Object> mi = new LinkedHashMap<>();
        if (req.resourceType() != null) {
            mi.put("ty", (long) req.resourceType());
        }
        if (req.resultContent() != null) {
            mi.put("rcn", (long) req.resultContent());
        }
        mi.put("rt", Map.of("rtv", 1L));
        attrs.put("mi", mi);
        attrs.put("rs", PENDING);
        return Writes.await(store.write(tx -> {
            Resource r = new Resource(
                    ri,
                    ResourceType.REQUEST,
                    settings.cseBaseId(),
                    ri,
                    settings.cseName() + "/" + ri,
                    tx.nextSequence(),
                    originator,
                    attrs);
            tx.insert(r);
            return r;
        }));
    }

    private void complete(String ri, ResponsePrimitive rsp, RequestPrimitive req) {
        Writes.await(store.write(tx -> {
            tx.findById(ri)
                    .ifPresent(r -> tx.update(r.with(Map.of(
                            "rs", rsp.status().isSuccess() ? COMPLETED : FAILED,
                            "ors", operationResult(rsp, req),
                            "lt", Timestamps.format(Instant.now())))));
            return null;
        }));
    }

    /** m2m:operationResult / the m2m:rsp of an asynchronous result. */
    private Map<String, Object> operationResult(ResponsePrimitive rsp, RequestPrimitive req) {
        Map<String, Object> ors = new LinkedHashMap<>();
        ors.put("rsc", (long) rsp.status().code());
        ors.put("rqi", req.requestId());
        if (rsp.content() != null) {
            ors.put("pc", rsp.content());
        }
        ors.put("to", req.from() == null ? "" : req.from());
        ors.put("fr", settings.cseId());
        ors.put("rvi", req.releaseVersion());
        return ors;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
