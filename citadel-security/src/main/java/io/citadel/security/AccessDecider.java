package io.citadel.security;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The single place where access is decided (TS-0003 §7.1.4/7.1.5): permit-overrides across the governing
 * rules and the permissions of the originator's valid tokens, deny by default. Any rule element that
 * cannot be evaluated (defective rule, unknown peer address or location, unauthenticated originator for
 * {@code acaf}) makes that rule FALSE, never TRUE.
 */
public final class AccessDecider {
    private final String administrator;
    private final String ownSpId;
    private final LocationSource locations;
    private final GroupMembership groups;

    /** @param administrator the normalised admin originator, who is always permitted */
    public AccessDecider(String administrator) {
        this(administrator, null, LocationSource.UNKNOWN, GroupMembership.NONE);
    }

    /**
     * @param ownSpId this CSE's M2M-SP-ID: an {@code acor} entry naming it matches every SP-relative originator
     * @param locations where originators are, for {@code aclr}
     * @param groups group membership, for {@code acor} entries that name a {@code <group>}
     */
    public AccessDecider(String administrator, String ownSpId, LocationSource locations, GroupMembership groups) {
        this.administrator = administrator;
        this.ownSpId = ownSpId;
        this.locations = locations;
        this.groups = groups;
    }

    public AccessDecision decide(AccessRequest request, GoverningPolicy policy) {
        return decide(request, policy, List.of());
    }

    /** @param tokens tokens already verified for this originator; expired ones are ignored here too */
    public AccessDecision decide(AccessRequest request, GoverningPolicy policy, List<AccessToken> tokens) {
        if (policy instanceof GoverningPolicy.Registration r) {
            for (String pattern : r.allowedStems()) {
                if (WildcardMatcher.matches(pattern, r.requestedStem())) {
                    return AccessDecision.permit("registration allowed by pattern " + pattern);
                }
            }
            return AccessDecision.deny("AE-ID-Stem " + r.requestedStem() + " may not register here");
        }
        if (request.originator() == null || request.originator().isEmpty()) {
            return AccessDecision.deny("no originator");
        }
        if (policy instanceof GoverningPolicy.OwnerOnly o) { // before the administrator: not even it may use it
            return o.owner() != null && o.owner().equals(request.originator())
                    ? AccessDecision.permit("owner of " + o.what())
                    : AccessDecision.deny("only " + o.owner() + " may use its " + o.what());
        }
        if (policy instanceof GoverningPolicy.PeerCseNotify n && n.originatorIsCse() && request.operationBit() == 16) {
            return AccessDecision.permit("a CSE notifying an entity it reaches");
        }
        if (request.originator().equals(administrator)) {
            return AccessDecision.permit("administrator");
        }
        List<AccessToken> valid = tokens.stream()
                .filter(t -> request.time() == null || t.validAt(request.time()))
                .toList();
        AccessRequest withRoles = withTokenRoles(request, valid);
        AccessDecision byPolicy = decidePolicy(withRoles, policy);
        if (byPolicy.permitted() || valid.isEmpty()) {
            return byPolicy;
        }
        Evaluation eval = new Evaluation(withRoles);
        for (AccessToken token : valid) {
            List<TokenPermission> pms = token.permissions();
            for (int p = 0; p < pms.size(); p++) {
                TokenPermission pm = pms.get(p);
                if (pm.rules().isEmpty() || !pm.appliesTo(request.targetIds())) {
                    continue;
                }
                for (int i = 0; i < pm.rules().size(); i++) {
                    if (eval.matches(pm.rules().get(i))) {
                        return AccessDecision.permit("token " + token.tokenId() + " permission " + p + " rule " + i);
                    }
                }
            }
        }
        return AccessDecision.deny(byPolicy.reason() + "; no permission of the presented tokens grants it either");
    }

    private static AccessRequest withTokenRoles(AccessRequest request, List<AccessToken> tokens) {
        Set<String> roles = null;
        for (AccessToken token : tokens) {
            for (TokenPermission pm : token.permissions()) {
                if (!pm.roleIds().isEmpty() && (pm.resourceIds().isEmpty() || pm.appliesTo(request.targetIds()))) {
                    if (roles == null) {
                        roles = new HashSet<>(request.roles());
                    }
                    roles.addAll(pm.roleIds());
                }
            }
        }
        return roles == null
                ? request
                : new AccessRequest(
                        request.originator(),
                        request.authenticated(),
                        request.operationBit(),
                        request.createdType(),
                        request.createdSpecialization(),
                        request.targetType(),
                        request.targetIds(),
                        request.peerAddress(),
                        request.time(),
                        roles,
                        request.attributes(),
                        request.assurance());
    }

