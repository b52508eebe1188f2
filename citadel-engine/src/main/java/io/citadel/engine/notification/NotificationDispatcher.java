package io.citadel.engine.notification;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers notifications asynchronously, so that a slow or dead target never holds up request handling.
 * <ul>
 * <li>One lane per subscription and target. A lane has at most one request in flight, so a subscription's
 * notifications reach each target in the order they were made.</li>
 * <li>A failed delivery is retried with exponential back-off; after the configured number of tries the
 * notification is given up and counted. A refusal (4xxx) is not retried.</li>
 * <li>Queues are bounded: per lane the oldest undelivered notification is dropped when it is full, in all
 * the newest is dropped. {@code pn}=sendLatest and {@code ln} keep only the newest. Every drop is counted
 * and logged at most once a minute per lane.</li>
 * <li>Batches ({@code bn}) are sent as one {@code m2m:agn} when full or when their duration has passed.</li>
 * <li>A target that can only be reached over its own connection (a WebSocket AE without a point of access)
 * and is not connected parks its lane: notifications are kept (same bounds and {@code pn} rules), no try is
 * used up, and the lane resumes when an entity connects ({@link #wakeParked}). A deleted subscription's
 * parked notifications are dropped.</li>
 * </ul>
 * Nothing here blocks: {@link #enqueue} returns at once.
 */
public final class NotificationDispatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.notify");
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final NotificationSender sender;
    private final DispatchSettings settings;
    private final ScheduledExecutorService timer;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    /** The lanes waiting for their target to connect: woken without walking every lane. */
    private final java.util.Set<Lane> parkedLanes = ConcurrentHashMap.newKeySet();

    private final AtomicInteger pendingTotal = new AtomicInteger();
    private volatile boolean closed;

    public NotificationDispatcher(NotificationSender sender, DispatchSettings settings) {
        this.sender = sender;
        this.settings = settings;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "citadel-notify");
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues one notification ({@code m2m:sgn} content) of a subscription for a target. */
    public void enqueue(String subscription, String target, Map<String, Object> notification, DeliveryPolicy policy) {
        if (closed) {
            return;
        }
        lane(subscription, target).accept(notification, policy);
    }

    /** Sends a subscription's open batches now (before its deletion notice, for instance). */
    public void flush(String subscription) {
        for (Lane lane : lanesOf(subscription)) {
            lane.flushBatch();
        }
    }

    /** Resumes the lanes parked for a connection (an entity just connected: perhaps theirs). */
    public void wakeParked() {
        for (Lane lane : parkedLanes) {
            lane.wake();
        }
    }

    /** Forgets a deleted subscription's lanes once what they hold has been delivered or given up. */
    public void retire(String subscription) {
        for (Lane lane : lanesOf(subscription)) {
            lane.retire();
        }
    }

    /**
     * Drops what a deleted subscription's lanes still hold (an erased data subject's notifications): nothing queued is
     * sent any more; one already on its way cannot be called back. Returns how many were dropped.
     */
    public int discard(String subscription) {
        int dropped = 0;
        for (Lane lane : lanesOf(subscription)) {
            dropped += lane.discard();
        }
        return dropped;
    }

    /** Counters per target of a subscription, in the order its targets were first used. */
    public List<DeliveryStats> stats(String subscription) {
        List<DeliveryStats> out = new ArrayList<>();
        for (Lane lane : lanesOf(subscription)) {
            out.add(lane.stats());
        }
        return out;
    }

    /** Undelivered notifications in all lanes. */
    public int pending() {
        return pendingTotal.get();
    }

    private List<Lane> lanesOf(String subscription) {
        List<Lane> out = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            if (lane.subscription.equals(subscription)) {
                out.add(lane);
            }
        }
        out.sort((a, b) -> Long.compare(a.created, b.created));
        return out;
    }

    private Lane lane(String subscription, String target) {
        return lanes.computeIfAbsent(subscription + "\n" + target, k -> new Lane(k, subscription, target));
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }

    private final class Lane {
        private final String key;
        private final String subscription;
        private final String target;
        private final long created = System.nanoTime();
        private final Deque<Map<String, Object>> queue = new ArrayDeque<>();
        private final List<Map<String, Object>> batch = new ArrayList<>();
        private DeliveryPolicy policy = DeliveryPolicy.IMMEDIATE;
        private ScheduledFuture<?> batchTimer;
        private boolean inFlight;
        private boolean waiting;
        private boolean parked;
        private int failures;
        private boolean retired;
        private long events;
        private long requests;
        private long responses;
        private long dropped;
        private long lastDropLog;

        Lane(String key, String subscription, String target) {
            this.key = key;
            this.subscription = subscription;
            this.target = target;
        }

        synchronized void accept(Map<String, Object> notification, DeliveryPolicy newPolicy) {
            policy = newPolicy;
            retired = false;
            events++;
            if (!policy.batched()) {
                push(notification);
                pump();
                return;
            }
            if (policy.latestOnly()) {
                batch.clear();
            }
            batch.add(notification);
            int size = policy.batchSize() > 0
                    ? Math.min(policy.batchSize(), settings.batchLimit())
                    : settings.batchLimit();
            if (batch.size() >= size) {
                flushBatch();
            } else if (batchTimer == null && !policy.batchDuration().isZero()) {
                batchTimer =
                        timer.schedule(this::flushBatch, policy.batchDuration().toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        synchronized void flushBatch() {
            if (batchTimer != null) {
                batchTimer.cancel(false);
                batchTimer = null;
            }
            if (batch.isEmpty()) {
                return;
            }
            List<Object> sgns = new ArrayList<>(batch.size());
            for (Map<String, Object> n : batch) {
                sgns.add(n.get("m2m:sgn"));
            }
            batch.clear();
            Map<String, Object> agn = new LinkedHashMap<>();
            agn.put("m2m:agn", Map.of("m2m:sgn", sgns));
            push(agn);
            pump();
        }

        synchronized int discard() {
            retired = true;
            int discarded = 0;
            while (queue.size() > (inFlight ? 1 : 0)) {
                queue.removeLast();
                pendingTotal.decrementAndGet();
                discarded++;
            }
            dropped += discarded;
            removeIfIdle();
            return discarded;
        }

        synchronized void retire() {
            retired = true;
            if (parked && !inFlight) {
                while (!queue.isEmpty()) {
                    removeHead();
                    drop("its subscription was deleted while the target was not connected");
                }
            }
            removeIfIdle();
        }

        synchronized void wake() {
            if (parked) {
                park(false);
                pump();
            }
        }

        private void park(boolean waiting) {
            parked = waiting;
            if (waiting) {
                parkedLanes.add(this);
            } else {
                parkedLanes.remove(this);
            }
        }

        synchronized DeliveryStats stats() {
            return new DeliveryStats(target, events, requests, responses, dropped);
        }

        /** Adds to the queue under the bounds and the keep-only-latest rules. */
        private void push(Map<String, Object> notification) {
            boolean keepLatest = policy.latestOnly()
                    || ((failures > 0 || parked) && policy.pending() == DeliveryPolicy.Pending.LATEST);
            if (keepLatest) {
                // the head may be in flight: it stays, everything queued behind it is replaced
                while (queue.size() > (inFlight ? 1 : 0)) {
                    queue.removeLast();
                    pendingTotal.decrementAndGet();
                }
            }
            if (queue.size() >= settings.laneCapacity() && !(inFlight && queue.size() == 1)) {
                // the oldest one not in flight goes
                Map<String, Object> head = inFlight ? queue.pollFirst() : null;
                queue.pollFirst();
                if (head != null) {
                    queue.addFirst(head);
                }
                pendingTotal.decrementAndGet();
                drop("its queue is full (" + settings.laneCapacity() + ")");
            }
            if (pendingTotal.incrementAndGet() > settings.totalCapacity()) {
                pendingTotal.decrementAndGet();
                drop("all notification queues together are full (" + settings.totalCapacity() + ")");
                return;
            }
            queue.addLast(notification);
        }

        private void pump() {
            if (inFlight || waiting || queue.isEmpty() || closed) {
                return;
            }
            inFlight = true;
            requests++;
            Map<String, Object> head = queue.peekFirst();
            try {
                sender.send(target, head, settings.timeout(), policy.sealed())
                        .whenComplete((outcome, error) ->
                                completed(error != null ? NotificationSender.Outcome.RETRY : outcome));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "notification sender failed for " + target, e);
                timer.execute(() -> completed(NotificationSender.Outcome.RETRY));
            }
        }

        private synchronized void completed(NotificationSender.Outcome outcome) {
            inFlight = false;
            if (outcome == NotificationSender.Outcome.DELIVERED || outcome == NotificationSender.Outcome.REFUSED) {
                responses++;
            }
            park(outcome == NotificationSender.Outcome.AWAIT_CONNECTION);
            switch (outcome) {
                case AWAIT_CONNECTION -> {
                    requests--; // nothing was sent
                    if (policy.pending() == DeliveryPolicy.Pending.LATEST) {
                        while (queue.size() > 1) {
                            removeHead();
                            dropped++;
                        }
                    }
                    if (retired) {
                        retire();
                    }
                    return;
                }
                case DELIVERED -> {
                    failures = 0;
                    removeHead();
                }
                case REFUSED -> {
                    failures = 0;
                    removeHead();
                    drop("the target refused it");
                }
                case RETRY -> {
                    failures++;
                    if (failures % settings.attempts() == 0) {
                        removeHead();
                        drop("the target could not be reached after " + settings.attempts() + " tries");
                    }
                    if (policy.pending() == DeliveryPolicy.Pending.LATEST) {
                        while (queue.size() > 1) {
                            queue.removeFirst();
                            pendingTotal.decrementAndGet();
                            dropped++;
                        }
                    }
                    if (!queue.isEmpty()) {
                        waiting = true;
                        Duration wait = settings.backoff(failures);
                        timer.schedule(this::retry, wait.toMillis(), TimeUnit.MILLISECONDS);
                        return;
                    }
                }
            }
            pump();
            removeIfIdle();
        }

        private synchronized void retry() {
            waiting = false;
            pump();
        }

        private void removeHead() {
            if (queue.pollFirst() != null) {
                pendingTotal.decrementAndGet();
            }
        }

        private void drop(String why) {
            dropped++;
            long now = System.nanoTime();
            if (lastDropLog == 0 || now - lastDropLog > DROP_LOG_INTERVAL_NANOS) {
                lastDropLog = now;
                LOG.log(
                        Level.WARNING,
                        "notification for subscription " + subscription + " to " + target + " dropped: " + why + " ("
                                + dropped + " dropped on this lane so far)");
            }
        }

        private void removeIfIdle() {
            if (retired && queue.isEmpty() && batch.isEmpty() && !inFlight && !waiting) {
                park(false);
                lanes.remove(key, this);
            }
        }
    }
}
