package io.citadel.engine.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.resources.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A target reachable only over its own connection: notifications wait for it without using up tries. */
public class ParkedLaneTest {
    private static final DispatchSettings SETTINGS =
            new DispatchSettings(10, 100, 2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(1), 10);

    /** A sender whose target is connected or not; records what reached it. */
    static final class Target implements NotificationSender {
        final AtomicBoolean connected = new AtomicBoolean();
        final List<Object> received = new CopyOnWriteArrayList<>();
        volatile int asked;

        @Override
        public CompletableFuture<Outcome> send(String target, Object content, Duration timeout) {
            asked++;
            if (!connected.get()) {
                return CompletableFuture.completedFuture(Outcome.AWAIT_CONNECTION);
            }
            received.add(((Map<?, ?>) content).get("m2m:sgn"));
            return CompletableFuture.completedFuture(Outcome.DELIVERED);
        }
    }

    private static Map<String, Object> sgn(int n) {
        return Map.of("m2m:sgn", n);
    }

    @Test
    void notificationsWaitForTheConnectionInOrderWithoutUsingUpTries() throws Exception {
        Target target = new Target();
        try (NotificationDispatcher d = new NotificationDispatcher(target, SETTINGS)) {
            for (int i = 1; i <= 5; i++) { // more than 'attempts' (2): none may be given up
                d.enqueue("sub", "Cws", sgn(i), DeliveryPolicy.IMMEDIATE);
            }
            Thread.sleep(200); // longer than every back-off: a parked lane is not retried on a timer
            assertThat(target.received).isEmpty();
            assertThat(d.pending()).isEqualTo(5);
            assertThat(d.stats("sub").get(0).dropped()).isZero();
            target.connected.set(true);
            d.wakeParked();
            assertThat(target.received).containsExactly(1, 2, 3, 4, 5);
            assertThat(d.pending()).isZero();
        }
    }

    @Test
    void sendLatestKeepsOnlyTheNewestWhileWaitingAndADeletedSubscriptionLetsGo() {
        Target target = new Target();
        try (NotificationDispatcher d = new NotificationDispatcher(target, SETTINGS)) {
            DeliveryPolicy latest = new DeliveryPolicy(0, Duration.ZERO, false, DeliveryPolicy.Pending.LATEST);
            for (int i = 1; i <= 4; i++) {
                d.enqueue("sub", "Cws", sgn(i), latest);
            }
            assertThat(d.pending()).isEqualTo(1);
            d.enqueue("gone", "Cws", sgn(9), DeliveryPolicy.IMMEDIATE);
            d.retire("gone");
            assertThat(d.pending()).isEqualTo(1);
            target.connected.set(true);
            d.wakeParked();
            assertThat(target.received).containsExactly(4);
        }
    }
}
