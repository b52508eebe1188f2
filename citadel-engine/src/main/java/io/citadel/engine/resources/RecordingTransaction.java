package io.citadel.engine.resources;

import io.citadel.engine.notification.SubscriptionIndex;
import io.citadel.engine.store.StoreTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A store transaction that notes the creations and deletions a mutation makes (its own and those of type
 * behaviours, such as instances a container evicts), so that they can be announced once the write is
 * durable. A deletion also notes the subscriptions it takes with it while the index still knows them.
 */
public final class RecordingTransaction implements StoreTransaction {
    private final StoreTransaction tx;
    private final SubscriptionIndex subscriptions;
    private final List<ResourceEvent> events = new ArrayList<>();

    public RecordingTransaction(StoreTransaction tx, SubscriptionIndex subscriptions) {
        this.tx = tx;
        this.subscriptions = subscriptions;
    }

    public List<ResourceEvent> events() {
        return events;
    }

    public void record(ResourceEvent event) {
        events.add(event);
    }

    @Override
    public Optional<Resource> findById(String ri) {
        return tx.findById(ri);
    }

    @Override
    public Optional<Resource> findByPath(String path) {
        return tx.findByPath(path);
    }

    @Override
    public Optional<Resource> edgeChild(String parentId, int type, boolean latest) {
        return tx.edgeChild(parentId, type, latest);
    }

    @Override
    public List<Resource> oldestChildren(String parentId, int type, int limit) {
        return tx.oldestChildren(parentId, type, limit);
    }

    @Override
    public long nextSequence() {
        return tx.nextSequence();
    }

    @Override
    public void insert(Resource resource) {
        tx.insert(resource);
        events.add(ResourceEvent.created(resource));
    }

    @Override
    public void update(Resource resource) {
        tx.update(resource);
    }

    @Override
    public int deleteSubtree(Resource resource) {
        List<Resource> doomed = subscriptions.within(resource);
        int n = tx.deleteSubtree(resource);
        events.add(ResourceEvent.deleted(resource, doomed));
        return n;
    }
}
