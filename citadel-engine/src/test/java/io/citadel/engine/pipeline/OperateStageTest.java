package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.operations.OperationPlan;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The operate stage runs the plan the authorize stage allowed, once, and answers with its result. */
class OperateStageTest {
    private final StageFixture.Run run = new StageFixture.Run(new OperateStage());
    private final AtomicInteger performed = new AtomicInteger();

    private StageFixture.Run planned(Supplier<ResponsePrimitive> perform) {
        OperationPlan plan = new OperationPlan(new AccessQuestion.Unguarded("test", "cse-in"), () -> {
            performed.incrementAndGet();
            return perform.get();
        });
        return run.given(exchange -> exchange.put(OperationPlan.KEY, plan));
    }

    @Test
    void without_a_plan_it_is_a_wiring_mistake_answered_5000_without_its_details() {
        ResponsePrimitive response =
                run.handle(StageFixture.retrieve("Cae", "/id-in/cse-in").build());

        assertThat(response.status()).isEqualTo(ResponseStatusCode.INTERNAL_SERVER_ERROR);
        assertThat(response.content().toString()).contains("incident").doesNotContain("operation plan");
        assertThat(run.reached).isEmpty();
    }

    @Test
    void a_refusal_the_plan_finds_while_running_is_the_answer() {
        ResponsePrimitive response = planned(() -> {
                    throw new OneM2mException(ResponseStatusCode.CONFLICT, "the name is taken");
                })
                .handle(StageFixture.retrieve("Cae", "/id-in/cse-in").build());

        assertThat(response.status()).isEqualTo(ResponseStatusCode.CONFLICT);
        assertThat(response.content()).isEqualTo(Map.of("m2m:dbg", "the name is taken"));
        assertThat(performed).hasValue(1);
    }

    @Test
    void runs_the_plan_once_and_answers_with_its_result() {
        ResponsePrimitive result = new ResponsePrimitive(
                ResponseStatusCode.CREATED, "rqi-1", "3", Map.of("m2m:cnt", Map.of("rn", "box")), "cse-in/box", null);

        ResponsePrimitive response = planned(() -> result)
                .handle(StageFixture.retrieve("Cae", "/id-in/cse-in").build());

        assertThat(response).isSameAs(result);
        assertThat(performed).hasValue(1);
    }

    @Test
    void is_the_last_stage_nothing_behind_it_runs() {
        planned(() -> ResponsePrimitive.of(
                        ResponseStatusCode.OK, StageFixture.retrieve("Cae", "x").build(), null))
                .handle(StageFixture.retrieve("Cae", "/id-in/cse-in").build());

        assertThat(run.reached).isEmpty();
    }
}
