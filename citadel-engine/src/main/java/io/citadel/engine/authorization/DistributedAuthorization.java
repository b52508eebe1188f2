package io.citadel.engine.authorization;

import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.Addressing;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.engine.resources.Target;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import io.citadel.security.AccessControlRule;
import io.citadel.security.AccessDecision;
import io.citadel.security.AccessToken;
import io.citadel.security.GoverningPolicy;
import io.citadel.security.OriginatorIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Distributed authorization (TS-0003 §7.5). This CSE can be
 * <ul>
 * <li>a <b>PDP</b>, <b>PRP</b> and <b>PIP</b>: an UPDATE of an {@code <authorizationDecision>} (35),
 * {@code <authorizationPolicy>} (36) or {@code <authorizationInformation>} (37) carrying request attributes
 * runs the bound procedure and answers in the UPDATE response; nothing of the request is stored;</li>
 * <li>a <b>PEP</b>: when an ACP governing the target has no {@code pv} but {@code adri} (decision points)
 * or {@code apri} (policy points), and {@code airi} (information points) for roles, it asks them in order,
 * moving on when one answers NOT_APPLICABLE, and denies when none permits or none answers.</li>
 * </ul>
 * The binding of a PDP/PRP to its policies is left open by TS-0003; Citadel's (see docs/decisions.md): a
 * target on this CSE is judged by its own policy; any other target by the ACPs the point names in labels
 * {@code citadel:policy:<acp-ri>}.
 */
public final class DistributedAuthorization {
    static final String POLICY_LABEL = "citadel:policy:";
    private static final int OK = 1;
    private static final int NOT_APPLICABLE = 2;
    private static final int MISSING_ATTRIBUTE = 3;
    private static final int SYNTAX_ERROR = 4;
    private static final int PROCESSING_ERROR = 5;

    private final CseSettings settings;
    private final ResourceRepository repository;
    private final Addressing addressing;
    private final OriginatorIds ids;
    private final SecurityOptions security;
    private final TokenService tokens;
    private final RoleDirectory roles;
    private AccessControl access;

    public DistributedAuthorization(
            CseSettings settings,
            ResourceRepository repository,
            Addressing addressing,
            OriginatorIds ids,
            SecurityOptions security,
            TokenService tokens,
            RoleDirectory roles) {
        this.settings = settings;
        this.repository = repository;
        this.addressing = addressing;
        this.ids = ids;
        this.security = security;
        this.tokens = tokens;
        this.roles = roles;
    }

    void bind(AccessControl accessControl) {
        this.access = accessControl;
    }

    public static boolean isAuthorizationPoint(ResourceType type) {
        return type == ResourceType.AUTHORIZATION_DECISION
                || type == ResourceType.AUTHORIZATION_POLICY
                || type == ResourceType.AUTHORIZATION_INFORMATION;
    }

    // ---------------------------------------------------------------- PDP / PRP / PIP

    /** Runs the procedure bound to {@code point} for the request attributes; returns the point with its results. */
    public Map<String, Object> invoke(Resource point, Map<String, Object> request, Instant now) {
        Map<String, Object> result = new LinkedHashMap<>(point.attributes());
        switch (point.type()) {
            case AUTHORIZATION_DECISION -> result.putAll(decide(point, request, now));
            case AUTHORIZATION_POLICY -> result.putAll(policies(point, request));
            case AUTHORIZATION_INFORMATION -> result.putAll(information(request, now));
            default -> throw new IllegalStateException("not an authorization point: " + point.type());
        }
        return Map.of(point.type().jsonKey(), result);
    }

    private Map<String, Object> decide(Resource point, Map<String, Object> req, Instant now) {
        if (!(req.get("to") instanceof String to)
                || !(req.get("fr") instanceof String fr)
                || !(req.get("op") instanceof Number op)) {
            return Map.of("dec", 2L, "sus", (long) MISSING_ATTRIBUTE);
        }
        String originator = ids.normalize(fr);
        List<AccessToken> presented = new ArrayList<>();
        if (req.get("tkns") instanceof List<?> jwts) {
            RequestPrimitive carrier = RequestPrimitive.builder(Operation.RETRIEVE, to)
                    .tokens(jwts.stream().map(String::valueOf).toList())
                    .build();
            try {
                presented.addAll(tokens.admit(carrier, originator, now).tokens());
            } catch (OneM2mException e) {
                return Map.of("dec", 2L, "sus", (long) SYNTAX_ERROR);
            }
        }
        Set<String> held = roles.validRoles(strings(req.get("rids")), originator, now);
        Instant time =
                req.get("rtm") instanceof String rtm ? Timestamps.parse(rtm).orElse(now) : now;
        String peer = req.get("oip") instanceof Map<?, ?> oip
                ? String.valueOf(oip.get("ip4") != null ? oip.get("ip4") : oip.get("ip6"))
                : null;
        Originator who = new Originator(fr, originator, false, false, presented, false, held);
        RequestContext ctx = new RequestContext(peer, null, false, time);
        int bit = operationBit(op.intValue(), req.get("fu"));
        Integer createdType = req.get("rrt") instanceof Number n ? n.intValue() : null;
        Optional<Resource> local = resolveLocal(to);
        AccessDecision d;
        if (local.isPresent()) {
            d = access.decide(who, bit, createdType, local.get(), false, ctx);
        } else {
            List<String> policyIds = labelledPolicies(point);
            if (policyIds.isEmpty()) {
                return Map.of("dec", 2L, "sus", (long) NOT_APPLICABLE);
            }
            d = access.decideAgainst(policyIds, who, bit, createdType, ctx);
        }
        security.audit().record(originator, to, "PDP", d);
        return Map.of("dec", d.permitted() ? 1L : 2L, "sus", (long) OK);
    }

