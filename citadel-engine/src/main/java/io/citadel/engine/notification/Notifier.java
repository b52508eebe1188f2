package io.citadel.engine.notification;

import io.citadel.engine.CseSettings;
import io.citadel.engine.resources.RecordingTransaction;
import io.citadel.engine.resources.Representation;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceEvent;
import io.citadel.engine.resources.Writes;
import io.citadel.engine.store.Mutation;
import io.citadel.engine.store.ResourceStore;
import io.citadel.engine.store.StoreTransaction;
import io.citadel.engine.types.SubscriptionBehaviour;
import io.citadel.protocol.Operation;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The event side of the pipeline: writes made through {@link #write} are announced, once durable, to the
 * subscriptions whose criteria they meet (TS-0001 §10.2.10). Builds each {@code m2m:sgn}, hands it to
 * the dispatcher for every target, counts towards {@code exc} and sends deletion notices to {@code su}.
 * Never blocks the request: delivery is the dispatcher's.
 */
public final class Notifier implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.notify");

    private final CseSettings settings;
    private final ResourceStore store;
    private final SubscriptionIndex index;
    private final NotificationDispatcher dispatcher;
    private final Representation representation;
    private final Map<String, Compiled> criteria = new ConcurrentHashMap<>();
    private final Map<String, Long> sent = new ConcurrentHashMap<>();
    private final ExecutorService expirations = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "citadel-notify-exc");
        t.setDaemon(true);
        return t;
    });
    private volatile Function<String, Boolean> deleter = ri -> false;
    private volatile java.util.function.Consumer<List<ResourceEvent>> observer = events -> {};

    private record Compiled(Resource version, EventCriteria criteria, DeliveryPolicy policy) {}

    public Notifier(
            CseSettings settings,
            ResourceStore store,
            SubscriptionIndex index,
            NotificationDispatcher dispatcher,
            Representation representation) {
        this.settings = settings;
        this.store = store;
        this.index = index;
        this.dispatcher = dispatcher;
        this.representation = representation;
    }

    /** Who else hears of every durable change (the announcer), after the subscriptions. */
    public void observeWith(java.util.function.Consumer<List<ResourceEvent>> next) {
        this.observer = next;
    }

    /** How a subscription that reached its {@code exc} is deleted (through the normal delete path). */
    public void deleteWith(Function<String, Boolean> delete) {
        this.deleter = delete;
    }

    /** Runs the mutation durably, then announces what it did on behalf of {@code originator}. */
    public <T> T write(Function<RecordingTransaction, T> mutation, String originator, Operation operation) {
        AtomicReference<List<ResourceEvent>> events = new AtomicReference<>(List.of());
        Mutation<T> m = (StoreTransaction tx) -> {
            RecordingTransaction recording = new RecordingTransaction(tx, index);
            T result = mutation.apply(recording);
            events.set(recording.events());
            return result;
        };
        T result = Writes.await(store.write(m));
        publish(events.get(), originator, operation);
        return result;
    }

    void publish(List<ResourceEvent> events, String originator, Operation operation) {
        for (ResourceEvent e : events) {
            try {
                announce(e, originator, operation);
            } catch (RuntimeException ex) {
                LOG.log(
                        Level.ERROR,
                        "could not notify of a change of " + e.resource().ri(),
                        ex);
            }
        }
        try {
            observer.accept(events);
        } catch (RuntimeException ex) {
            LOG.log(Level.ERROR, "change observer failed", ex);
        }
    }

    private void announce(ResourceEvent e, String originator, Operation operation) {
        Resource r = e.resource();
        switch (e.kind()) {
            case CREATED ->
                notifyAll(index.of(r.parentId()), EventCriteria.CREATE_CHILD, r, Map.of(), originator, operation);
            case UPDATED -> notifyAll(index.of(r.ri()), EventCriteria.UPDATE, r, e.modified(), originator, operation);
            case DELETED -> {
                List<Resource> own = e.doomedSubscriptions().stream()
                        .filter(s -> s.parentId().equals(r.ri()))
                        .toList();
                notifyAll(own, EventCriteria.DELETE, r, Map.of(), originator, operation);
                notifyAll(index.of(r.parentId()), EventCriteria.DELETE_CHILD, r, Map.of(), originator, operation);
                for (Resource sub : e.doomedSubscriptions()) {
                    deletionNotice(sub);
                }
            }
        }
    }

    private void notifyAll(
            List<Resource> subscriptions,
            int eventType,
            Resource subject,
            Map<String, Object> modified,
            String originator,
            Operation operation) {
        for (Resource sub : subscriptions) {
            if (sub.ri().equals(subject.ri())) {
                continue; // a subscription is not told of its own creation
            }
            Compiled c = compiled(sub);
            if (c == null || !c.criteria().matches(eventType, subject, modified.keySet(), operation, originator)) {
                continue;
            }
            Map<String, Object> sgn = new LinkedHashMap<>();
            Map<String, Object> nev = new LinkedHashMap<>();
            nev.put("rep", representationFor(sub, eventType, subject, modified));
            nev.put("net", (long) eventType);
            if (!c.criteria().monitors().isEmpty() && operation != null) {
                Map<String, Object> om = new LinkedHashMap<>();
                om.put("ops", (long) operation.code());
                if (originator != null) {
                    om.put("org", originator);
                }
                nev.put("om", om);
            }
            sgn.put("nev", nev);
            sgn.put("sur", subscriptionReference(sub));
            if (sub.getString("nfu") != null) {
                sgn.put("nfu", sub.getString("nfu")); // where the receiver (a group host) forwards it on
            }
            Map<String, Object> content = Map.of("m2m:sgn", sgn);
            for (String target : targets(sub)) {
                dispatcher.enqueue(sub.ri(), target, content, c.policy());
            }
            countTowardsExpiry(sub);
        }
    }

    private Object representationFor(Resource sub, int eventType, Resource subject, Map<String, Object> modified) {
        long nct = sub.getLong("nct", 1);
        if (nct == 3) {
            return Map.of("m2m:uri", subject.ri());
        }
        if (nct == 2 && eventType == EventCriteria.UPDATE) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            modified.keySet().forEach(k -> {
                if (subject.get(k) != null) {
                    attrs.put(k, subject.get(k));
                }
            });
            return representation.wrap(subject, attrs);
        }
        return representation.full(subject);
    }

    private void countTowardsExpiry(Resource sub) {
        long exc = sub.getLong("exc", 0);
        if (exc <= 0) {
            return;
        }
        long count = sent.merge(sub.ri(), 1L, Long::sum);
        if (count == exc) {
            expirations.execute(() -> {
                try {
                    deleter.apply(sub.ri());
                } catch (RuntimeException ex) {
                    LOG.log(
                            Level.WARNING,
                            "could not delete subscription " + sub.ri() + " after its expirationCounter",
                            ex);
                }
            });
        }
    }

    /** Tells {@code su} that the subscription is gone, after anything it still had batched. */
    private void deletionNotice(Resource sub) {
        criteria.remove(sub.ri());
        sent.remove(sub.ri());
        dispatcher.flush(sub.ri());
        String su = sub.getString("su");
        if (su != null) {
            Map<String, Object> sgn = new LinkedHashMap<>();
            sgn.put("sud", true);
            sgn.put("sur", subscriptionReference(sub));
            String creator = sub.getString("cr") != null ? sub.getString("cr") : sub.creator();
            if (creator != null) {
                sgn.put("cr", creator);
            }
            dispatcher.enqueue(sub.ri(), su, Map.of("m2m:sgn", sgn), DeliveryPolicy.IMMEDIATE);
        }
        dispatcher.retire(sub.ri());
    }

    private Compiled compiled(Resource sub) {
        Compiled c = criteria.get(sub.ri());
        if (c != null && c.version() == sub) {
            return c;
        }
        try {
            c = new Compiled(
                    sub, EventCriteria.parse(sub.get("enc")), SubscriptionBehaviour.policyOf(sub.attributes()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "subscription " + sub.ri() + " has criteria that no longer parse; it is skipped");
            return null;
        }
        criteria.put(sub.ri(), c);
        return c;
    }

    public static List<String> targets(Resource sub) {
        return targets(sub.get("nu"));
    }

    /** The distinct targets of an {@code nu} value. */
    public static List<String> targets(Object nuValue) {
        List<String> out = new ArrayList<>();
        if (nuValue instanceof List<?> nu) {
            for (Object t : nu) {
                if (t instanceof String s && !out.contains(s)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** {@code sur}: the subscription's SP-relative unstructured ID. */
    public String subscriptionReference(Resource sub) {
        return subscriptionReference(sub.ri());
    }

    public String subscriptionReference(String ri) {
        return settings.cseId() + "/" + ri;
    }

    /** The subscription with its live {@code nsi} when it asks for statistics ({@code nse}); others unchanged. */
    public Resource withStatistics(Resource r) {
        if (r.type() != io.citadel.protocol.ResourceType.SUBSCRIPTION || !Boolean.TRUE.equals(r.get("nse"))) {
            return r;
        }
        return r.with(Map.of("nsi", statistics(r)));
    }

    /** {@code nsi} of a subscription with {@code nse} set, from the live counters. */
    List<Map<String, Object>> statistics(Resource sub) {
        List<Map<String, Object>> nsi = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (DeliveryStats s : dispatcher.stats(sub.ri())) {
            nsi.add(s.toNsi());
            seen.add(s.target());
        }
        for (String t : targets(sub)) {
            if (seen.add(t)) {
                nsi.add(new DeliveryStats(t, 0, 0, 0, 0).toNsi());
            }
        }
        return nsi;
    }

    public void reset() {
        criteria.clear();
        sent.clear();
    }

    @Override
    public void close() {
        expirations.shutdownNow();
        dispatcher.close();
    }
}
