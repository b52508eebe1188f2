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
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;

/**
 * The authorize stage: finds what governs a target in the resource tree and asks the
 * {@link AccessDecider}, the one place where access is decided. Throws 4103 on denial.
 */
final class AccessControl {
    private final CseSettings settings;
    private final ResourceRepository repository;
    private final OriginatorIds ids;
    private final AccessDecider decider;
    private final Map<String, ParsedAcp> parsed = new ConcurrentHashMap<>();

    /** The rules of one version of an ACP; valid while the repository hands out that same instance. */
    private record ParsedAcp(Resource source, List<AccessControlRule> privileges, List<AccessControlRule> selfPrivileges) {
    }

    AccessControl(CseSettings settings, ResourceRepository repository, OriginatorIds ids) {
        this.settings = settings;
        this.repository = repository;
        this.ids = ids;
        this.decider = new AccessDecider(ids.normalize(settings.administrator()));
    }

    OriginatorIds ids() {
        return ids;
    }

    /**
     * Decides, and throws 4103 when denied.
     *
     * @param selfPrivileges true for an UPDATE of {@code acpi}: the current ACPs' selfPrivileges decide
     */
    void require(Originator originator, int operationBit, Integer createdType, Resource target,
                 boolean selfPrivileges, RequestContext ctx) {
        AccessDecision d = decide(originator, operationBit, createdType, target, selfPrivileges, ctx);
        if (!d.permitted()) {
            throw new OneM2mException(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE,
                    "access denied: " + d.reason());
        }
    }

    AccessDecision decide(Originator originator, int operationBit, Integer createdType, Resource target,
                          boolean selfPrivileges, RequestContext ctx) {
        AccessRequest request = new AccessRequest(originator.normalized(), originator.authenticated(), operationBit,
                createdType, target.type().code(), ctx.peerAddress(), ctx.receivedAt());
        return decider.decide(request, governing(target, selfPrivileges, originator));
    }

    /** AE registration: the service-subscription stand-in. */
    void requireRegistrationAllowed(String requestedStem) {
        AccessDecision d = decider.decide(new AccessRequest(requestedStem, false, 1, 2, 5, null, null),
                new GoverningPolicy.Registration(settings.registrationAllowed(), requestedStem));
        if (!d.permitted()) {
            throw new OneM2mException(ResponseStatusCode.APP_RULE_VALIDATION_FAILED, d.reason());
        }
    }

    private GoverningPolicy governing(Resource target, boolean selfPrivileges, Originator originator) {
        Resource governed = target;
        while (governed.type() == ResourceType.CONTENT_INSTANCE) {
            Optional<Resource> parent = repository.findById(governed.parentId());
            if (parent.isEmpty()) {
                return new GoverningPolicy.AdministratorOnly();
            }
            governed = parent.get();
        }
        if (governed.type() == ResourceType.ACCESS_CONTROL_POLICY) {
            return new GoverningPolicy.Rules(List.of(new GoverningPolicy.NamedRules(governed.ri(),
                    rulesOf(governed).selfPrivileges())));
        }
        if (governed.type() == ResourceType.CSE_BASE) {
            return new GoverningPolicy.CseBaseDefault(originator.registered());
        }
        if (!(governed.get("acpi") instanceof List<?> acpi) || acpi.isEmpty()) {
            return new GoverningPolicy.CreatorOnly(governed.creator());
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
}
