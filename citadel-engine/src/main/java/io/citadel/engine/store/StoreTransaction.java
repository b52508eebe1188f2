package io.citadel.engine.store;

import io.citadel.engine.resources.Resource;
import java.util.List;
import java.util.Optional;

/**
 * The view a {@link Mutation} has of the store while it runs: reads see the writes made earlier in the
 * same group commit. All methods may throw {@link StoreException}.
 */
public interface StoreTransaction {
    Optional<Resource> findById(String ri);

    Optional<Resource> findByPath(String path);

    /** The oldest ({@code latest=false}) or newest child of a type. */
    Optional<Resource> edgeChild(String parentId, int type, boolean latest);

    /** Up to {@code limit} oldest children of a type, oldest first. */
    List<Resource> oldestChildren(String parentId, int type, int limit);

    /** The next value of the CSE-wide creation sequence. */
    long nextSequence();

    void insert(Resource resource);

    void update(Resource resource);

    /** Deletes the resource and all its descendants; returns how many rows went. */
    int deleteSubtree(Resource resource);
}
