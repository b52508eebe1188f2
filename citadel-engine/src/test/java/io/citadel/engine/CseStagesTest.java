package io.citadel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.authorization.AuditLog;
import io.citadel.engine.authorization.SecurityOptions;
import io.citadel.engine.pipeline.AuthorizeStage;
import io.citadel.engine.pipeline.Facts;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.pipeline.Stage;
import io.citadel.engine.pipeline.StageNames;
import io.citadel.engine.store.memory.InMemoryResourceStore;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.security.AccessDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's request pipeline, in process on the in-memory store: the standard stages in their order, and stages
 * added by a caller through {@link CseBuilder#stages} alone (neither {@link Cse} nor a binding changes).
 */
public class CseStagesTest {
    private static final String ADMIN = "CAdminStages";
    private static final CseSettings SETTINGS =
            new CseSettings("/id-in", "cse-in", "//citadel.example", 1, ADMIN, List.of("C*"), List.of(), 100);
    private final List<Cse> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Cse::close);
    }

    private Cse start(CseBuilder builder) {
        Cse cse = builder.build();
        started.add(cse);
        return cse;
    }

    private static RequestPrimitive retrieve(String from, String to, String rqi) {
        return RequestPrimitive.builder(Operation.RETRIEVE, to)
                .from(from)
                .requestId(rqi)
                .releaseVersion("3")
                .build();
    }

    private static RequestPrimitive registerAe(String from, String rqi) {
        return RequestPrimitive.builder(Operation.CREATE, "/id-in/cse-in")
                .from(from)
                .requestId(rqi)
                .releaseVersion("3")
                .resourceType(ResourceType.AE.code())
                .content(Map.of("m2m:ae", Map.of("api", "Nstages", "rr", false, "srv", List.of("3"))))
                .build();
    }

    @Test
    void a_rate_limit_stage_added_in_front_of_validation_refuses_the_third_request_of_one_originator_only() {
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        Stage rateLimit = (exchange, next) -> {
            String from = String.valueOf(exchange.request().from());
            if (counts.computeIfAbsent(from, f -> new AtomicInteger()).incrementAndGet() > 2) {
                throw new OneM2mException(ResponseStatusCode.OPERATION_DENIED_BY_REMOTE_ENTITY, "slow down");
            }
            return next.proceed(exchange);
        };
        Cse cse = start(Cse.builder(SETTINGS, new InMemoryResourceStore())
                .stages(p -> p.before(StageNames.VALIDATE, "rate-limit", rateLimit)));

        assertThat(cse.handle(retrieve(ADMIN, "/id-in/cse-in", "1"), RequestContext.local())
                        .status())
                .isEqualTo(ResponseStatusCode.OK);
        assertThat(cse.handle(retrieve(ADMIN, "/id-in/cse-in", "2"), RequestContext.local())
                        .status())
                .isEqualTo(ResponseStatusCode.OK);
        ResponsePrimitive third = cse.handle(retrieve(ADMIN, "/id-in/cse-in", "3"), RequestContext.local());
        assertThat(third.status()).isEqualTo(ResponseStatusCode.OPERATION_DENIED_BY_REMOTE_ENTITY);
        assertThat(third.content()).isEqualTo(Map.of("m2m:dbg", "slow down"));
        assertThat(cse.handle(retrieve("Cother", "/id-in/cse-in", "4"), RequestContext.local())
                        .status())
                .as("another originator is not slowed down")
                .isNotEqualTo(ResponseStatusCode.OPERATION_DENIED_BY_REMOTE_ENTITY);
        assertThat(cse.stageNames()).startsWith("rate-limit", StageNames.VALIDATE);
    }

    @Test
    void an_unwrap_stage_before_validation_replaces_the_request_and_wraps_every_answer_refusals_included() {
        Stage unwrap = (exchange, next) -> {
            RequestPrimitive wrapped = exchange.request();
            if (wrapped.content() instanceof Map<?, ?> c && c.get("inner") instanceof RequestPrimitive inner) {
                exchange.replaceRequest(inner);
            }
            ResponsePrimitive answer = next.proceed(exchange);
            return new ResponsePrimitive(
                    answer.status(),
                    wrapped.requestId(),
                    wrapped.releaseVersion(),
                    Map.of("wrapped", answer.status().code()),
                    null,
                    null);
        };
        Cse cse = start(Cse.builder(SETTINGS, new InMemoryResourceStore())
                .stages(p -> p.before(StageNames.VALIDATE, "unwrap", unwrap)));
        RequestPrimitive inner = retrieve(ADMIN, "/id-in/cse-in", "inner");
        RequestPrimitive outer = RequestPrimitive.builder(Operation.NOTIFY, "/id-in/cse-in")
                .from(ADMIN)
                .requestId("outer")
                .releaseVersion("3")
                .content(Map.of("inner", inner))
                .build();

        ResponsePrimitive answer = cse.handle(outer, RequestContext.local());
        ResponsePrimitive refused =
                cse.handle(retrieve(ADMIN, "/id-in/cse-in/nothing-here", "x"), RequestContext.local());

        assertThat(answer.requestId()).isEqualTo("outer");
        assertThat(answer.content()).isEqualTo(Map.of("wrapped", 2000));
        assertThat(refused.content()).isEqualTo(Map.of("wrapped", 4004));
    }

    @Test
    void a_stage_after_identify_sees_the_normalised_originator_and_one_before_operate_sees_the_access_decision() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Stage metrics = (exchange, next) -> {
            seen.add(exchange.get(Facts.ORIGINATOR_ID));
            return next.proceed(exchange);
        };
        Stage decisions = (exchange, next) -> {
            seen.add(exchange.find(AuthorizeStage.DECISION)
                    .map(AccessDecision::reason)
                    .orElse("none"));
            return next.proceed(exchange);
        };
        Cse cse = start(Cse.builder(SETTINGS, new InMemoryResourceStore())
                .stages(p -> p.after(StageNames.IDENTIFY, "metrics", metrics))
                .stages(p -> p.before(StageNames.OPERATE, "decisions", decisions)));

        cse.handle(retrieve(ADMIN, "/id-in/cse-in", "1"), RequestContext.local());

        assertThat(seen).containsExactly("/id-in/" + ADMIN, "administrator");
    }

    @Test
    void the_standard_stages_run_in_their_documented_order() {
        Cse cse = start(Cse.builder(SETTINGS, new InMemoryResourceStore()));

        assertThat(cse.stageNames())
                .containsExactly(
                        StageNames.VALIDATE,
                        StageNames.IDENTIFY,
                        StageNames.NON_BLOCKING,
                        StageNames.FORWARD,
                        StageNames.RESULT_EXPIRATION,
                        StageNames.CREDENTIALS,
                        StageNames.TARGET,
                        StageNames.ESPRIM,
                        StageNames.ESCERTKE,
                        StageNames.EXECUTION_TIME,
                        StageNames.AUTHORIZE,
                        StageNames.OPERATE);
    }

    @Test
    void the_polling_channel_owner_rule_is_an_audited_access_decision_that_binds_even_the_administrator() {
        List<String> audit = new CopyOnWriteArrayList<>();
        AuditLog recording = e -> audit.add(
                e.originator() + " " + e.operation() + " " + (e.decision().permitted() ? "PERMIT" : "DENY") + " "
                        + e.decision().reason());
        Cse cse = start(Cse.builder(SETTINGS, new InMemoryResourceStore())
                .security(SecurityOptions.none().withAudit(recording)));
        ResponsePrimitive registered = cse.handle(registerAe("Cowner", "reg"), RequestContext.local());
        assertThat(registered.status()).isEqualTo(ResponseStatusCode.CREATED);
        RequestPrimitive channel = RequestPrimitive.builder(Operation.CREATE, "/id-in/cse-in/Cowner")
                .from("Cowner")
                .requestId("pch")
                .releaseVersion("3")
                .resourceType(ResourceType.POLLING_CHANNEL.code())
                .content(Map.of("m2m:pch", Map.of("rn", "pch")))
                .build();
        assertThat(cse.handle(channel, RequestContext.local()).status()).isEqualTo(ResponseStatusCode.CREATED);
        audit.clear();

        ResponsePrimitive byAdmin =
                cse.handle(retrieve(ADMIN, "/id-in/cse-in/Cowner/pch/pcu", "poll"), RequestContext.local());

        assertThat(byAdmin.status())
                .as("not even the administrator drains another's channel")
                .isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
        assertThat(audit)
                .as("the administrator is named admin in the audit trail")
                .containsExactly("admin POLL DENY only /id-in/Cowner may use its polling channel");
    }
}
