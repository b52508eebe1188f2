package io.citadel.engine.store;

import io.citadel.engine.resources.Resource;
import java.util.List;

/** Told, on the writer thread, what a group commit made durable, in the order it happened. */
public interface ChangeListener {

    /** One durable change: an insert or update, or the deletion of a resource and its subtree. */
    record Change(Resource resource, boolean deleted) {}

    void committed(List<Change> changes);
}
