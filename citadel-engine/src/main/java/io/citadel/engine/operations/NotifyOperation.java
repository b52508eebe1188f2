package io.citadel.engine.operations;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.authorization.Originator;
import io.citadel.engine.hierarchy.EntityDelivery;
import io.citadel.engine.notification.PollingChannels;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.Target;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * NOTIFY received by this CSE (TS-0001 §10.2.5.21-23): to an {@code <AE>} or {@code <remoteCSE>} it is
 * re-targeted to that entity's {@code poa} after the originator's NOTIFY privilege on it is checked (also an
 * {@code m2m:seci}, e.g. an ESPrim object for that entity, which this CSE only relays); to the {@code <CSEBase>} it is
 * for the CSE itself and acknowledged (the ESPrim stage has taken {@code m2m:seci} sit 3 and 5 before); any other
 * target refuses it.
 */
public final class NotifyOperation {
    private final EngineParts parts;
    private final EntityDelivery entities;
    private final Duration timeout;

    public NotifyOperation(EngineParts parts, EntityDelivery entities, Duration timeout) {
        this.parts = parts;
        this.entities = entities;
        this.timeout = timeout;
    }

    /** Checks the request, then describes who may send it and how it is then delivered. */
    public OperationPlan plan(RequestPrimitive req, Originator originator, Target target, RequestContext ctx) {
        if (target.virtual() != Target.Virtual.NONE || target.attribute() != null) {
            throw new OneM2mException(
                    ResponseStatusCode.OPERATION_NOT_ALLOWED, "NOTIFY cannot target a virtual resource or attribute");
        }
        Resource r = target.resource();
        boolean toEntity = r.type() == ResourceType.AE || r.type() == ResourceType.REMOTE_CSE;
        if (!(req.content() instanceof Map<?, ?> content)
                || content.size() != 1
                || !(content.containsKey("m2m:sgn")
                        || content.containsKey("m2m:agn")
                        || content.containsKey("m2m:rsp")
                        || (toEntity && content.containsKey("m2m:seci")))) {
            throw OneM2mException.badRequest(
                    "NOTIFY content must be one m2m:sgn, m2m:agn or m2m:rsp (or m2m:seci to an AE or remote CSE)");
        }
        switch (r.type()) {
            case CSE_BASE -> {
                return new OperationPlan(
                        new AccessQuestion.Unguarded("a NOTIFY to the CSEBase is only acknowledged", r.ri()),
                        () -> ResponsePrimitive.of(ResponseStatusCode.OK, req, null));
            }
            case AE, REMOTE_CSE -> {
                AccessQuestion q = ((Map<?, ?>) req.content()).containsKey("m2m:seci")
                        // an end-to-end object for the entity: NOTIFY privilege on it, for a CSE as for anyone
                        ? AccessQuestion.Privilege.of(Operation.NOTIFY.permissionBit(), r)
                        : question((Map<?, ?>) req.content(), r);
                return new OperationPlan(q, () -> retarget(req, r));
            }
            default ->
                throw new OneM2mException(
                        ResponseStatusCode.OPERATION_NOT_ALLOWED,
                        "NOTIFY goes to an AE, a remote CSE or the CSEBase, not to "
                                + r.type().jsonKey());
        }
    }

    /**
     * Who may notify an entity here. A verification request: its creator ({@code cr}) must be the entity
     * itself or hold NOTIFY privilege on it (else 4101), the subscription host likewise or be a CSE (else
     * 5205). Any other notification: from a CSE (which verified the target when the subscription was made,
     * and is bound to its security association) or from an originator with NOTIFY privilege (else 4103).
     */
    private AccessQuestion question(Map<?, ?> content, Resource entity) {
        if (content.get("m2m:sgn") instanceof Map<?, ?> sgn && Boolean.TRUE.equals(sgn.get("vrq"))) {
            String cr = sgn.get("cr") instanceof String s ? s : null;
            String creator = cr == null ? null : parts.accessControl().ids().normalize(cr);
            String self = entity.type() == ResourceType.AE
                    ? parts.accessControl().ids().normalize(entity.ri())
                    : entity.getString("csi");
            return new AccessQuestion.AllOf(List.of(
                    new AccessQuestion.VerificationCreator(entity, cr, creator, self),
                    new AccessQuestion.VerificationHost(entity)));
        }
        return new AccessQuestion.Notify(entity);
    }

    private ResponsePrimitive retarget(RequestPrimitive req, Resource entity) {
        ResponsePrimitive answer =
                PollingChannels.await(entities.deliver(entity, req, timeout), req, timeout.plusSeconds(61));
        return new ResponsePrimitive(
                answer.status(), req.requestId(), req.releaseVersion(), answer.content(), null, null);
    }
}
