package io.citadel.engine;

import io.citadel.engine.resource.Resource;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponseStatusCode;
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
 * The authorize stage: finds what governs a target in the resource tree, asks the {@link AccessDecider}
 * (the one place where access is decided), consults a Dynamic Authorization Server when the static policy
 * denies and the target is linked to one, records the decision in the audit log, and throws 4103 on denial.
 */
final class AccessControl {
    private final CseSettings settings;
    private final ResourceRepository repository;
    private final OriginatorIds ids;
    private final AccessDecider decider;
    private final DynamicAuthorization dynamic;
    private final DistributedAuthorization distributed;
    private final AuditLog audit;
    private final Map<String, ParsedAcp> parsed = new ConcurrentHashMap<>();

    /** The rules of one version of an ACP; valid while the repository hands out that same instance. */
    private record ParsedAcp(Resource source, List<AccessControlRule> privileges, List<AccessControlRule> selfPrivileges) {
    }

    AccessControl(CseSettings settings, ResourceRepository repository, OriginatorIds ids, SecurityOptions security,
                  DynamicAuthorization dynamic, DistributedAuthorization distributed) {
        this.settings = settings;
        this.repository = repository;
        this.ids = ids;
        this.dynamic = dynamic;
        this.distributed = distributed;
        distributed.bind(this);
        this.audit = security.audit();
        this.decider = new AccessDecider(ids.normalize(settings.administrator()), settings.spId(),
                security.locations(), this::isGroupMember);
    }

    OriginatorIds ids() {
        return ids;
    }

    void require(Originator originator, int operationBit, Integer createdType, Resource target,
                 boolean selfPrivileges, RequestContext ctx) {
        require(originator, operationBit, createdType, null, target, selfPrivileges, ctx, null);
    }

    /**
     * Decides (static policy, then dynamic authorization), audits, and throws 4103 when denied.
     *
     * @param createdSpecialization {@code cnd}/{@code mgd} of the resource a CREATE makes, for acod spty
     * @param selfPrivileges true for an UPDATE of {@code acpi}: the current ACPs' selfPrivileges decide
     * @param attributes the attributes the request touches, or null for the whole resource (Rel-4 aca)
     */
    void require(Originator originator, int operationBit, Integer createdType, String createdSpecialization,
                 Resource target, boolean selfPrivileges, RequestContext ctx, Set<String> attributes) {
        AccessDecision d = decide(originator, operationBit, createdType, createdSpecialization, target, selfPrivileges,
                ctx, attributes);
        if (!d.permitted() && !selfPrivileges && target.type() != ResourceType.ACCESS_CONTROL_POLICY) {
            try {
                Optional<DynamicAuthorization.Outcome> outcome = dynamic.consult(originator, operationBit, target,
                        governed(target), ctx);
                if (outcome.isPresent()) {
                    DynamicAuthorization.Outcome o = outcome.get();
                    AccessDecision again = decide(originator.withTokens(o.tokens()), operationBit, createdType,
                            createdSpecialization, target, false, ctx, attributes);
                    d = again.permitted() ? AccessDecision.permit("after DAS consultation: " + again.reason())
                            : AccessDecision.deny(d.reason() + "; " + o.summary());
                }
                if (!d.permitted()) {
                    Optional<AccessDecision> remote = distributed.consult(originator, operationBit, createdType, target,
                            governed(target), ctx);
                    if (remote.isPresent()) {
                        d = remote.get().permitted() ? AccessDecision.permit("distributed: " + remote.get().reason())
                                : AccessDecision.deny(d.reason() + "; " + remote.get().reason());
                    }
                }
            } catch (OneM2mException e) {
                audit.record(originator.normalized(), target.ri(), opName(operationBit), AccessDecision.deny(e.getMessage()));
                throw e;
            }
        }
        audit.record(originator.normalized(), target.ri(), opName(operationBit), d);
        if (!d.permitted()) {
            throw new OneM2mException(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE, "access denied: " + d.reason());
        }
    }

    /** The static decision only (no DAS, no audit): for per-child checks in discovery and listings. */
    AccessDecision decide(Originator originator, int operationBit, Integer createdType, Resource target,
                          boolean selfPrivileges, RequestContext ctx) {
        return decide(originator, operationBit, createdType, null, target, selfPrivileges, ctx, null);
    }

    private AccessDecision decide(Originator originator, int operationBit, Integer createdType, String specialization,
                                  Resource target, boolean selfPrivileges, RequestContext ctx, Set<String> attributes) {
        Resource governed = governed(target);
        AccessRequest request = new AccessRequest(originator.normalized(), originator.authenticated(), operationBit,
                createdType, specialization, target.type().code(),
                originator.tokens().isEmpty() ? Set.of() : targetIds(target, governed), // only tokens need them
                ctx.peerAddress(), ctx.receivedAt(), originator.roles(), attributes);
        return decider.decide(request, governing(governed, selfPrivileges, originator), originator.tokens());
    }

