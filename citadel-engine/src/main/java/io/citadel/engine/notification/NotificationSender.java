package io.citadel.engine.notification;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Sends one NOTIFY; the engine supplies it (target resolution, the primitive, the binding). */
@FunctionalInterface
public interface NotificationSender {

    /** What the target made of a notification. */
    enum Outcome {
        /** Answered with success. */
        DELIVERED,
        /** Answered with an error that a retry will not change (e.g. 4xxx): given up at once. */
        REFUSED,
        /** Not reached, no answer in time, or a transient error: tried again later. */
        RETRY,
        /**
         * The target is reached only over a connection of its own (a WebSocket) and has none now: kept, without
         * using up tries, until {@link NotificationDispatcher#wakeParked} (it connected) or the next notification.
         */
        AWAIT_CONNECTION
    }

    /** Must not block; completes exceptionally only for faults (treated as {@link Outcome#RETRY}). */
    CompletableFuture<Outcome> send(String target, Object content, Duration timeout);

    /**
     * As {@link #send(String, Object, Duration)}; {@code sealed}: only sealed end to end (ESPrim), never in clear, so a
     * sender that cannot seal refuses.
     */
    default CompletableFuture<Outcome> send(String target, Object content, Duration timeout, boolean sealed) {
        return sealed ? CompletableFuture.completedFuture(Outcome.REFUSED) : send(target, content, timeout);
    }
}
