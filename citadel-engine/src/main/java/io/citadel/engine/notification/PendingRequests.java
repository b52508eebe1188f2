package io.citadel.engine.notification;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Places for work that waits on an originator's behalf, bounded per originator and in total, so one originator
 * cannot take every place. Each {@link Slot} is released once, when its work has finished.
 */
public final class PendingRequests {
    private final Semaphore total;
    private final int totalLimit;
    private final int perOriginator;
    private final ConcurrentHashMap<String, Integer> byOriginator = new ConcurrentHashMap<>();

    PendingRequests(int totalLimit, int perOriginator) {
        if (totalLimit < 1 || perOriginator < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.total = new Semaphore(totalLimit);
        this.totalLimit = totalLimit;
        this.perOriginator = perOriginator;
    }

    /** One reserved place; {@link #release()} gives it back (later calls do nothing). */
    interface Slot {
        void release();
    }

    /**
     * Reserves a place for {@code originator} (normalised; empty for an AE registering without an ID).
     *
     * @throws OneM2mException 4005 when the originator has its share waiting, 5000 when every place is taken
     */
    Slot reserve(String originator) {
        boolean[] admitted = new boolean[1];
        byOriginator.compute(originator, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= perOriginator) {
                return n;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            throw new OneM2mException(
                    ResponseStatusCode.OPERATION_NOT_ALLOWED,
                    "this originator already has " + perOriginator
                            + " non-blocking requests waiting; wait for their results");
        }
        if (!total.tryAcquire()) {
            decrement(originator);
            throw new OneM2mException(
                    ResponseStatusCode.INTERNAL_SERVER_ERROR,
                    "too many non-blocking requests are waiting (" + totalLimit + "); send it later or blocking");
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                total.release();
                decrement(originator);
            }
        };
    }

    /** How many places {@code originator} holds now. */
    int held(String originator) {
        return byOriginator.getOrDefault(originator, 0);
    }

    private void decrement(String originator) {
        byOriginator.computeIfPresent(originator, (k, n) -> n <= 1 ? null : n - 1);
    }
}
