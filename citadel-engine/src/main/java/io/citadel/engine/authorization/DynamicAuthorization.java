package io.citadel.engine.authorization;

import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.resources.Ids;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.resources.ResourceRepository;
import io.citadel.engine.resources.Universal;
import io.citadel.engine.resources.Writes;
import io.citadel.engine.store.ResourceStore;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import io.citadel.protocol.schema.ResourceSchema;
import io.citadel.security.AccessControlRule;
import io.citadel.security.AccessToken;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Dynamic authorization (TS-0003 §7.3.2.2 direct, §7.3.2.3 indirect), run when the static policy denies and
 * the target (or an ancestor) links an enabled {@code <dynamicAuthorizationConsultation>} through
 * {@code daci}.
 * <ul>
 * <li>Indirect ({@code tqi=true}): answers 4103 with Token Request Information ({@code m2m:tqf}) naming the
 * DAS and the request to show it; the originator comes back with tokens.</li>
 * <li>Direct: NOTIFY {@code m2m:seci} sit 1 to each {@code dap} in turn, bounded by a timeout and a cap on
 * concurrent consultations; a {@code dai} grant becomes a dynamic {@code <accessControlPolicy>} (pv = gp,
 * et = pl, capped) and returned tokens are verified like presented ones. Any failure denies.</li>
 * </ul>
 * Denials are remembered for a few seconds per (originator, target, operation) so that a client cannot
 * turn the CSE into a request amplifier against the DAS.
 */
public final class DynamicAuthorization {
    private static final System.Logger LOG = System.getLogger("citadel.dynauth");
    private static final String GRANT_LABEL = "citadel:dynamic-grant";
    private static final String GRANT_FOR = "citadel:grant-for:";
    private static final Duration NEGATIVE_CACHE = Duration.ofSeconds(5);
    private static final int MAX_CONCURRENT = 64;

    private final CseSettings settings;
    private final ResourceStore store;
    private final ResourceRepository repository;
    private final ResourceSchema schema;
    private final TokenService tokens;
    private final SecurityOptions security;
    private final io.citadel.security.OriginatorIds ids;
    private final Semaphore inFlight = new Semaphore(MAX_CONCURRENT);
    private final Map<String, Instant> recentDenials = new ConcurrentHashMap<>();
    private volatile Map<String, Set<String>> grants;

    /** What a consultation produced: tokens to add, whether a grant was stored, and a summary for the audit. */
    record Outcome(List<AccessToken> tokens, boolean granted, String summary) {}

    public DynamicAuthorization(
            CseSettings settings,
            ResourceStore store,
            ResourceRepository repository,
            ResourceSchema schema,
            TokenService tokens,
            SecurityOptions security) {
        this.settings = settings;
        this.store = store;
        this.repository = repository;
        this.schema = schema;
        this.tokens = tokens;
        this.security = security;
        this.ids = new io.citadel.security.OriginatorIds(settings.cseId(), settings.spId());
    }

    /** IDs of the dynamic ACPs granted for a resource (may include expired or deleted ones). */
    Set<String> grantsFor(String ri) {
        Map<String, Set<String>> g = grants;
        if (g == null) {
            g = loadGrants();
        }
        return g.getOrDefault(ri, Set.of());
    }

    private synchronized Map<String, Set<String>> loadGrants() {
        if (grants == null) {
            Map<String, Set<String>> index = new ConcurrentHashMap<>();
            repository.findById(settings.cseBaseId()).ifPresent(cb -> {
                for (Resource acp :
                        repository.children(cb, List.of(ResourceType.ACCESS_CONTROL_POLICY.code()), 1_000_000)) {
                    if (acp.get("lbl") instanceof List<?> lbl && lbl.contains(GRANT_LABEL)) {
                        lbl.stream()
                                .map(String::valueOf)
                                .filter(l -> l.startsWith(GRANT_FOR))
                                .forEach(l -> index.computeIfAbsent(
                                                l.substring(GRANT_FOR.length()), k -> ConcurrentHashMap.newKeySet())
                                        .add(acp.ri()));
                    }
                }
            });
            grants = index;
        }
        return grants;
    }

