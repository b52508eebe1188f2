package io.citadel.engine.operations;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.authorization.DistributedAuthorization;
import io.citadel.engine.authorization.Originator;
import io.citadel.engine.notification.Notifier;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.Content;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceEvent;
import io.citadel.engine.resources.Target;
import io.citadel.engine.resources.WriteOnly;
import io.citadel.engine.types.TypeBehaviour;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.ResultContent;
import io.citadel.protocol.Timestamps;
import io.citadel.protocol.schema.ResourceSchema;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** UPDATE, including the acpi-only rule authorized by selfPrivileges (TS-0001 §9.6.1.3.2). */
public final class UpdateOperation {
    private final EngineParts parts;

    public UpdateOperation(EngineParts parts) {
        this.parts = parts;
    }

    /** Checks the request, then describes what it needs to be allowed and how the update is then applied. */
    public OperationPlan plan(RequestPrimitive req, Originator originator, Target target, RequestContext ctx) {
        if (target.virtual() != Target.Virtual.NONE || target.attribute() != null) {
            throw new OneM2mException(
                    ResponseStatusCode.OPERATION_NOT_ALLOWED, "a virtual resource or attribute cannot be updated");
        }
        Resource current = target.resource();
        TypeBehaviour behaviour = parts.behaviour(current.type());
        if (!behaviour.isUpdatable()) {
            throw new OneM2mException(
                    ResponseStatusCode.OPERATION_NOT_ALLOWED, current.type().jsonKey() + " cannot be updated");
        }
        ResourceSchema schema = parts.schema();
        Map<String, Object> requested = Content.member(
                        req.content(), current.type(), Set.of(schema.jsonKey(current.type(), current.attributes())))
                .attributes();
        Map<String, Object> changes = new LinkedHashMap<>(
                schema.validateUpdate(current.type(), current.attributes(), requested, ctx.textualContent()));
        boolean acpiUpdate = changes.containsKey("acpi");
        if (acpiUpdate && changes.size() > 1) {
            throw OneM2mException.badRequest("an UPDATE of acpi must not change other attributes");
        }
        return new OperationPlan(
                new AccessQuestion.Privilege(
                        Operation.UPDATE.permissionBit(), null, null, current, acpiUpdate, changes.keySet()),
                () -> apply(req, originator, ctx, current, behaviour, changes));
    }

    private ResponsePrimitive apply(
            RequestPrimitive req,
            Originator originator,
            RequestContext ctx,
            Resource current,
            TypeBehaviour behaviour,
            Map<String, Object> changes) {
        if (DistributedAuthorization.isAuthorizationPoint(current.type())) {
            Map<String, Object> invocation = new LinkedHashMap<>(changes);
            invocation.keySet().removeAll(java.util.Set.of("et", "lbl", "acpi"));
            if (!invocation.isEmpty()) {
                if (invocation.size() != changes.size()) {
                    throw OneM2mException.badRequest(
                            "an UPDATE that invokes an authorization point must not also change et, lbl or acpi");
                }
                // the request attributes run the bound procedure and are never stored (TS-0003 §7.5: no leak)
                return ResponsePrimitive.of(
                        ResponseStatusCode.UPDATED,
                        req,
                        parts.distributed().invoke(current, invocation, ctx.receivedAt()));
            }
        }
        parts.acpiValidator().canonicalize(changes);
        parts.announcer()
                .checkTargets(
                        current.type(), changes.get("at"), parts.accessControl().ids()::normalize);
        Instant now = Instant.now();
        if (changes.get("et") instanceof String s
                && !Timestamps.parse(s).orElseThrow().isAfter(now)) {
            throw OneM2mException.badRequest("expirationTime " + s + " is not in the future");
        }
        behaviour.checkUpdate(current, changes, originator.normalized());
        if (current.type() == ResourceType.SUBSCRIPTION && changes.get("nu") != null) {
            java.util.List<String> added = new java.util.ArrayList<>(Notifier.targets(changes.get("nu")));
            added.removeAll(Notifier.targets(current.get("nu")));
            parts.verification()
                    .verify(
                            parts.notifier().subscriptionReference(current.ri()),
                            req.from(),
                            originator.normalized(),
                            added,
                            ctx);
        }
        Set<String> writeOnly = parts.schema().writeOnlyAttributes(current.type(), current.attributes());
        Resource updated = parts.notifier()
                .write(
                        tx -> {
                            Resource fresh = tx.findById(current.ri())
                                    .orElseThrow(() -> OneM2mException.notFound("resource was deleted"));
                            Map<String, Object> sealed = new LinkedHashMap<>(changes);
                            WriteOnly.seal(writeOnly, sealed);
                            Map<String, Object> all = new LinkedHashMap<>(sealed);
                            all.put("lt", Timestamps.format(now));
                            if (fresh.get("st") instanceof Number st) {
                                all.put("st", st.longValue() + 1);
                            }
                            Resource next = behaviour.afterUpdate(tx, fresh.with(all));
                            tx.update(next);
                            tx.record(ResourceEvent.updated(next, sealed));
                            return next;
                        },
                        originator.normalized(),
                        Operation.UPDATE);
        ResultContent rcn = req.resultContent() == null
                ? ResultContent.ATTRIBUTES
                : ResultContent.of(req.resultContent()).orElseThrow();
        Object content = switch (rcn) {
            case NOTHING -> null;
            case MODIFIED_ATTRIBUTES -> modified(updated, changes, writeOnly);
            default -> parts.representation().full(updated);
        };
        return ResponsePrimitive.of(ResponseStatusCode.UPDATED, req, content);
    }

    private Map<String, Object> modified(Resource updated, Map<String, Object> changes, Set<String> writeOnly) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (String k : changes.keySet()) {
            if (!writeOnly.contains(k)) { // a secret is not echoed, not even to its writer
                attrs.put(k, updated.get(k));
            }
        }
        attrs.put("lt", updated.get("lt"));
        if (updated.get("st") != null) {
            attrs.put("st", updated.get("st"));
        }
        return parts.representation().wrap(updated, attrs);
    }
}
