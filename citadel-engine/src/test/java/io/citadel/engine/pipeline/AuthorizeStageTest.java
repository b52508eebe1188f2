package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.engine.authorization.AuditLog;
import io.citadel.engine.authorization.SecurityOptions;
import io.citadel.engine.operations.OperationPlan;
import io.citadel.engine.store.memory.InMemoryResourceStore;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.security.AccessDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The authorize stage asks access control once per question of the operation's plan, audited, refuses with the
 * question's status when denied (the plan never runs) and hands the plan and decision to the operate stage. Its
 * collaborators are the engine's operations, so it runs inside a whole {@link Cse} on the in-memory store, watched
 * by a stage just in front of the operate stage.
 */
class AuthorizeStageTest {
    private final List<String> audit = new CopyOnWriteArrayList<>();
    private final List<Exchange> reachedOperate = new CopyOnWriteArrayList<>();
    private final List<Cse> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Cse::close);
    }

    private Cse start(CseSettings settings) {
        AuditLog recording = e -> audit.add(e.originator() + " " + e.operation() + " " + e.target() + " "
                + (e.decision().permitted() ? "PERMIT" : "DENY"));
        Stage probe = (exchange, next) -> {
            reachedOperate.add(exchange);
            return next.proceed(exchange);
        };
        Cse cse = Cse.builder(settings, new InMemoryResourceStore())
                .security(SecurityOptions.none().withAudit(recording))
                .stages(p -> p.before(StageNames.OPERATE, "probe", probe))
                .build();
        started.add(cse);
        return cse;
    }

    /** A CSE where Cowner registered and made the container {@code box}, Cother registered too; nothing audited yet. */
    private Cse withOwnerAndOther() {
        Cse cse = start(StageFixture.SETTINGS);
        assertThat(handle(cse, registerAe("Cowner")).status()).isEqualTo(ResponseStatusCode.CREATED);
        assertThat(handle(cse, registerAe("Cother")).status()).isEqualTo(ResponseStatusCode.CREATED);
        assertThat(handle(
                                cse,
                                create(
                                        "Cowner",
                                        "/id-in/cse-in/Cowner",
                                        ResourceType.CONTAINER,
                                        Map.of("m2m:cnt", Map.of("rn", "box"))))
                        .status())
                .isEqualTo(ResponseStatusCode.CREATED);
        audit.clear();
        reachedOperate.clear();
        return cse;
    }

    private static ResponsePrimitive handle(Cse cse, RequestPrimitive request) {
        return cse.handle(request, RequestContext.local());
    }

    private static RequestPrimitive registerAe(String from) {
        return create(
                from,
                "/id-in/cse-in",
                ResourceType.AE,
                Map.of("m2m:ae", Map.of("api", "Nstage", "rr", false, "srv", List.of("3"))));
    }

    private static RequestPrimitive create(String from, String to, ResourceType type, Map<String, Object> content) {
        return RequestPrimitive.builder(Operation.CREATE, to)
                .from(from)
                .requestId("c-" + from)
                .releaseVersion("3")
                .resourceType(type.code())
                .content(content)
                .build();
    }

    private static RequestPrimitive contentInstance(String from) {
        return create(
                from,
                "/id-in/cse-in/Cowner/box",
                ResourceType.CONTENT_INSTANCE,
                Map.of("m2m:cin", Map.of("con", "21.5")));
    }

    @Test
    void a_question_of_all_of_nothing_cannot_be_asked() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new io.citadel.engine.authorization.AccessQuestion.AllOf(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one question");
    }

    @Test
    void denies_with_4103_audits_the_denial_and_never_runs_the_plan() {
        Cse cse = withOwnerAndOther();

        ResponsePrimitive response = handle(cse, contentInstance("Cother"));

        assertThat(response.status()).isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
        assertThat(response.content().toString()).contains("access denied");
        assertThat(reachedOperate).as("the operate stage never ran").isEmpty();
        assertThat(handle(
                                cse,
                                StageFixture.retrieve("Cowner", "/id-in/cse-in/Cowner/box/la")
                                        .build())
                        .status())
                .as("nothing was created")
                .isEqualTo(ResponseStatusCode.NOT_FOUND);
        assertThat(audit).first().asString().startsWith("/id-in/Cother CREATE ").endsWith(" DENY");
    }

    @Test
    void denies_a_retrieve_of_another_originators_resource_with_4103() {
        Cse cse = withOwnerAndOther();

        assertThat(handle(
                                cse,
                                StageFixture.retrieve("Cother", "/id-in/cse-in/Cowner/box")
                                        .build())
                        .status())
                .isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
        assertThat(reachedOperate).isEmpty();
        assertThat(audit)
                .singleElement()
                .asString()
                .startsWith("/id-in/Cother RETRIEVE ")
                .endsWith(" DENY");
    }

    @Test
    void refuses_with_the_status_of_the_question_that_denied_a_registration_outside_the_allowed_stems_4126() {
        Cse cse = start(new CseSettings(
                "/id-in", "cse-in", "//citadel.example", 1, StageFixture.ADMIN, List.of("Cgood*"), List.of(), 100));

        ResponsePrimitive refused = handle(cse, registerAe("Cbad"));

        assertThat(refused.status()).isEqualTo(ResponseStatusCode.APP_RULE_VALIDATION_FAILED);
        assertThat(reachedOperate).isEmpty();
        assertThat(audit).singleElement().asString().endsWith(" DENY");
        assertThat(handle(cse, registerAe("Cgood1")).status()).isEqualTo(ResponseStatusCode.CREATED);
    }

    @Test
    void a_request_the_plan_finds_malformed_is_told_so_before_any_access_decision() {
        Cse cse = withOwnerAndOther();

        ResponsePrimitive response = handle(
                cse,
                create(
                        "Cother",
                        "/id-in/cse-in/Cowner/box",
                        ResourceType.CONTENT_INSTANCE,
                        Map.of("m2m:cnt", Map.of("rn", "wrong-type"))));

        assertThat(response.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(audit).as("no access decision was made").isEmpty();
        assertThat(reachedOperate).isEmpty();
    }

    @Test
    void allows_runs_the_plan_and_hands_the_plan_and_its_decision_to_the_operate_stage() {
        Cse cse = withOwnerAndOther();

        ResponsePrimitive response = handle(cse, contentInstance("Cowner"));

        assertThat(response.status()).isEqualTo(ResponseStatusCode.CREATED);
        assertThat(reachedOperate).singleElement().satisfies(exchange -> {
            assertThat(exchange.find(OperationPlan.KEY)).isPresent();
            assertThat(exchange.find(AuthorizeStage.DECISION))
                    .map(AccessDecision::permitted)
                    .contains(true);
        });
        assertThat(audit)
                .singleElement()
                .asString()
                .startsWith("/id-in/Cowner CREATE ")
                .endsWith(" PERMIT");
        assertThat(handle(
                                cse,
                                StageFixture.retrieve("Cowner", "/id-in/cse-in/Cowner/box/la")
                                        .build())
                        .status())
                .isEqualTo(ResponseStatusCode.OK);
    }

    @Test
    void audits_the_administrator_as_admin_once_per_request() {
        Cse cse = withOwnerAndOther();

        assertThat(handle(
                                cse,
                                StageFixture.retrieve(StageFixture.ADMIN, "/id-in/cse-in/Cowner/box")
                                        .build())
                        .status())
                .isEqualTo(ResponseStatusCode.OK);

        assertThat(audit)
                .singleElement()
                .asString()
                .startsWith("admin RETRIEVE ")
                .endsWith(" PERMIT");
    }
}
