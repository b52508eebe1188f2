package io.citadel.engine.notification;

import java.time.Duration;

/**
 * Bounds of the notification dispatcher.
 *
 * @param laneCapacity undelivered notifications kept per subscription and target; the oldest goes first
 * @param totalCapacity undelivered notifications kept in all; beyond it new notifications are dropped
 * @param attempts tries per notification before it is given up
 * @param firstRetry wait after the first failure; doubles with each further failure
 * @param maxRetry longest wait between tries
 * @param timeout longest wait for a target's answer
 * @param batchLimit most notifications in one {@code m2m:agn}, whatever {@code bn/num} says
 */
public record DispatchSettings(
        int laneCapacity,
        int totalCapacity,
        int attempts,
        Duration firstRetry,
        Duration maxRetry,
        Duration timeout,
        int batchLimit) {

    public static DispatchSettings defaults() {
        return new DispatchSettings(
                1_000, 200_000, 8, Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(5), 1_000);
    }

    public DispatchSettings {
        if (laneCapacity < 1
                || totalCapacity < laneCapacity
                || attempts < 1
                || batchLimit < 1
                || firstRetry.isNegative()
                || maxRetry.compareTo(firstRetry) < 0
                || timeout.isNegative()
                || timeout.isZero()) {
            throw new IllegalArgumentException("invalid notification dispatch settings");
        }
    }

    Duration backoff(int failures) {
        long millis = firstRetry.toMillis() << Math.min(20, Math.max(0, failures - 1));
        return Duration.ofMillis(Math.min(millis, maxRetry.toMillis()));
    }
}
