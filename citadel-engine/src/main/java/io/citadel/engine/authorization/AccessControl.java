package io.citadel.engine.authorization;

import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.IdentifyStage;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResourceType;
import io.citadel.security.AccessControlRule;
import io.citadel.security.AccessDecider;
import io.citadel.security.AccessDecision;
import io.citadel.security.AccessRequest;
import io.citadel.security.GoverningPolicy;
import io.citadel.security.OriginatorIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers the authorize stage's questions: finds what governs a target in the resource tree, asks the
 * {@link AccessDecider} (the one place where access is decided), consults a Dynamic Authorization Server when the
 * static policy denies and the target is linked to one, records the decision in the audit log and returns it
 * (the stage refuses a denial with the question's status).
 */
public final class AccessControl {
    private final CseSettings settings;
    private final ResourceRepository repository;
    private final OriginatorIds ids;
    private final AccessDecider decider;
    private final DynamicAuthorization dynamic;
    private final DistributedAuthorization distributed;
    private final AuditLog audit;
    private final io.citadel.engine.privacy.SubjectAccessRecorder subjectAccesses;
    private final Map<String, ParsedAcp> parsed = new ConcurrentHashMap<>();

    /** The rules of one version of an ACP; valid while the repository hands out that same instance. */
    private record ParsedAcp(
            Resource source, List<AccessControlRule> privileges, List<AccessControlRule> selfPrivileges) {}

    public AccessControl(
            CseSettings settings,
            ResourceRepository repository,
            OriginatorIds ids,
            SecurityOptions security,
            DynamicAuthorization dynamic,
            DistributedAuthorization distributed,
            io.citadel.engine.privacy.SubjectAccessRecorder subjectAccesses) {
        this.subjectAccesses = subjectAccesses;
        this.settings = settings;
        this.repository = repository;
        this.ids = ids;
        this.dynamic = dynamic;
        this.distributed = distributed;
        distributed.bind(this);
        this.audit = security.audit();
        this.decider = new AccessDecider(
                ids.normalize(settings.administrator()), settings.spId(), security.locations(), this::isGroupMember);
    }

    public OriginatorIds ids() {
        return ids;
    }

    /**
     * The one access decision of a request (asked by the authorize stage): evaluates the question, records it in
     * the audit trail, and returns it. Throws {@link OneM2mException} only when a Dynamic Authorization Server or
     * policy point it had to consult failed (that failure is audited as a denial too).
     */
    public AccessDecision authorize(Originator originator, AccessQuestion question, RequestContext ctx) {
        if (question instanceof AccessQuestion.Privilege p) {
            return decideFully(
                    originator,
                    p.operationBit(),
                    p.createdType(),
                    p.specialization(),
                    p.target(),
                    p.selfPrivileges(),
                    false,
                    ctx,
                    p.attributes());
        }
        if (question instanceof AccessQuestion.Notify n) {
            return decideFully(
                    originator,
                    Operation.NOTIFY.permissionBit(),
                    null,
                    null,
                    n.entity(),
                    false,
                    IdentifyStage.isCseId(originator.normalized()),
                    ctx,
                    null);
        }
        AccessDecision d;
        String target;
        String operation;
        if (question instanceof AccessQuestion.MembersPolicy m) {
            d = decideAgainst(m.acpIds(), originator, m.operationBit(), m.createdType(), ctx);
            target = m.group().ri();
            operation = opName(m.operationBit());
        } else if (question instanceof AccessQuestion.Registration r) {
            d = decider.decide(
                    AccessRequest.of(r.requestedStem(), false, 1, 2, 5, null, null),
                    new GoverningPolicy.Registration(settings.registrationAllowed(), r.requestedStem()));
            target = settings.cseBaseId();
            operation = "CREATE";
        } else if (question instanceof AccessQuestion.AccessLogOwner o) {
            d = decider.decide(
                    ownerRequest(originator, o.ae(), ctx), new GoverningPolicy.OwnerOnly(o.ownerId(), "access log"));
            target = o.ae().ri() + "/" + io.citadel.engine.privacy.DataSubjects.ACCESS_LOG;
            operation = "RETRIEVE";
        } else if (question instanceof AccessQuestion.PollingChannelOwner o) {
            d = decider.decide(
                    ownerRequest(originator, o.channel(), ctx),
                    new GoverningPolicy.OwnerOnly(o.ownerId(), "polling channel"));
            target = o.channel().ri();
            operation = "POLL";
        } else if (question instanceof AccessQuestion.VerificationHost h) {
            d = decide(
                    originator,
                    Operation.NOTIFY.permissionBit(),
                    null,
                    null,
                    h.entity(),
                    false,
                    IdentifyStage.isCseId(originator.normalized()),
                    ctx,
                    null);
            target = h.entity().ri();
            operation = "NOTIFY";
        } else if (question instanceof AccessQuestion.VerificationCreator c) {
            d = c.creator() != null && c.creator().equals(c.self())
                    ? AccessDecision.permit("the subscription's creator is the notified entity")
                    : c.creator() == null
                            ? AccessDecision.deny("the verification request names no creator")
                            : decide(
                                    new Originator(
                                            c.creatorRaw(), c.creator(), false, false, List.of(), false, Set.of()),
                                    Operation.NOTIFY.permissionBit(),
                                    null,
                                    c.entity(),
                                    false,
                                    ctx);
            target = c.entity().ri();
            operation = "NOTIFY";
        } else if (question instanceof AccessQuestion.Unguarded u) {
            d = AccessDecision.permit(u.reason());
            target = u.target();
            operation = "-";
        } else {
            throw new IllegalArgumentException(
                    "ask the parts of " + question.getClass().getSimpleName() + " one by one");
        }
        audit.record(new AuditEntry(originator.normalized(), target, operation, d, originator.assurance()));
        return d;
    }

    /** The question of using something that is its owner's alone ({@code target}): a RETRIEVE by the originator. */
    private static AccessRequest ownerRequest(Originator originator, Resource target, RequestContext ctx) {
        return new AccessRequest(
                originator.normalized(),
                originator.authenticated(),
                Operation.RETRIEVE.permissionBit(),
                null,
                null,
                target.type().code(),
                Set.of(),
                ctx.peerAddress(),
                ctx.receivedAt(),
                originator.roles(),
                null,
                originator.assurance());
    }

    /** Static policy, then dynamic authorization and distributed policy points when it denies; audited. */
    private AccessDecision decideFully(
            Originator originator,
            int operationBit,
            Integer createdType,
            String createdSpecialization,
            Resource target,
            boolean selfPrivileges,
            boolean peerCseNotify,
            RequestContext ctx,
            Set<String> attributes) {
        AccessDecision d = decide(
                originator,
                operationBit,
                createdType,
                createdSpecialization,
                target,
                selfPrivileges,
                peerCseNotify,
                ctx,
                attributes);
        if (!d.permitted() && !selfPrivileges && target.type() != ResourceType.ACCESS_CONTROL_POLICY) {
            try {
                Optional<DynamicAuthorization.Outcome> outcome =
                        dynamic.consult(originator, operationBit, target, governed(target), ctx);
                if (outcome.isPresent()) {
                    DynamicAuthorization.Outcome o = outcome.get();
                    AccessDecision again = decide(
                            originator.withTokens(o.tokens()),
                            operationBit,
                            createdType,
                            createdSpecialization,
                            target,
                            false,
                            peerCseNotify,
                            ctx,
                            attributes);
                    d = again.permitted()
                            ? AccessDecision.permit("after DAS consultation: " + again.reason())
                            : AccessDecision.deny(d.reason() + "; " + o.summary());
                    if (!again.permitted() && (o.granted() || !o.tokens().isEmpty())) {
                        dynamic.unavailing(originator, operationBit, target, ctx.receivedAt());
                    }
                }
                if (!d.permitted()) {
                    Optional<AccessDecision> remote =
                            distributed.consult(originator, operationBit, createdType, target, governed(target), ctx);
                    if (remote.isPresent()) {
                        d = remote.get().permitted()
                                ? AccessDecision.permit(
                                        "distributed: " + remote.get().reason())
                                : AccessDecision.deny(
                                        d.reason() + "; " + remote.get().reason());
                    }
                }
            } catch (OneM2mException e) {
                AuditEntry failed = new AuditEntry(
                        originator.normalized(),
                        target.ri(),
                        opName(operationBit),
                        AccessDecision.deny(e.getMessage()),
                        originator.assurance());
                audit.record(failed);
                subjectAccesses.record(failed, target);
                throw e;
            }
        }
        AuditEntry decided =
                new AuditEntry(originator.normalized(), target.ri(), opName(operationBit), d, originator.assurance());
        audit.record(decided);
        subjectAccesses.record(decided, target);
        return d;
    }

    /** The static decision only (no DAS, no audit): for per-child checks in discovery and listings. */
    public AccessDecision decide(
            Originator originator,
            int operationBit,
            Integer createdType,
            Resource target,
            boolean selfPrivileges,
            RequestContext ctx) {
        return decide(originator, operationBit, createdType, null, target, selfPrivileges, false, ctx, null);
    }

    private AccessDecision decide(
            Originator originator,
            int operationBit,
            Integer createdType,
            String specialization,
            Resource target,
            boolean selfPrivileges,
            boolean peerCseNotify,
            RequestContext ctx,
            Set<String> attributes) {
        Resource governed = governed(target);
        AccessRequest request = new AccessRequest(
                originator.normalized(),
                originator.authenticated(),
                operationBit,
                createdType,
                specialization,
                target.type().code(),
                originator.tokens().isEmpty() ? Set.of() : targetIds(target, governed), // only tokens need them
                ctx.peerAddress(),
                ctx.receivedAt(),
                originator.roles(),
                attributes,
                originator.assurance());
        GoverningPolicy policy = governing(governed, selfPrivileges, originator);
        return decider.decide(
                request, peerCseNotify ? new GoverningPolicy.PeerCseNotify(true, policy) : policy, originator.tokens());
    }

    /** The decision against the given ACPs only (a PDP judging a target that lives elsewhere). */
    AccessDecision decideAgainst(
            List<String> acpIds, Originator originator, int operationBit, Integer createdType, RequestContext ctx) {
        List<GoverningPolicy.NamedRules> rules = new ArrayList<>();
        for (String id : acpIds) {
            repository
                    .findById(id)
                    .filter(r -> r.type() == ResourceType.ACCESS_CONTROL_POLICY)
                    .ifPresent(acp -> rules.add(new GoverningPolicy.NamedRules(
                            acp.ri(), rulesOf(acp).privileges())));
        }
        AccessRequest request = new AccessRequest(
                originator.normalized(),
                originator.authenticated(),
                operationBit,
                createdType,
                null,
                null,
                Set.of(),
                ctx.peerAddress(),
                ctx.receivedAt(),
                originator.roles(),
                null,
                originator.assurance());
        return decider.decide(request, new GoverningPolicy.Rules(rules), originator.tokens());
    }

    /** The decision against rules fetched from a policy point (PRP). */
    AccessDecision decideRules(
            List<GoverningPolicy.NamedRules> rules,
            Originator originator,
            int operationBit,
            Integer createdType,
            Resource target,
            RequestContext ctx) {
        Resource governed = governed(target);
        AccessRequest request = new AccessRequest(
                originator.normalized(),
                originator.authenticated(),
                operationBit,
                createdType,
                null,
                target.type().code(),
                targetIds(target, governed),
                ctx.peerAddress(),
                ctx.receivedAt(),
                originator.roles(),
                null,
                originator.assurance());
        return decider.decide(request, new GoverningPolicy.Rules(rules), originator.tokens());
    }

    private Set<String> targetIds(Resource target, Resource governed) {
        Set<String> out = new java.util.HashSet<>(8);
        for (Resource r : target == governed ? List.of(target) : List.of(target, governed)) {
            out.add(r.ri());
            out.add(settings.cseId() + "/" + r.ri());
            out.add(r.path());
            out.add(settings.cseId() + "/" + r.path());
        }
        return out;
    }

    /** The resource whose policy governs the target: a contentInstance is governed by its container. */
    Resource governed(Resource target) {
        Resource governed = target;
        while (governed.type() == ResourceType.CONTENT_INSTANCE) {
            Optional<Resource> parent = repository.findById(governed.parentId());
            if (parent.isEmpty()) {
                return governed;
            }
            governed = parent.get();
        }
        return governed;
    }

    private GoverningPolicy governing(Resource governed, boolean selfPrivileges, Originator originator) {
        GoverningPolicy base = staticPolicy(governed, selfPrivileges, originator);
        if (selfPrivileges) {
            return base;
        }
        List<GoverningPolicy.NamedRules> grants = new ArrayList<>();
        for (String acpId : dynamic.grantsFor(governed.ri())) {
            repository
                    .findById(acpId)
                    .filter(r -> r.type() == ResourceType.ACCESS_CONTROL_POLICY)
                    .ifPresent(acp -> grants.add(new GoverningPolicy.NamedRules(
                            acp.ri(), rulesOf(acp).privileges())));
        }
        return grants.isEmpty() ? base : new GoverningPolicy.WithGrants(base, grants);
    }

    private GoverningPolicy staticPolicy(Resource governed, boolean selfPrivileges, Originator originator) {
        if (governed.type() == ResourceType.CONTENT_INSTANCE) {
            return new GoverningPolicy.AdministratorOnly(); // orphan: its container is gone
        }
        if (governed.type() == ResourceType.ACCESS_CONTROL_POLICY) {
            return new GoverningPolicy.Rules(List.of(new GoverningPolicy.NamedRules(
                    governed.ri(), rulesOf(governed).selfPrivileges())));
        }
        if (governed.type() == ResourceType.CSE_BASE) {
            return new GoverningPolicy.CseBaseDefault(originator.registered());
        }
        if (!(governed.get("acpi") instanceof List<?> acpi) || acpi.isEmpty()) {
            // Rel-4 custodian: when set, it replaces the creator in the default policy
            return new GoverningPolicy.CreatorOnly(
                    governed.get("cstn") instanceof String custodian ? ids.normalize(custodian) : governed.creator());
        }
        List<GoverningPolicy.NamedRules> rules = new ArrayList<>();
        for (Object id : acpi) {
            repository
                    .findById(String.valueOf(id))
                    .filter(r -> r.type() == ResourceType.ACCESS_CONTROL_POLICY)
                    .ifPresent(acp -> {
                        ParsedAcp p = rulesOf(acp);
                        rules.add(new GoverningPolicy.NamedRules(
                                acp.ri(), selfPrivileges ? p.selfPrivileges() : p.privileges()));
                    });
        }
        return new GoverningPolicy.Rules(rules);
    }

    /** An acor entry naming a local {@code <group>} matches its members ({@code mid}). */
    private boolean isGroupMember(String acorEntry, String originator) {
        String prefix = settings.cseId() + "/";
        if (!acorEntry.startsWith(prefix)) {
            return false;
        }
        String ri = acorEntry.substring(prefix.length());
        if (ri.isEmpty() || ri.indexOf('/') >= 0) {
            return false;
        }
        return repository
                .findById(ri)
                .filter(r -> r.type() == ResourceType.GROUP)
                .map(g -> g.get("mid") instanceof List<?> mid
                        && mid.stream()
                                .anyMatch(m -> ids.normalize(String.valueOf(m)).equals(originator)))
                .orElse(false);
    }

    /** Parses an ACP's rules once per stored version instead of on every request. */
    private ParsedAcp rulesOf(Resource acp) {
        ParsedAcp cached = parsed.get(acp.ri());
        if (cached != null && cached.source() == acp) {
            return cached;
        }
        ParsedAcp fresh = new ParsedAcp(
                acp, AccessControlRule.parseSet(acp.get("pv"), ids), AccessControlRule.parseSet(acp.get("pvs"), ids));
        if (parsed.size() >= 10_000) {
            parsed.clear();
        }
        parsed.put(acp.ri(), fresh);
        return fresh;
    }

    private static String opName(int bit) {
        return switch (bit) {
            case 1 -> "CREATE";
            case 2 -> "RETRIEVE";
            case 4 -> "UPDATE";
            case 8 -> "DELETE";
            case 16 -> "NOTIFY";
            default -> "DISCOVERY";
        };
    }
}
