package io.citadel.engine.pipeline;

import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Requests this CSE sent over a message-oriented binding (WebSocket, MQTT) and the answers they await, matched
 * by request identifier. Bounded: past {@code max} waiting requests a send fails at once instead of piling up.
 * Thread-safe.
 */
public final class PendingResponses {
    private final int max;
    private final Map<String, Waiting> pending = new ConcurrentHashMap<>();

    /** A request awaiting its answer, and who alone may give it (null: whoever the connection is). */
    private record Waiting(CompletableFuture<ResponsePrimitive> answer, String responder) {}

    public PendingResponses(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive");
        }
        this.max = max;
    }

    /**
     * Registers a request about to be sent; the future completes with its response, or exceptionally after
     * {@code timeout}. Returns an already failed future when the request has no identifier, one with the same
     * identifier is waiting, or {@code max} are waiting.
     */
    public CompletableFuture<ResponsePrimitive> expect(RequestPrimitive request, Duration timeout) {
        return expect(request, timeout, null);
    }

    /**
     * As {@link #expect(RequestPrimitive, Duration)}, on a channel shared by many peers (an MQTT broker): only
     * an answer from {@code responder} completes it, so another peer that learns or guesses the request
     * identifier cannot answer in its place.
     */
    public CompletableFuture<ResponsePrimitive> expect(RequestPrimitive request, Duration timeout, String responder) {
        String rqi = request.requestId();
        if (rqi == null || pending.size() >= max) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    rqi == null
                            ? "a request without a request identifier cannot be matched"
                            : "too many requests awaiting answers"));
        }
        CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        Waiting waiting = new Waiting(answer, responder);
        if (pending.putIfAbsent(rqi, waiting) != null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("a request with this identifier is pending"));
        }
        answer.whenComplete((r, e) -> pending.remove(rqi, waiting));
        return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Hands a response to the request it answers; false when no request of ours waits for it. */
    public boolean complete(ResponsePrimitive response) {
        return complete(response, null);
    }

    /**
     * Hands a response from {@code responder} to the request it answers; false when no request of ours waits for
     * it, or the request waits for another responder (the waiting request is left as it is).
     */
    public boolean complete(ResponsePrimitive response, String responder) {
        String rqi = response.requestId();
        Waiting waiting = rqi == null ? null : pending.get(rqi);
        if (waiting == null
                || waiting.responder() != null && !waiting.responder().equals(responder)) {
            return false;
        }
        return pending.remove(rqi, waiting) && waiting.answer().complete(response);
    }

    /** Fails every waiting request (the connection closed). */
    public void failAll(String reason) {
        pending.values().forEach(w -> w.answer().completeExceptionally(new IllegalStateException(reason)));
    }

    /** How many requests are waiting. */
    public int size() {
        return pending.size();
    }
}
