package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.RequestPrimitive.Handling;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The execution time stage holds a request until its {@code oet} and never runs it earlier. */
class ExecutionTimeStageTest {
    private final List<Instant> ranAt = new ArrayList<>();
    private final StageFixture.Run run = new StageFixture.Run(new ExecutionTimeStage()).behind(exchange -> {
        ranAt.add(Instant.now());
        return ResponsePrimitive.of(ResponseStatusCode.OK, exchange.request(), null);
    });

    private static RequestPrimitive at(Instant oet) {
        return StageFixture.retrieve("Cae", "/id-in/cse-in")
                .handling(new Handling(null, oet, null))
                .build();
    }

    @Test
    void interrupted_while_waiting_it_answers_4008_and_does_not_run_the_request() {
        Thread.currentThread().interrupt();
        try {
            ResponsePrimitive response = run.handle(at(Instant.now().plusSeconds(20)));

            assertThat(response.status()).isEqualTo(ResponseStatusCode.REQUEST_TIMEOUT);
            assertThat(ranAt).isEmpty();
            assertThat(Thread.currentThread().isInterrupted())
                    .as("the interrupt is kept for the caller")
                    .isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void runs_a_request_with_a_future_oet_not_before_that_time() {
        Instant oet = Instant.now().plusMillis(200);

        ResponsePrimitive response = run.handle(at(oet));

        assertThat(response.status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(ranAt).singleElement().satisfies(t -> assertThat(t).isAfterOrEqualTo(oet));
    }

    @Test
    void runs_a_request_without_oet_or_with_one_past_and_passes_the_answer_back() {
        assertThat(run.handle(at(null)).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(run.handle(at(Instant.now().minusSeconds(3600))).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(ranAt).hasSize(2);
    }

    @Test
    void a_request_past_its_oet_is_not_held_even_when_the_thread_is_interrupted() {
        Thread.currentThread().interrupt();
        try {
            assertThat(run.handle(at(Instant.now().minusSeconds(1))).status()).isEqualTo(ResponseStatusCode.OK);
            assertThat(ranAt).hasSize(1);
        } finally {
            Thread.interrupted();
        }
    }
}