    /** The decision against the given ACPs only (a PDP judging a target that lives elsewhere). */
    AccessDecision decideAgainst(List<String> acpIds, Originator originator, int operationBit, Integer createdType,
                                 RequestContext ctx) {
        List<GoverningPolicy.NamedRules> rules = new ArrayList<>();
        for (String id : acpIds) {
            repository.findById(id).filter(r -> r.type() == ResourceType.ACCESS_CONTROL_POLICY)
                    .ifPresent(acp -> rules.add(new GoverningPolicy.NamedRules(acp.ri(), rulesOf(acp).privileges())));
        }
        AccessRequest request = new AccessRequest(originator.normalized(), originator.authenticated(), operationBit,
                createdType, null, null, Set.of(), ctx.peerAddress(), ctx.receivedAt(), originator.roles());
        return decider.decide(request, new GoverningPolicy.Rules(rules), originator.tokens());
    }

    /** The decision against rules fetched from a policy point (PRP). */
    AccessDecision decideRules(List<GoverningPolicy.NamedRules> rules, Originator originator, int operationBit,
                               Integer createdType, Resource target, RequestContext ctx) {
        Resource governed = governed(target);
        AccessRequest request = new AccessRequest(originator.normalized(), originator.authenticated(), operationBit,
                createdType, null, target.type().code(), targetIds(target, governed), ctx.peerAddress(),
                ctx.receivedAt(), originator.roles());
        return decider.decide(request, new GoverningPolicy.Rules(rules), originator.tokens());
    }

    /** AE registration: the service-subscription stand-in. */
    void requireRegistrationAllowed(String requestedStem) {
        AccessDecision d = decider.decide(AccessRequest.of(requestedStem, false, 1, 2, 5, null, null),
                new GoverningPolicy.Registration(settings.registrationAllowed(), requestedStem));
        if (!d.permitted()) {
            throw new OneM2mException(ResponseStatusCode.APP_RULE_VALIDATION_FAILED, d.reason());
        }
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
            repository.findById(acpId).filter(r -> r.type() == ResourceType.ACCESS_CONTROL_POLICY)
                    .ifPresent(acp -> grants.add(new GoverningPolicy.NamedRules(acp.ri(), rulesOf(acp).privileges())));
        }
        return grants.isEmpty() ? base : new GoverningPolicy.WithGrants(base, grants);
    }

    private GoverningPolicy staticPolicy(Resource governed, boolean selfPrivileges, Originator originator) {
        if (governed.type() == ResourceType.CONTENT_INSTANCE) {
            return new GoverningPolicy.AdministratorOnly(); // orphan: its container is gone
        }
        if (governed.type() == ResourceType.ACCESS_CONTROL_POLICY) {
            return new GoverningPolicy.Rules(List.of(new GoverningPolicy.NamedRules(governed.ri(),
                    rulesOf(governed).selfPrivileges())));
        }
        if (governed.type() == ResourceType.CSE_BASE) {
            return new GoverningPolicy.CseBaseDefault(originator.registered());
        }
        if (!(governed.get("acpi") instanceof List<?> acpi) || acpi.isEmpty()) {
            // Rel-4 custodian: when set, it replaces the creator in the default policy
            return new GoverningPolicy.CreatorOnly(governed.get("cstn") instanceof String custodian
                    ? ids.normalize(custodian) : governed.creator());
        }
        List<GoverningPolicy.NamedRules> rules = new ArrayList<>();
        for (Object id : acpi) {
            repository.findById(String.valueOf(id))
                    .filter(r -> r.type() == ResourceType.ACCESS_CONTROL_POLICY)
                    .ifPresent(acp -> {
                        ParsedAcp p = rulesOf(acp);
                        rules.add(new GoverningPolicy.NamedRules(acp.ri(),
                                selfPrivileges ? p.selfPrivileges() : p.privileges()));
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
        return repository.findById(ri).filter(r -> r.type() == ResourceType.GROUP)
                .map(g -> g.get("mid") instanceof List<?> mid
                        && mid.stream().anyMatch(m -> ids.normalize(String.valueOf(m)).equals(originator)))
                .orElse(false);
    }

    /** Parses an ACP's rules once per stored version instead of on every request. */
    private ParsedAcp rulesOf(Resource acp) {
        ParsedAcp cached = parsed.get(acp.ri());
        if (cached != null && cached.source() == acp) {
            return cached;
        }
        ParsedAcp fresh = new ParsedAcp(acp, AccessControlRule.parseSet(acp.get("pv"), ids),
                AccessControlRule.parseSet(acp.get("pvs"), ids));
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
