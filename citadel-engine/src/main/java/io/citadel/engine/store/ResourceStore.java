package io.citadel.engine.store;

import io.citadel.engine.resources.Resource;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Durable resource storage. Reads are safe from any thread; all writes go through {@link #write}, which
 * runs mutations one after another on a single writer and commits them in groups.
 */
public interface ResourceStore extends AutoCloseable {
    Optional<Resource> findById(String ri);

    Optional<Resource> findByPath(String path);

    Optional<Resource> edgeChild(String parentId, int type, boolean latest);

    /** Direct children in creation order, optionally of the given types only (empty = all). */
    List<Resource> children(String parentId, List<Integer> types, int limit);

    /**
     * Descendants of {@code root} (not the root) in path order, up to {@code limit}, at most
     * {@code maxDepth} levels below it (0 = unlimited).
     */
    List<Resource> descendants(Resource root, int maxDepth, int limit);

    /** Resources of one type in creation order, up to {@code limit} (start-up indexes: subscriptions, remote CSEs). */
    List<Resource> ofType(int type, int limit);

    /** What {@code creator} created, in creation order after sequence {@code afterSeq} (exclusive), at most {@code limit}. */
    List<Resource> createdBy(String creator, long afterSeq, int limit);

    /**
     * The subtree at {@code rootPath}, the root included, in path order after {@code afterPath} (exclusive; null or
     * empty: from the start), at most {@code limit}.
     */
    List<Resource> subtree(String rootPath, String afterPath, int limit);

    /**
     * Makes an erased data subject's deleted rows unreadable where the store keeps data at rest: destroys the content
     * keys of the {@code <AE>} {@code aeResourceId} (may be null) and of {@code creator}. Returns how many keys went;
     * a store that keeps nothing at rest has none.
     */
    default int eraseSubjectKeys(String aeResourceId, String creator) {
        return 0;
    }

    /** IDs of resources whose expiration time is before {@code now}, oldest first. */
    List<String> expired(Instant now, int limit);

    /** Runs the mutation on the writer; the future completes after the commit (or exceptionally). */
    <T> CompletableFuture<T> write(Mutation<T> mutation);

    void setChangeListener(ChangeListener listener);

    /** Deletes everything (Upper Tester reset). */
    void wipe();

    @Override
    void close();
}
