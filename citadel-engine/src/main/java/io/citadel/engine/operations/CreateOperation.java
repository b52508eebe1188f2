package io.citadel.engine.operations;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.authorization.Originator;
import io.citadel.engine.notification.Notifier;
import io.citadel.engine.pipeline.IdentifyStage;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.Addressing;
import io.citadel.engine.resources.Content;
import io.citadel.engine.resources.Expiry;
import io.citadel.engine.resources.Ids;
import io.citadel.engine.resources.Representation;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.Target;
import io.citadel.engine.resources.Universal;
import io.citadel.engine.resources.WriteOnly;
import io.citadel.engine.types.CreateDraft;
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
import java.util.Optional;

/** CREATE: checks, authorizes, then stores the new resource and its side effects in one transaction. */
public final class CreateOperation {
    private final EngineParts parts;

    public CreateOperation(EngineParts parts) {
        this.parts = parts;
    }

    /** Checks the request, then describes what it needs to be allowed and how it is then stored. */
    public OperationPlan plan(RequestPrimitive req, Originator originator, Target target, RequestContext ctx) {
        if (target.virtual() != Target.Virtual.NONE || target.attribute() != null) {
            throw new OneM2mException(
                    ResponseStatusCode.OPERATION_NOT_ALLOWED, "cannot create under a virtual resource or attribute");
        }
        Resource parent = target.resource();
        ResourceType type = ResourceType.of(req.resourceType())
                .orElseThrow(() -> OneM2mException.badRequest("unknown resource type " + req.resourceType()));
        ResourceSchema schema = parts.schema();
        if (!schema.allowsChild(parent.type(), type)) {
            throw new OneM2mException(
                    ResponseStatusCode.INVALID_CHILD_RESOURCE_TYPE,
                    type.jsonKey() + " cannot be created under " + parent.type().jsonKey());
        }
        if (!schema.isSupported(type) || type == ResourceType.CSE_BASE) {
            throw new OneM2mException(ResponseStatusCode.NOT_IMPLEMENTED, type.jsonKey() + " is not supported yet");
        }
        if (!parts.behaviour(type).isCreatable()) {
            throw new OneM2mException(
                    ResponseStatusCode.OPERATION_NOT_ALLOWED, type.jsonKey() + " is made by the CSE only");
        }
        Content.Member member = Content.member(req.content(), type, schema.contentKeys(type));
        Map<String, Object> requested = member.attributes();
        Map<String, Object> attrs =
                new LinkedHashMap<>(schema.validate(type, Operation.CREATE, requested, ctx.textualContent()));
        String key = schema.jsonKey(type, attrs);
        if (!key.equals(member.key())) {
            throw OneM2mException.badRequest(
                    "content member '" + member.key() + "' does not match the specialization it names, " + key);
        }
        Instant now = Instant.now();
        String rawFrom = req.from();
        AccessQuestion question = parts.behaviour(type).createAccess(parent, requested, rawFrom);
        if (type == ResourceType.AE && ctx.association() != null) { // from now on it may act only over an association
            attrs.put(IdentifyStage.SECURED_REGISTRATION, ctx.association().credentialId());
        }
        return new OperationPlan(question, () -> store(req, originator, ctx, parent, type, requested, attrs, now));
    }

