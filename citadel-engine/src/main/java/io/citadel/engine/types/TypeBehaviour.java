package io.citadel.engine.types;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.StoreTransaction;
import io.citadel.protocol.ResourceType;
import java.util.Map;

/**
 * What is special about one resource type. Generic validation (the schema), access control and
 * storage are done elsewhere; these hooks only add the type's own rules. The {@code tx} hooks run on the
 * store's writer inside the transaction of the operation, so what they read is exact.
 */
public interface TypeBehaviour {
    ResourceType type();

    /** Checks and CSE-assigned attributes before storing; may throw OneM2mException. */
    default void prepareCreate(CreateDraft draft) {
    }

    /** After the new resource is inserted, in the same transaction. */
    default void afterCreate(StoreTransaction tx, Resource created) {
    }

    /** Checks an UPDATE before it is applied; {@code changes} are validated attributes (null = delete). */
    default void checkUpdate(Resource current, Map<String, Object> changes) {
    }

    /**
     * Checks an UPDATE by {@code originator} (normalised) before it is applied; by default the check that needs
     * no originator. A type that asks other CSEs while checking does so on the originator's behalf, never its
     * creator's.
     */
    default void checkUpdate(Resource current, Map<String, Object> changes, String originator) {
        checkUpdate(current, changes);
    }

    /** After an update, in the same transaction; returns the resource as it must be stored. */
    default Resource afterUpdate(StoreTransaction tx, Resource updated) {
        return updated;
    }

    /** Before the resource and its subtree are deleted, in the same transaction. */
    default void beforeDelete(StoreTransaction tx, Resource deleting) {
    }

    /** False for types only the CSE itself makes. */
    default boolean isCreatable() {
        return true;
    }

    /** True if RETRIEVE/UPDATE/DELETE through primitives is allowed at all. */
    default boolean isUpdatable() {
        return true;
    }

    default boolean isDeletable() {
        return true;
    }
}
