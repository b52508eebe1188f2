package io.citadel.engine.store.memory;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.ChangeListener;
import io.citadel.engine.store.Mutation;
import io.citadel.engine.store.ResourceStore;
import io.citadel.engine.store.StoreException;
import io.citadel.engine.store.StoreTransaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A {@link ResourceStore} that keeps everything in memory and loses it on close: for tests and for trying the
 * engine without a database. It answers as the JDBC store does, which {@code ResourceStoreContract} checks on
 * all of them: one writer applies mutations in submission order and commits them in groups (a failing mutation
 * is undone alone, a write's future completes after its group is visible to readers and the listener has been
 * told), readers never see part of a group, the unique resource ID and path and the column rules of the JDBC
 * schema are enforced with a {@link StoreException}, queries order and limit as its SQL does, and a negative
 * limit is refused as SQL refuses it. Reads are safe from any thread; after {@link #close} they fail.
 */
public final class InMemoryResourceStore implements ResourceStore {
    private final Tables committed = new Tables();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final GroupCommitter writer = new GroupCommitter(committed, lock.writeLock());
    private final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public Optional<Resource> findById(String ri) {
        return Optional.ofNullable(read(() -> committed.byId(ri))).map(Row::toResource);
    }

    @Override
    public Optional<Resource> findByPath(String path) {
        return Optional.ofNullable(read(() -> committed.byPath(path))).map(Row::toResource);
    }

    @Override
    public Optional<Resource> edgeChild(String parentId, int type, boolean latest) {
        return Optional.ofNullable(read(() -> {
                    var children = committed.children(parentId, type);
                    return children.isEmpty() ? null : latest ? children.last() : children.first();
                }))
                .map(Row::toResource);
    }

    @Override
    public List<Resource> children(String parentId, List<Integer> types, int limit) {
        requireLimit("read failed", limit);
        Set<Integer> wanted = Set.copyOf(types);
        return resources(read(() -> committed.children(parentId).stream()
                .filter(r -> wanted.isEmpty() || wanted.contains(r.type()))
                .limit(limit)
                .toList()));
    }

    /**
     * As the JDBC store: with a depth limit, only the first {@code 4 * limit} rows below the root in path
     * order are looked at, so deep rows early in path order can leave fewer than {@code limit} results.
     */
    @Override
    public List<Resource> descendants(Resource root, int maxDepth, int limit) {
        requireLimit("read failed", limit);
        int rootDepth = Row.depth(root.path());
        int window = maxDepth == 0 ? limit : Math.max(limit, limit * 4);
        return resources(read(() -> {
            List<Row> out = new ArrayList<>();
            for (Row r : committed.below(root.path()).stream().limit(window).toList()) {
                if (maxDepth == 0 || Row.depth(r.path()) - rootDepth <= maxDepth) {
                    out.add(r);
                    if (out.size() >= limit) {
                        break;
                    }
                }
            }
            return out;
        }));
    }

    @Override
    public List<Resource> ofType(int type, int limit) {
        requireLimit("read failed", limit);
        return resources(read(() -> committed.ofType(type).stream().limit(limit).toList()));
    }

    @Override
    public List<Resource> createdBy(String creator, long afterSeq, int limit) {
        requireLimit("read failed", limit);
        return resources(read(() -> committed.all().stream()
                .filter(r -> r.seq() > afterSeq && creator.equals(r.creator()))
                .sorted(java.util.Comparator.comparingLong(Row::seq))
                .limit(limit)
                .toList()));
    }

    @Override
    public List<Resource> subtree(String rootPath, String afterPath, int limit) {
        requireLimit("read failed", limit);
        String after = afterPath == null ? "" : afterPath;
        return resources(read(() -> committed.all().stream()
                .filter(r -> r.path().equals(rootPath) || r.path().startsWith(rootPath + "/"))
                .filter(r -> r.path().compareTo(after) > 0)
                .sorted(java.util.Comparator.comparing(Row::path))
                .limit(limit)
                .toList()));
    }

    /** IDs whose expiration time is at or before {@code now} (as the JDBC store's {@code et <= ?}), oldest first. */
    @Override
    public List<String> expired(Instant now, int limit) {
        requireLimit("read failed", limit);
        long cutoff = now.toEpochMilli();
        return read(() -> committed.expiring().stream()
                .takeWhile(r -> r.expiry() <= cutoff)
                .limit(limit)
                .map(Row::ri)
                .toList());
    }

    @Override
    public <T> CompletableFuture<T> write(Mutation<T> mutation) {
        return writer.submit(mutation);
    }

    @Override
    public void setChangeListener(ChangeListener listener) {
        writer.setListener(listener);
    }

    @Override
    public void wipe() {
        writer.submit(InMemoryResourceStore::deleteAll).join();
    }

    private static Void deleteAll(StoreTransaction tx) {
        ((StagedTransaction) tx).deleteAll();
        return null;
    }

    /** Lets the queued writes finish, then refuses further writes and reads. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            writer.close();
        }
    }

    /** Refuses a negative limit, as SQL's LIMIT does; {@code what} starts the message as in the JDBC store. */
    static void requireLimit(String what, int limit) {
        if (limit < 0) {
            throw new StoreException(what + ": a limit must not be negative (" + limit + ")", null);
        }
    }

    /** Runs a query on the committed rows under the read lock; rows are immutable, so decoding happens outside. */
    private <T> T read(Supplier<T> query) {
        if (closed.get()) {
            throw new StoreException("store is closed", null);
        }
        lock.readLock().lock();
        try {
            return query.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private static List<Resource> resources(List<Row> rows) {
        return rows.stream().map(Row::toResource).toList();
    }
}