    private Map<String, Object> policies(Resource point, Map<String, Object> req) {
        if (!(req.get("to") instanceof String to)) {
            return Map.of("sus", (long) NOT_APPLICABLE);
        }
        List<String> acps = resolveLocal(to)
                .map(r -> access.governed(r))
                .map(r -> strings(r.get("acpi")))
                .orElseGet(() -> labelledPolicies(point));
        List<Object> ps = new ArrayList<>();
        for (String id : acps) {
            repository
                    .findById(id)
                    .filter(r -> r.type() == ResourceType.ACCESS_CONTROL_POLICY)
                    .map(r -> r.get("pv"))
                    .ifPresent(ps::add);
        }
        return ps.isEmpty() ? Map.of("sus", (long) NOT_APPLICABLE) : Map.of("ps", ps, "ca", 1L, "sus", (long) OK);
    }

    private Map<String, Object> information(Map<String, Object> req, Instant now) {
        if (!(req.get("fr") instanceof String fr)) {
            return Map.of("sus", (long) NOT_APPLICABLE);
        }
        Set<String> held = roles.validRoles(strings(req.get("rids")), ids.normalize(fr), now);
        return held.isEmpty()
                ? Map.of("sus", (long) NOT_APPLICABLE)
                : Map.of("sus", (long) OK, "rids", List.copyOf(held));
    }

    private Optional<Resource> resolveLocal(String to) {
        try {
            Target t = addressing.resolve(to);
            return t.virtual() == Target.Virtual.NONE && t.attribute() == null
                    ? Optional.of(t.resource())
                    : Optional.empty();
        } catch (OneM2mException e) {
            return Optional.empty();
        }
    }

    private static List<String> labelledPolicies(Resource point) {
        return strings(point.get("lbl")).stream()
                .filter(l -> l.startsWith(POLICY_LABEL))
                .map(l -> l.substring(POLICY_LABEL.length()))
                .toList();
    }

    // ---------------------------------------------------------------- PEP

