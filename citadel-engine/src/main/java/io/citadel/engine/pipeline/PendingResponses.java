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
    private final Map<String, CompletableFuture<ResponsePrimitive>> pending = new ConcurrentHashMap<>();

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
        String rqi = request.requestId();
        if (rqi == null || pending.size() >= max) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    rqi == null
                            ? "a request without a request identifier cannot be matched"
                            : "too many requests awaiting answers"));
        }
        CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        if (pending.putIfAbsent(rqi, answer) != null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("a request with this identifier is pending"));
        }
        answer.whenComplete((r, e) -> pending.remove(rqi, answer));
        return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Hands a response to the request it answers; false when no request of ours waits for it. */
    public boolean complete(ResponsePrimitive response) {
        CompletableFuture<ResponsePrimitive> waiting =
                response.requestId() == null ? null : pending.remove(response.requestId());
        return waiting != null && waiting.complete(response);
    }

    /** Fails every waiting request (the connection closed). */
    public void failAll(String reason) {
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException(reason)));
    }

    /** How many requests are waiting. */
    public int size() {
        return pending.size();
    }
}