    Optional<Outcome> consult(
            Originator originator, int operationBit, Resource target, Resource governed, RequestContext ctx) {
        if (originator.normalized().isEmpty()) {
            return Optional.empty();
        }
        List<String> daps = consultationPoints(target);
        if (daps.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> dreq = request(originator, operationBit, target, ctx);
        if (originator.tokenRequestIndicator()) {
            List<Object> dasi = new ArrayList<>();
            for (String dap : daps) {
                dasi.add(Map.of("uri", dap, "dreq", dreq));
            }
            throw new OneM2mException(
                    ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE,
                    "access denied; ask a Dynamic Authorization Server for tokens",
                    Map.of("m2m:tqf", Map.of("dasi", dasi)));
        }
        String key = denialKey(originator, operationBit, target);
        Instant deniedAt = recentDenials.get(key);
        if (deniedAt != null && deniedAt.plus(NEGATIVE_CACHE).isAfter(ctx.receivedAt())) {
            return Optional.of(new Outcome(List.of(), false, "the DAS denied this moments ago"));
        }
        if (!inFlight.tryAcquire()) {
            return Optional.of(new Outcome(List.of(), false, "too many DAS consultations in progress"));
        }
        try {
            List<String> failures = new ArrayList<>();
            for (String dap : daps) {
                Optional<Outcome> o = ask(dap, dreq, originator, governed, failures);
                if (o.isPresent()) {
                    if (!o.get().granted() && o.get().tokens().isEmpty()) {
                        remember(key, ctx.receivedAt());
                    }
                    return o;
                }
            }
            remember(key, ctx.receivedAt());
            return Optional.of(new Outcome(List.of(), false, String.join("; ", failures)));
        } finally {
            inFlight.release();
        }
    }

    /** Who asked what, at which level of assurance: a denial at one level says nothing about a higher one. */
    private static String denialKey(Originator originator, int operationBit, Resource target) {
        return originator.normalized() + "\u0000" + target.ri() + "\u0000" + operationBit + "\u0000"
                + (originator.assurance() == null ? "-" : originator.assurance().level());
    }

    /**
     * Remembers that what a DAS granted did not permit the request after all (a grant for a level of assurance the
     * request does not have, say), so that the next identical request does not ask again for {@code NEGATIVE_CACHE}.
     */
    void unavailing(Originator originator, int operationBit, Resource target, Instant when) {
        remember(denialKey(originator, operationBit, target), when);
    }

    private void remember(String key, Instant when) {
        if (recentDenials.size() > 100_000) {
            recentDenials.clear();
        }
        recentDenials.put(key, when);
    }

    /** {@code dap} URIs of the first enabled consultation linked from the target or its nearest ancestor. */
    private List<String> consultationPoints(Resource target) {
        Resource r = target;
        for (int depth = 0; r != null && depth < 64; depth++) {
            if (r.get("daci") instanceof List<?> daci) {
                for (Object id : daci) {
                    Optional<Resource> dac = repository
                            .findById(String.valueOf(id))
                            .filter(d -> d.type() == ResourceType.DYNAMIC_AUTHORIZATION_CONSULTATION)
                            .filter(d -> Boolean.TRUE.equals(d.get("dae")));
                    if (dac.isPresent() && dac.get().get("dap") instanceof List<?> dap && !dap.isEmpty()) {
                        return dap.stream().map(String::valueOf).toList();
                    }
                }
            }
            if (r.type() == ResourceType.CSE_BASE) {
                break;
            }
            r = repository.findById(r.parentId()).orElse(null);
        }
        return List.of();
    }

    private Map<String, Object> request(Originator originator, int operationBit, Resource target, RequestContext ctx) {
        Map<String, Object> dreq = new LinkedHashMap<>();
        dreq.put("or", ids.absolute(originator.normalized()));
        dreq.put("trt", (long) target.type().code());
        dreq.put("op", (long) Operation.ofPermissionBit(operationBit)
                .orElse(Operation.RETRIEVE)
                .code());
        dreq.put("trid", settings.cseId() + "/" + target.ri());
        if (ctx.peerIpAddress() != null) {
            dreq.put("oip", ctx.peerIpAddress());
        }
        dreq.put("rts", Timestamps.format(ctx.receivedAt()));
        if (originator.assurance() != null) { // a Citadel extension: lets a DAS refuse early what the CSE would
            dreq.put("loa", (long) originator.assurance().level());
        }
        return dreq;
    }

    private Optional<Outcome> ask(
            String dap, Map<String, Object> dreq, Originator originator, Resource governed, List<String> failures) {
        RequestPrimitive notify = RequestPrimitive.builder(Operation.NOTIFY, dap)
                .from(settings.spId() + settings.cseId())
                .requestId("dyn-" + UUID.randomUUID())
                .releaseVersion("3")
                .content(Map.of("m2m:seci", Map.of("sit", 1L, "dreq", dreq)))
                .build();
        ResponsePrimitive rsp;
        Duration timeout = security.dasTimeout();
        try {
            rsp = security.outbound().send(dap, notify, timeout).get(timeout.toMillis() + 200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            failures.add("DAS " + dap + " did not answer within " + timeout.toMillis() + " ms");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add("interrupted while consulting the DAS");
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                failures.add("DAS " + dap + " did not answer within " + timeout.toMillis() + " ms");
                return Optional.empty();
            }
            failures.add("DAS " + dap + " is not reachable");
            LOG.log(
                    Level.WARNING,
                    "DAS " + dap + " not reachable: " + e.getCause().getClass().getSimpleName());
            return Optional.empty();
        } catch (RuntimeException e) {
            failures.add("DAS " + dap + " is not reachable");
            LOG.log(
                    Level.WARNING,
                    "DAS " + dap + " not reachable: " + e.getClass().getSimpleName());
            return Optional.empty();
        }
        if (rsp.status() != ResponseStatusCode.OK
                || !(rsp.content() instanceof Map<?, ?> c)
                || !(c.get("m2m:seci") instanceof Map<?, ?> seci)
                || !isSit(seci.get("sit"), 2)) {
            failures.add(
                    "DAS " + dap + " answered " + rsp.status().code() + " without a dynamic authorization response");
            return Optional.empty();
        }
        Map<?, ?> dres = seci.get("dres") instanceof Map<?, ?> m ? m : Map.of();
        boolean granted = false;
        List<String> notes = new ArrayList<>();
        if (dres.get("dai") instanceof Map<?, ?> dai) {
            try {
                storeGrant(dai, governed, dap, originator);
                granted = true;
            } catch (OneM2mException e) {
                notes.add("grant of " + dap + " refused: " + e.getMessage());
            }
        }
        List<AccessToken> accepted = new ArrayList<>();
        if (dres.get("tkns") instanceof List<?> list) {
            for (Object t : list) {
                try {
                    accepted.add(tokens.admitFromDas(String.valueOf(t), originator.normalized(), Instant.now(), null));
                } catch (OneM2mException e) {
                    notes.add(e.getMessage());
                }
            }
        }
        String summary = granted || !accepted.isEmpty()
                ? "DAS " + dap + " granted privileges"
                : notes.isEmpty() ? "DAS " + dap + " denied" : String.join("; ", notes);
        return Optional.of(new Outcome(accepted, granted, summary));
    }

    /** Whether every context of {@code rule} asks for a level of assurance {@code originator} does not have. */
    private static boolean beyondLevel(AccessControlRule rule, Originator originator) {
        return !rule.contexts().isEmpty()
                && rule.contexts().stream()
                        .allMatch(c -> c.minimumAssurance() != null
                                && (originator.assurance() == null
                                        || !originator.assurance().satisfies(c.minimumAssurance())));
    }

    private static boolean isSit(Object v, int expected) {
        return v instanceof Number n
                ? n.intValue() == expected
                : String.valueOf(expected).equals(v);
    }

    /** Stores the DAS grant as an ACP under the CSEBase and indexes it for the governed resource. */
    private void storeGrant(Map<?, ?> dai, Resource governed, String dap, Originator originator) {
        Instant now = Instant.now();
        Instant until = now.plus(security.maxGrantLifetime());
        if (dai.get("pl") instanceof String pl) {
            Instant proposed = Timestamps.parseAbsRel(pl, now)
                    .orElseThrow(() -> OneM2mException.badRequest("privileges lifetime is not a timestamp"));
            if (!proposed.isAfter(now)) {
                throw OneM2mException.badRequest("privileges lifetime is in the past");
            }
            until = proposed.isBefore(until) ? proposed : until;
        }
        Map<String, Object> requested = new LinkedHashMap<>();
        requested.put("pv", dai.get("gp"));
        requested.put("pvs", Map.of("acr", List.of(Map.of("acor", List.of(settings.cseId()), "acop", 14L))));
        Map<String, Object> attrs =
                schema.validate(ResourceType.ACCESS_CONTROL_POLICY, Operation.CREATE, requested, false);
        List<AccessControlRule> rules = AccessControlRule.parseSet(attrs.get("pv"), ids);
        AccessControlRule.firstDefect(rules).ifPresent(d -> {
            throw OneM2mException.badRequest(d);
        });
        if (!rules.isEmpty() && rules.stream().allMatch(r -> beyondLevel(r, originator))) {
            throw OneM2mException.badRequest(
                    "it asks for a level of assurance this request does not have; nothing stored");
        }
        String ri = Ids.next("acp");
        String rn = "dynacp-" + ri;
        Map<String, Object> all =
                Universal.attributes(ResourceType.ACCESS_CONTROL_POLICY, ri, rn, settings.cseBaseId(), now);
        all.put("et", Timestamps.format(until));
        all.put("lbl", List.of(GRANT_LABEL, GRANT_FOR + governed.ri()));
        all.putAll(attrs);
        Writes.await(store.write(tx -> {
            Resource base = tx.findById(settings.cseBaseId()).orElseThrow();
            tx.insert(new Resource(
                    ri,
                    ResourceType.ACCESS_CONTROL_POLICY,
                    base.ri(),
                    rn,
                    base.path() + "/" + rn,
                    tx.nextSequence(),
                    settings.cseId(),
                    all));
            return null;
        }));
        grantsFor(governed.ri());
        grants.computeIfAbsent(governed.ri(), k -> ConcurrentHashMap.newKeySet())
                .add(ri);
        LOG.log(
                Level.INFO,
                "DAS " + dap + " granted dynamic ACP " + ri + " for " + governed.ri() + " until " + all.get("et"));
    }
}
