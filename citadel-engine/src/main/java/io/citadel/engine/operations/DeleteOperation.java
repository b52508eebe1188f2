package io.citadel.engine.operations;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.authorization.Originator;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.Target;
import io.citadel.engine.types.TypeBehaviour;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.ResultContent;
import java.util.Optional;

/** DELETE of a resource and its subtree (also the deletion of expired resources). */
public final class DeleteOperation {
    private final EngineParts parts;

    public DeleteOperation(EngineParts parts) {
        this.parts = parts;
    }

    /** Checks the request, then describes what it needs to be allowed and how the deletion then runs. */
    public OperationPlan plan(RequestPrimitive req, Originator originator, Target target, RequestContext ctx) {
        if (target.attribute() != null) {
            throw new OneM2mException(ResponseStatusCode.OPERATION_NOT_ALLOWED, "an attribute cannot be deleted");
        }
        Resource resource = target.resource();
        if (target.virtual() != Target.Virtual.NONE) {
            return new OperationPlan(
                    AccessQuestion.Privilege.of(Operation.DELETE.permissionBit(), resource),
                    () -> delete(
                            req,
                            originator,
                            parts.repository()
                                    .edgeInstance(resource, target.virtual() == Target.Virtual.LATEST)
                                    .orElseThrow(
                                            () -> OneM2mException.notFound("the container has no content instance"))));
        }
        if (!parts.behaviour(resource.type()).isDeletable()) {
            throw new OneM2mException(
                    ResponseStatusCode.OPERATION_NOT_ALLOWED, resource.type().jsonKey() + " cannot be deleted");
        }
        return new OperationPlan(
                AccessQuestion.Privilege.of(Operation.DELETE.permissionBit(), resource),
                () -> delete(req, originator, resource));
    }

    private ResponsePrimitive delete(RequestPrimitive req, Originator originator, Resource resource) {
        Resource deleted = delete(resource.ri(), originator.normalized())
                .orElseThrow(() -> OneM2mException.notFound("resource was already deleted"));
        ResultContent rcn = req.resultContent() == null
                ? ResultContent.NOTHING
                : ResultContent.of(req.resultContent()).orElseThrow();
        Object content =
                rcn == ResultContent.ATTRIBUTES ? parts.representation().full(deleted) : null;
        return ResponsePrimitive.of(ResponseStatusCode.DELETED, req, content);
    }

    /** Deletes durably on behalf of {@code originator} (null: the CSE itself); empty if it was gone already. */
    /** Deletes {@code ri} and its subtree as {@link #delete} does; returns how many resources went (0: none was there). */
    public int deleteCounting(String ri) {
        int[] rows = new int[1];
        parts.notifier()
                .write(
                        tx -> {
                            Optional<Resource> fresh = tx.findById(ri);
                            fresh.ifPresent(r -> {
                                parts.behaviour(r.type()).beforeDelete(tx, r);
                                rows[0] = tx.deleteSubtree(r);
                            });
                            return fresh;
                        },
                        null,
                        Operation.DELETE);
        return rows[0];
    }

    public Optional<Resource> delete(String ri, String originator) {
        return parts.notifier()
                .write(
                        tx -> {
                            Optional<Resource> fresh = tx.findById(ri);
                            fresh.ifPresent(r -> {
                                TypeBehaviour behaviour = parts.behaviour(r.type());
                                behaviour.beforeDelete(tx, r);
                                tx.deleteSubtree(r);
                            });
                            return fresh;
                        },
                        originator,
                        Operation.DELETE);
    }
}