    private ResponsePrimitive store(
            RequestPrimitive req,
            Originator originator,
            RequestContext ctx,
            Resource parent,
            ResourceType type,
            Map<String, Object> requested,
            Map<String, Object> attrs,
            Instant now) {
        TypeBehaviour behaviour = parts.behaviour(type);
        String rawFrom = req.from();
        String name = (String) attrs.remove("rn");
        if (name != null
                && (Addressing.isVirtual(name)
                        || parent.type() == ResourceType.AE
                                && name.equals(io.citadel.engine.privacy.DataSubjects.ACCESS_LOG))) {
            throw OneM2mException.badRequest("resource name '" + name + "' is reserved");
        }
        parts.acpiValidator().canonicalize(attrs);
        parts.announcer()
                .checkTargets(type, attrs.get("at"), parts.accessControl().ids()::normalize);
        if (attrs.containsKey("cr")) {
            attrs.put("cr", rawFrom);
        }
        attrs.remove("et");
        Object et = requested.get("et");
        if (et instanceof String s) {
            Instant when = Timestamps.parse(s).orElseThrow();
            if (!when.isAfter(now)) {
                throw OneM2mException.badRequest("expirationTime " + s + " is not in the future");
            }
            attrs.put("et", s);
        }
        CreateDraft draft =
                new CreateDraft(parent, attrs, rawFrom, originator.normalized(), Ids.next(type.shortName()), now);
        behaviour.prepareCreate(draft);
        WriteOnly.seal(parts.schema().writeOnlyAttributes(type, draft.attributes()), draft.attributes());
        if (type == ResourceType.SUBSCRIPTION) {
            parts.verification()
                    .verify(
                            parts.notifier().subscriptionReference(draft.ri()),
                            rawFrom,
                            originator.normalized(),
                            Notifier.targets(attrs.get("nu")),
                            ctx);
        }
        Resource created = parts.notifier()
                .write(
                        tx -> {
                            if (tx.findById(parent.ri()).isEmpty()) {
                                throw OneM2mException.notFound("parent resource was deleted");
                            }
                            boolean registration = type == ResourceType.AE || type == ResourceType.REMOTE_CSE;
                            if (registration
                                    && tx.findById(draft.ri())
                                            .filter(r -> !Expiry.hasExpired(r, now))
                                            .isPresent()) {
                                throw new OneM2mException(
                                        ResponseStatusCode.ORIGINATOR_HAS_ALREADY_REGISTERED,
                                        (type == ResourceType.AE ? "an AE with AE-ID " : "a CSE with CSE-ID /")
                                                + draft.ri() + " is already registered");
                            }
                            String rn = name != null ? name : draft.ri();
                            String path = parent.path() + "/" + rn;
                            Optional<Resource> existing = tx.findByPath(path);
                            if (existing.isPresent() && Expiry.hasExpired(existing.get(), now)) {
                                parts.behaviour(existing.get().type()).beforeDelete(tx, existing.get());
                                tx.deleteSubtree(
                                        existing.get()); // expired but not yet reaped: it no longer holds the name
                            } else if (existing.isPresent()) {
                                throw new OneM2mException(
                                        ResponseStatusCode.CONFLICT,
                                        "a resource named '" + rn + "' already exists here");
                            }
                            if (tx.findById(draft.ri()).isPresent()) {
                                throw new OneM2mException(ResponseStatusCode.CONFLICT, "resource ID collision, retry");
                            }
                            Resource r = new Resource(
                                    draft.ri(),
                                    type,
                                    parent.ri(),
                                    rn,
                                    path,
                                    tx.nextSequence(),
                                    draft.creator(),
                                    universal(draft, type, rn, parent, now));
                            tx.insert(r);
                            behaviour.afterCreate(tx, r);
                            return r;
                        },
                        originator.normalized(),
                        Operation.CREATE);
        return respond(req, created, requested);
    }

    private static Map<String, Object> universal(
            CreateDraft draft, ResourceType type, String rn, Resource parent, Instant now) {
        Map<String, Object> all = Universal.attributes(type, draft.ri(), rn, parent.ri(), now);
        all.putAll(draft.attributes());
        return all;
    }

    private ResponsePrimitive respond(RequestPrimitive req, Resource created, Map<String, Object> requested) {
        ResultContent rcn = req.resultContent() == null
                ? ResultContent.ATTRIBUTES
                : ResultContent.of(req.resultContent()).orElseThrow();
        Representation rep = parts.representation();
        boolean structured = req.desiredIdResultType() != 2;
        String address = Representation.address(created, structured);
        Object content = switch (rcn) {
            case NOTHING -> null;
            case HIERARCHICAL_ADDRESS -> Map.of("m2m:uri", address);
            case HIERARCHICAL_ADDRESS_AND_ATTRIBUTES ->
                Map.of("m2m:rce", Map.of(rep.key(created), Representation.visible(created), "uri", address));
            case MODIFIED_ATTRIBUTES -> rep.modified(created, requested);
            default -> rep.full(created);
        };
        return ResponsePrimitive.of(ResponseStatusCode.CREATED, req, content).withContentLocation(created.path());
    }
}
