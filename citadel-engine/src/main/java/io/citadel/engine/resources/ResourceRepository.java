package io.citadel.engine.resources;

import io.citadel.engine.store.ChangeListener;
import io.citadel.engine.store.ChangeListener.Change;
import io.citadel.engine.store.ResourceStore;
import io.citadel.protocol.ResourceType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads through a cache in front of the store. Structural resources (everything but instances) are
 * cached by ID and path; of the instances only each container's latest is kept. The cache is refreshed
 * from the store's commit notifications, so it never shows a write that is not durable. Expired
 * resources are invisible even before the reaper deletes them.
 */
public final class ResourceRepository implements ChangeListener {
    private final ResourceStore store;
    private final int capacity;
    private final Map<String, Resource> byId = new ConcurrentHashMap<>();
    private final Map<String, String> idByPath = new ConcurrentHashMap<>();
    private final Map<String, Resource> latestInstance = new ConcurrentHashMap<>();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong roleChanges = new AtomicLong();

    public ResourceRepository(ResourceStore store, int capacity) {
        this.store = store;
        this.capacity = capacity;
    }

    ResourceStore store() {
        return store;
    }

    public Optional<Resource> findById(String ri) {
        Resource cached = byId.get(ri);
        if (cached != null) {
            return live(cached);
        }
        long stamp = commits.get();
        Optional<Resource> loaded = store.findById(ri);
        loaded.ifPresent(r -> remember(r, stamp));
        return loaded.flatMap(ResourceRepository::live);
    }

    public Optional<Resource> findByPath(String path) {
        String ri = idByPath.get(path);
        if (ri != null) {
            Resource cached = byId.get(ri);
            if (cached != null && cached.path().equals(path)) {
                return live(cached);
            }
        }
        long stamp = commits.get();
        Optional<Resource> loaded = store.findByPath(path);
        loaded.ifPresent(r -> remember(r, stamp));
        return loaded.flatMap(ResourceRepository::live);
    }

    /** The newest or oldest instance child of a container. */
    public Optional<Resource> edgeInstance(Resource container, boolean latest) {
        if (latest) {
            Resource cached = latestInstance.get(container.ri());
            if (cached != null && live(cached).isPresent()) {
                return Optional.of(cached);
            }
        }
        long stamp = commits.get();
        Optional<Resource> loaded = store.edgeChild(container.ri(), ResourceType.CONTENT_INSTANCE.code(), latest);
        if (latest
                && loaded.isPresent()
                && commits.get() == stamp
                && latestInstance.putIfAbsent(container.ri(), loaded.get()) == null
                && commits.get() != stamp) {
            latestInstance.remove(container.ri(), loaded.get());
        }
        return loaded.flatMap(ResourceRepository::live);
    }

    public List<Resource> children(Resource parent, List<Integer> types, int limit) {
        return store.children(parent.ri(), types, limit).stream()
                .filter(r -> live(r).isPresent())
                .toList();
    }

    public List<Resource> descendants(Resource root, int maxDepth, int limit) {
        return store.descendants(root, maxDepth, limit).stream()
                .filter(r -> live(r).isPresent())
                .toList();
    }

    private void remember(Resource r, long stamp) {
        if (r.type() == ResourceType.CONTENT_INSTANCE || commits.get() != stamp) {
            return;
        }
        if (byId.size() >= capacity) {
            byId.clear();
            idByPath.clear();
        }
        byId.putIfAbsent(r.ri(), r);
        idByPath.putIfAbsent(r.path(), r.ri());
        if (commits.get() != stamp) {
            // a commit raced with this fill: drop what we put rather than risk a stale entry
            byId.remove(r.ri(), r);
            idByPath.remove(r.path(), r.ri());
        }
    }

    private static Optional<Resource> live(Resource r) {
        return Expiry.hasExpired(r, Instant.now()) ? Optional.empty() : Optional.of(r);
    }

    @Override
    public void committed(List<Change> changes) {
        commits.incrementAndGet();
        for (Change change : changes) {
            Resource r = change.resource();
            if (r.type() == ResourceType.ROLE || r.type() == ResourceType.TOKEN) {
                roleChanges.incrementAndGet();
            }
            if (change.deleted()) {
                forget(r);
            } else if (r.type() == ResourceType.CONTENT_INSTANCE) {
                latestInstance.merge(r.parentId(), r, (old, neu) -> neu.seq() >= old.seq() ? neu : old);
            } else {
                Resource previous = byId.put(r.ri(), r);
                if (previous != null && !previous.path().equals(r.path())) {
                    idByPath.remove(previous.path());
                }
                idByPath.put(r.path(), r.ri());
            }
        }
        commits.incrementAndGet();
    }

    private void forget(Resource gone) {
        if (gone.type() == ResourceType.CONTENT_INSTANCE) {
            latestInstance.computeIfPresent(gone.parentId(), (k, v) -> v.ri().equals(gone.ri()) ? null : v);
            return;
        }
        String prefix = gone.path() + "/";
        byId.values().removeIf(r -> r.ri().equals(gone.ri()) || r.path().startsWith(prefix));
        idByPath.keySet().removeIf(p -> p.equals(gone.path()) || p.startsWith(prefix));
        latestInstance.clear();
    }

    /** Grows whenever a {@code <role>} or {@code <token>} is created, updated or deleted (and on a wipe). */
    public long roleVersion() {
        return roleChanges.get();
    }

    /** Drops everything cached (after a wipe). */
    public void clear() {
        roleChanges.incrementAndGet();
        commits.incrementAndGet();
        byId.clear();
        idByPath.clear();
        latestInstance.clear();
        commits.incrementAndGet();
    }
}
