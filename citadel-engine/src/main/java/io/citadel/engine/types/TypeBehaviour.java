package io.citadel.engine.types;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.StoreTransaction;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponseStatusCode;
import java.util.Map;

/**
 * What is special about one resource type. Generic validation (the schema), access control and
 * storage are done elsewhere; these hooks only add the type's own rules. The {@code tx} hooks run on the
 * store's writer inside the transaction of the operation, so what they read is exact.
 */
public interface TypeBehaviour {
    ResourceType type();

    /**
     * What creating a resource of this type under {@code parent} needs to be allowed, asked by the authorize
     * stage. By default CREATE privilege on the parent, with the type and its specialization ({@code cnd} of a
     * flexContainer, {@code mgd} of a mgmtObj) for {@code acod}, and the requested attributes for Rel-4 {@code aca}.
     * May throw {@link OneM2mException} for a parent the type does not accept.
     *
     * @param requested the attributes as requested (before validation added defaults)
     * @param rawFrom {@code From} as received (null or empty for an AE registering without one)
     */
    default AccessQuestion createAccess(Resource parent, Map<String, Object> requested, String rawFrom) {
        Object specialization = requested.get(type() == ResourceType.FLEX_CONTAINER ? "cnd" : "mgd");
        return new AccessQuestion.Privilege(
                Operation.CREATE.permissionBit(),
                type().code(),
                specializationId(specialization),
                parent,
                false,
                requested.keySet());
    }

    /**
     * The specialization a CREATE names, as {@code acod.spty} is compared with it: a {@code cnd} as it is, a
     * {@code mgd} (a JSON/CBOR integer or XML text) in decimal; null when there is none.
     */
    static String specializationId(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return Long.toString(((Number) value).longValue());
        }
        if (value instanceof String s && s.matches("[0-9]{1,18}")) {
            return Long.toString(Long.parseLong(s));
        }
        return value instanceof String s ? s : null;
    }

    /** Refuses a parent other than the CSEBase (registrations). */
    static void requireCseBaseParent(Resource parent, String what) {
        if (parent.type() != ResourceType.CSE_BASE) {
            throw new OneM2mException(
                    ResponseStatusCode.INVALID_CHILD_RESOURCE_TYPE, what + " registers on the CSEBase");
        }
    }

    /** Checks and CSE-assigned attributes before storing; may throw OneM2mException. */
    default void prepareCreate(CreateDraft draft) {}

    /** After the new resource is inserted, in the same transaction. */
    default void afterCreate(StoreTransaction tx, Resource created) {}

    /** Checks an UPDATE before it is applied; {@code changes} are validated attributes (null = delete). */
    default void checkUpdate(Resource current, Map<String, Object> changes) {}

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
    default void beforeDelete(StoreTransaction tx, Resource deleting) {}

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