    private AccessDecision decidePolicy(AccessRequest request, GoverningPolicy policy) {
        if (policy instanceof GoverningPolicy.PeerCseNotify n) {
            return decidePolicy(request, n.otherwise());
        }
        if (policy instanceof GoverningPolicy.WithGrants g) {
            AccessDecision base = decidePolicy(request, g.base());
            if (base.permitted() || g.grants().isEmpty()) {
                return base;
            }
            AccessDecision granted = decideRules(request, g.grants());
            return granted.permitted() ? AccessDecision.permit("dynamic grant: " + granted.reason()) : base;
        }
        if (policy instanceof GoverningPolicy.CreatorOnly c) {
            return c.creator() != null && c.creator().equals(request.originator())
                    ? AccessDecision.permit("creator (resource has no acpi)")
                    : AccessDecision.deny("resource has no acpi and originator is not its creator");
        }
        if (policy instanceof GoverningPolicy.Rules r) {
            return decideRules(request, r.policies());
        }
        if (policy instanceof GoverningPolicy.CseBaseDefault cb
                && cb.originatorRegistered()
                && (request.operationBit() == 2 || request.operationBit() == 32)) {
            return AccessDecision.permit("registered entity reading the CSEBase");
        }
        return AccessDecision.deny("only the administrator may access this resource");
    }

    private AccessDecision decideRules(AccessRequest request, List<GoverningPolicy.NamedRules> policies) {
        if (policies.isEmpty()) {
            return AccessDecision.deny("no access control policy applies");
        }
        Evaluation eval = new Evaluation(request);
        for (GoverningPolicy.NamedRules acp : policies) {
            List<AccessControlRule> rules = acp.rules();
            for (int i = 0; i < rules.size(); i++) {
                if (eval.matches(rules.get(i))) {
                    return AccessDecision.permit("ACP " + acp.acpId() + " rule " + i);
                }
            }
        }
        return AccessDecision.deny("no rule of the applicable policies grants this operation");
    }

    /** Evaluates rules for one request; looks the location up at most once, and only if a rule needs it. */
    private final class Evaluation {
        private final AccessRequest request;
        private Optional<GeoLocation> location;
        private final Supplier<Optional<GeoLocation>> locationOnce = this::location;

        Evaluation(AccessRequest request) {
            this.request = request;
        }

        private Optional<GeoLocation> location() {
            if (location == null) {
                Optional<GeoLocation> found;
                try {
                    found = locations.locate(request.originator(), request.peerAddress());
                } catch (RuntimeException e) {
                    found = Optional.empty(); // a failing location source means "unknown": fail closed
                }
                location = found == null ? Optional.empty() : found;
            }
            return location;
        }

        boolean matches(AccessControlRule rule) {
            if (rule.defect() != null || (rule.operations() & request.operationBit()) == 0) {
                return false;
            }
            if (rule.authenticationRequired() && !request.authenticated()) {
                return false;
            }
            if (rule.attributes() != null
                    && (request.attributes() == null || !rule.attributes().containsAll(request.attributes()))) {
                return false; // Rel-4 aca: only requests that stay within the listed attributes
            }
            if (!originatorMatches(rule.originators())) {
                return false;
            }
            if (!rule.contexts().isEmpty() && rule.contexts().stream().noneMatch(c -> c.holds(request, locationOnce))) {
                return false;
            }
            return rule.objectDetails().isEmpty()
                    || request.createdType() == null
                    || rule.objectDetails().stream().anyMatch(od -> od.permits(request));
        }

        private boolean originatorMatches(List<String> acor) {
            String originator = request.originator();
            for (String entry : acor) {
                if (entry.equals("all")) {
                    return true;
                }
                if (entry.indexOf('@') >= 0) {
                    if (request.roles().contains(entry)) {
                        return true;
                    }
                } else if (isSpDomain(entry)) {
                    if (originator.startsWith(entry + "/")
                            || (entry.equals(ownSpId) && originator.startsWith("/") && !originator.startsWith("//"))) {
                        return true;
                    }
                } else if (WildcardMatcher.matches(entry, originator)) {
                    return true;
                } else if (entry.indexOf('*') < 0 && groups.isMember(entry, originator)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** An M2M-SP-ID such as {@code //sp.example}: two slashes and no further one. */
    private static boolean isSpDomain(String entry) {
        return entry.startsWith("//") && entry.indexOf('/', 2) < 0;
    }
}