    /**
     * Asks the decision or policy points named by the ACPs that govern {@code governed}; empty when none of
     * them names any. Unreachable points and NOT_APPLICABLE answers move on to the next; nothing permits → deny.
     */
    Optional<AccessDecision> consult(
            Originator originator,
            int operationBit,
            Integer createdType,
            Resource target,
            Resource governed,
            RequestContext ctx) {
        List<Resource> remoteGoverned = new ArrayList<>();
        for (String id : strings(governed.get("acpi"))) {
            repository
                    .findById(id)
                    .filter(r -> r.type() == ResourceType.ACCESS_CONTROL_POLICY && r.get("pv") == null)
                    .filter(r -> r.get("adri") != null || r.get("apri") != null)
                    .ifPresent(remoteGoverned::add);
        }
        if (remoteGoverned.isEmpty() || originator.normalized().isEmpty()) {
            return Optional.empty();
        }
        List<String> notes = new ArrayList<>();
        for (Resource acp : remoteGoverned) {
            Set<String> held = new HashSet<>(originator.roles());
            for (String pip : strings(acp.get("airi"))) {
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("fr", ids.absolute(originator.normalized()));
                if (!held.isEmpty()) {
                    info.put("rids", List.copyOf(held));
                }
                ask(pip, ResourceType.AUTHORIZATION_INFORMATION, info, notes)
                        .filter(r -> sus(r) == OK)
                        .ifPresent(r -> held.addAll(strings(r.get("rids"))));
            }
            Originator withRoles = new Originator(
                    originator.raw(),
                    originator.normalized(),
                    originator.authenticated(),
                    originator.registered(),
                    originator.tokens(),
                    false,
                    held,
                    originator.assurance());
            for (String pdp : strings(acp.get("adri"))) {
                Map<String, Object> req = new LinkedHashMap<>();
                req.put("to", settings.cseId() + "/" + target.ri());
                req.put("fr", ids.absolute(originator.normalized()));
                req.put("op", (long) Operation.ofPermissionBit(operationBit)
                        .orElse(Operation.RETRIEVE)
                        .code());
                if (operationBit == Operation.DISCOVERY_BIT) {
                    req.put("fu", 1L);
                }
                if (createdType != null) {
                    req.put("rrt", (long) createdType);
                }
                if (!held.isEmpty()) {
                    req.put("rids", List.copyOf(held));
                }
                req.put("rtm", Timestamps.format(ctx.receivedAt()));
                if (ctx.peerIpAddress() != null) {
                    req.put("oip", ctx.peerIpAddress());
                }
                Optional<Map<?, ?>> answer = ask(pdp, ResourceType.AUTHORIZATION_DECISION, req, notes);
                if (answer.isEmpty() || sus(answer.get()) == NOT_APPLICABLE) {
                    continue;
                }
                boolean permit =
                        sus(answer.get()) == OK && answer.get().get("dec") instanceof Number dec && dec.intValue() == 1;
                return Optional.of(
                        permit ? AccessDecision.permit("PDP " + pdp) : AccessDecision.deny("PDP " + pdp + " denied"));
            }
            for (String prp : strings(acp.get("apri"))) {
                Optional<Map<?, ?>> answer = ask(
                        prp,
                        ResourceType.AUTHORIZATION_POLICY,
                        Map.of("to", settings.cseId() + "/" + target.ri()),
                        notes);
                if (answer.isEmpty()
                        || sus(answer.get()) != OK
                        || !(answer.get().get("ps") instanceof List<?> ps)) {
                    continue;
                }
                List<GoverningPolicy.NamedRules> fetched = new ArrayList<>();
                for (Object pv : ps) {
                    fetched.add(new GoverningPolicy.NamedRules("PRP " + prp, AccessControlRule.parseSet(pv, ids)));
                }
                AccessDecision d = access.decideRules(fetched, withRoles, operationBit, createdType, target, ctx);
                return Optional.of(d);
            }
        }
        return Optional.of(AccessDecision.deny(
                notes.isEmpty() ? "no decision or policy point applies" : String.join("; ", notes)));
    }

    private static int sus(Map<?, ?> answer) {
        return answer.get("sus") instanceof Number n ? n.intValue() : PROCESSING_ERROR;
    }

    /** UPDATEs a point on this CSE (directly) or at an http(s) URL (through the outbound port). */
    private Optional<Map<?, ?>> ask(String point, ResourceType type, Map<String, Object> request, List<String> notes) {
        Optional<Resource> local = resolveLocal(point).filter(r -> r.type() == type);
        if (local.isPresent()) {
            Map<String, Object> out = invoke(local.get(), request, Instant.now());
            return Optional.of((Map<?, ?>) out.get(type.jsonKey()));
        }
        if (!point.startsWith("http://") && !point.startsWith("https://")) {
            notes.add(
                    point
                            + " is neither on this CSE nor an http(s) address (forwarding to other CSEs comes with CSE registration)");
            return Optional.empty();
        }
        RequestPrimitive update = RequestPrimitive.builder(Operation.UPDATE, point)
                .from(settings.spId() + settings.cseId())
                .requestId("az-" + UUID.randomUUID())
                .releaseVersion("3")
                .content(Map.of(type.jsonKey(), request))
                .build();
        Duration timeout = security.dasTimeout();
        try {
            ResponsePrimitive rsp = security.outbound()
                    .send(point, update, timeout)
                    .get(timeout.toMillis() + 200, TimeUnit.MILLISECONDS);
            if (rsp.status() != ResponseStatusCode.UPDATED
                    || !(rsp.content() instanceof Map<?, ?> c)
                    || !(c.get(type.jsonKey()) instanceof Map<?, ?> body)) {
                notes.add(point + " answered " + rsp.status().code());
                return Optional.empty();
            }
            return Optional.of(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notes.add("interrupted while asking " + point);
        } catch (Exception e) {
            notes.add(point + " is not reachable or did not answer in time");
        }
        return Optional.empty();
    }

    private static int operationBit(int code, Object filterUsage) {
        return switch (code) {
            case 1 -> 1;
            case 3 -> 4;
            case 4 -> 8;
            case 5 -> 16;
            default -> filterUsage instanceof Number fu && fu.intValue() == 1 ? Operation.DISCOVERY_BIT : 2;
        };
    }

    private static List<String> strings(Object v) {
        return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }
}
