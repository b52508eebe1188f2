package io.citadel.engine.notification;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code <pollingChannel>} (TS-0001 §10.2.5.x, TS-0004 §7.4.21-22): requests for an AE that cannot be
 * reached (no {@code poa}, or {@code rr} false) wait here until the AE fetches them with a RETRIEVE of
 * {@code <pch>/pcu} (a long poll: answered as soon as one is there, 4008 when none came in time); the AE
 * answers one by NOTIFYing its {@code m2m:rsp} to the same {@code pcu}, which completes the waiting request.
 * In memory: at most {@value #CAPACITY} waiting per channel (then the oldest is answered 5103), and a
 * restart answers nothing (the senders time out and retry).
 */
public final class PollingChannels {
    private static final int CAPACITY = 1_000;
    private final ResourceRepository repository;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();

    public PollingChannels(ResourceRepository repository) {
        this.repository = repository;
    }

    private record Waiting(RequestPrimitive request, CompletableFuture<ResponsePrimitive> response) {}

    private static final class Channel {
        final String owner;
        final Deque<Waiting> queue = new ArrayDeque<>();
        final Map<String, Waiting> sent = new LinkedHashMap<>();
        CompletableFuture<Waiting> poller;

        Channel(String owner) {
            this.owner = owner;
        }
    }

    /** The polling channel of an AE or remote CSE, if it has one. */
    public Optional<Resource> channelOf(Resource entity) {
        return repository.children(entity, List.of(ResourceType.POLLING_CHANNEL.code()), 1).stream()
                .findFirst();
    }

    /** Leaves a request for the entity behind {@code channel}; completes with the entity's answer. */
    public CompletableFuture<ResponsePrimitive> offer(Resource channel, RequestPrimitive request) {
        Waiting w = new Waiting(request, new CompletableFuture<>());
        Channel c = channels.computeIfAbsent(channel.ri(), k -> new Channel(channel.parentId()));
        Waiting evicted = null;
        synchronized (c) {
            if (c.poller != null && !c.poller.isDone()) {
                c.sent.put(request.requestId(), w);
                c.poller.complete(w);
                c.poller = null;
            } else {
                if (c.queue.size() >= CAPACITY) {
                    evicted = c.queue.pollFirst();
                }
                c.queue.addLast(w);
            }
        }
        if (evicted != null) {
            evicted.response()
                    .complete(ResponsePrimitive.error(
                            ResponseStatusCode.TARGET_NOT_REACHABLE,
                            evicted.request().requestId(),
                            evicted.request().releaseVersion(),
                            "polling channel full"));
        }
        w.response().whenComplete((r, e) -> {
            synchronized (c) {
                c.sent.remove(request.requestId());
                c.queue.remove(w);
            }
        });
        return w.response();
    }

    /** The AE's long poll: the oldest waiting request as {@code m2m:rqp}, or 4008 when none comes in time. */
    public Map<String, Object> poll(Resource channel, Duration wait) {
        Channel c = channels.computeIfAbsent(channel.ri(), k -> new Channel(channel.parentId()));
        CompletableFuture<Waiting> next;
        synchronized (c) {
            Waiting w = c.queue.pollFirst();
            if (w != null) {
                c.sent.put(w.request().requestId(), w);
                return Map.of("m2m:rqp", io.citadel.protocol.codec.PrimitiveCodec.encode(w.request()));
            }
            if (c.poller != null) {
                c.poller.complete(null); // one poller at a time: the newer one takes over
            }
            next = new CompletableFuture<>();
            c.poller = next;
        }
        try {
            Waiting w = next.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (w == null) {
                throw new OneM2mException(ResponseStatusCode.REQUEST_TIMEOUT, "another poll of this channel took over");
            }
            return Map.of("m2m:rqp", io.citadel.protocol.codec.PrimitiveCodec.encode(w.request()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OneM2mException(ResponseStatusCode.REQUEST_TIMEOUT, "interrupted");
        } catch (TimeoutException e) {
            synchronized (c) {
                if (c.poller == next) {
                    c.poller = null;
                }
            }
            Waiting late = next.getNow(null);
            if (late != null) {
                return Map.of("m2m:rqp", io.citadel.protocol.codec.PrimitiveCodec.encode(late.request()));
            }
            throw new OneM2mException(
                    ResponseStatusCode.REQUEST_TIMEOUT, "no request for this entity within " + wait.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new OneM2mException(ResponseStatusCode.REQUEST_TIMEOUT, "poll ended");
        }
    }

    /** The entity's answer to a request it fetched: {@code m2m:rsp} with the request's {@code rqi}. */
    public void respond(Resource channel, Object content) {
        if (!(content instanceof Map<?, ?> m) || !(m.get("m2m:rsp") instanceof Map<?, ?> rsp)) {
            throw OneM2mException.badRequest("a response through the polling channel is one m2m:rsp");
        }
        if (!(rsp.get("rqi") instanceof String rqi) || !(rsp.get("rsc") instanceof Number rsc)) {
            throw OneM2mException.badRequest("m2m:rsp needs rqi and rsc");
        }
        ResponseStatusCode status = ResponseStatusCode.of(rsc.intValue())
                .orElseThrow(() -> OneM2mException.badRequest("m2m:rsp has an unknown rsc " + rsc));
        Channel c = channels.get(channel.ri());
        Waiting w;
        synchronized (c == null ? this : c) {
            w = c == null ? null : c.sent.remove(rqi);
        }
        if (w == null) {
            throw OneM2mException.notFound("no request " + rqi + " is waiting for an answer on this channel");
        }
        w.response()
                .complete(new ResponsePrimitive(status, rqi, w.request().releaseVersion(), rsp.get("pc"), null, null));
    }

    /** Forgets the channels a deletion took (the channel itself or its owner); what waited there is answered 5103. */
    public void deleted(Resource gone) {
        channels.entrySet().removeIf(e -> {
            if (e.getKey().equals(gone.ri()) || e.getValue().owner.equals(gone.ri())) {
                fail(e.getValue());
                return true;
            }
            return false;
        });
    }

    private static void fail(Channel c) {
        List<Waiting> waiting;
        synchronized (c) {
            waiting = new java.util.ArrayList<>(c.queue);
            waiting.addAll(c.sent.values());
            c.queue.clear();
            c.sent.clear();
        }
        for (Waiting w : waiting) {
            w.response()
                    .complete(ResponsePrimitive.error(
                            ResponseStatusCode.TARGET_NOT_REACHABLE,
                            w.request().requestId(),
                            w.request().releaseVersion(),
                            "polling channel deleted"));
        }
    }

    /** Waits for an answer through a channel for at most {@code timeout}; 5103 otherwise. */
    public static ResponsePrimitive await(
            CompletableFuture<ResponsePrimitive> answer, RequestPrimitive req, Duration timeout) {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            // fall through
        }
        answer.cancel(false);
        return ResponsePrimitive.error(
                ResponseStatusCode.TARGET_NOT_REACHABLE,
                req.requestId(),
                req.releaseVersion(),
                "the entity did not fetch and answer the request through its polling channel in time");
    }
}
