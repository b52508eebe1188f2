package io.citadel.engine.notification;

import java.time.Duration;

/**
 * How one subscription's notifications travel to one target (TS-0001 §10.2.10).
 *
 * @param batchSize {@code bn/num}: notifications sent together as one {@code m2m:agn}; 0 = no batching
 * @param batchDuration {@code bn/dur}: the longest a batch waits before it is sent anyway
 * @param latestOnly {@code ln}: of the notifications not yet sent only the newest is kept
 * @param pending {@code pn}: what is kept while the target cannot be reached
 * @param sealed Citadel's {@code e2es}: each notification travels sealed by ESPrim under the pairwise key this CSE
 *     shares with the target, and is not sent at all without one (never in clear)
 */
public record DeliveryPolicy(
        int batchSize, Duration batchDuration, boolean latestOnly, Pending pending, boolean sealed) {

    /** {@code pn}: 1 sendLatest keeps only the newest undelivered notification, 2 sendAllPending keeps them all. */
    public enum Pending {
        LATEST,
        ALL
    }

    public static final DeliveryPolicy IMMEDIATE = new DeliveryPolicy(0, Duration.ZERO, false, Pending.ALL, false);

    public DeliveryPolicy(int batchSize, Duration batchDuration, boolean latestOnly, Pending pending) {
        this(batchSize, batchDuration, latestOnly, pending, false);
    }

    public DeliveryPolicy {
        if (batchSize < 0 || batchDuration.isNegative()) {
            throw new IllegalArgumentException("batch size and duration must not be negative");
        }
    }

    boolean batched() {
        return batchSize > 0 || !batchDuration.isZero();
    }
}
