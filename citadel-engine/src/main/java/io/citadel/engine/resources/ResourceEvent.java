package io.citadel.engine.resources;

import java.util.List;
import java.util.Map;

/**
 * Something a committed write did that subscriptions may want to hear of.
 *
 * @param kind what happened
 * @param resource the created, updated or deleted resource (as it is now, or as it was when deleted)
 * @param modified for an update: the attributes the request changed, with their new values
 * @param doomedSubscriptions for a deletion: the subscriptions the deleted subtree took with it
 */
public record ResourceEvent(
        Kind kind, Resource resource, Map<String, Object> modified, List<Resource> doomedSubscriptions) {

    public enum Kind {
        CREATED,
        UPDATED,
        DELETED
    }

    static ResourceEvent created(Resource r) {
        return new ResourceEvent(Kind.CREATED, r, Map.of(), List.of());
    }

    public static ResourceEvent updated(Resource r, Map<String, Object> modified) {
        return new ResourceEvent(Kind.UPDATED, r, modified, List.of());
    }

    static ResourceEvent deleted(Resource r, List<Resource> doomed) {
        return new ResourceEvent(Kind.DELETED, r, Map.of(), List.copyOf(doomed));
    }
}
