package io.citadel.engine.notification;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.ChangeListener;
import io.citadel.engine.store.ResourceStore;
import io.citadel.protocol.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@code <subscription>} of this CSE by the resource it watches, in memory: loaded at start-up and
 * kept exact from the store's commit notifications, so that finding the subscriptions of a changed
 * resource costs one map look-up and no database read.
 */
public final class SubscriptionIndex implements ChangeListener {
    private static final int MAX_SUBSCRIPTIONS = 1_000_000;
    private final Map<String, List<Resource>> byParent = new ConcurrentHashMap<>();

    public void load(ResourceStore store) {
        byParent.clear();
        for (Resource sub : store.ofType(ResourceType.SUBSCRIPTION.code(), MAX_SUBSCRIPTIONS)) {
            put(sub);
        }
    }

    /** The subscriptions whose parent is {@code ri}. */
    List<Resource> of(String ri) {
        return byParent.getOrDefault(ri, List.of());
    }

    /** The subscriptions at or below {@code path} (those a subtree deletion takes with it). */
    public List<Resource> within(Resource root) {
        if (root.type() == ResourceType.SUBSCRIPTION) {
            return List.of(root);
        }
        if (root.type() == ResourceType.CONTENT_INSTANCE || byParent.isEmpty()) {
            return List.of();
        }
        String prefix = root.path() + "/";
        List<Resource> out = new ArrayList<>();
        for (List<Resource> subs : byParent.values()) {
            for (Resource s : subs) {
                if (s.path().startsWith(prefix)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    @Override
    public void committed(List<Change> changes) {
        for (Change change : changes) {
            Resource r = change.resource();
            if (change.deleted()) {
                if (r.type() != ResourceType.CONTENT_INSTANCE) {
                    removeWithin(r);
                }
            } else if (r.type() == ResourceType.SUBSCRIPTION) {
                put(r);
            }
        }
    }

    public void clear() {
        byParent.clear();
    }

    private void put(Resource sub) {
        byParent.compute(sub.parentId(), (k, old) -> {
            List<Resource> next = new ArrayList<>(old == null ? List.of() : old);
            next.removeIf(s -> s.ri().equals(sub.ri()));
            next.add(sub);
            return List.copyOf(next);
        });
    }

    private void removeWithin(Resource root) {
        if (root.type() == ResourceType.SUBSCRIPTION) {
            byParent.computeIfPresent(root.parentId(), (k, old) -> {
                List<Resource> next =
                        old.stream().filter(s -> !s.ri().equals(root.ri())).toList();
                return next.isEmpty() ? null : next;
            });
            return;
        }
        String prefix = root.path() + "/";
        byParent.replaceAll((k, subs) ->
                subs.stream().filter(s -> !s.path().startsWith(prefix)).toList());
        byParent.values().removeIf(List::isEmpty);
    }
}
