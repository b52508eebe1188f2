package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.RequestPrimitive.Handling;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The result expiration stage withholds a successful result ready only after {@code rset} (4008), nothing else. */
class ResultExpirationStageTest {
    private static final Instant RSET = Instant.parse("2030-01-01T12:00:00Z");
    private static final Map<String, Object> RESULT = Map.of("m2m:cnt", Map.of("rn", "box"));

    private static StageFixture.Run at(Instant now, ResponseStatusCode answered) {
        return new StageFixture.Run(new ResultExpirationStage(Clock.fixed(now, ZoneOffset.UTC)))
                .behind(exchange -> ResponsePrimitive.of(answered, exchange.request(), RESULT));
    }

    private static RequestPrimitive request(Instant rset) {
        return StageFixture.retrieve("Cae", "/id-in/cse-in/box")
                .requestId("late")
                .releaseVersion("4")
                .handling(new Handling(rset, null, null))
                .build();
    }

    @Test
    void withholds_a_success_ready_after_rset_with_4008_and_no_result() {
        StageFixture.Run run = at(RSET.plusMillis(1), ResponseStatusCode.OK);

        ResponsePrimitive response = run.handle(request(RSET));

        assertThat(response.status()).isEqualTo(ResponseStatusCode.REQUEST_TIMEOUT);
        assertThat(response.requestId()).isEqualTo("late");
        assertThat(response.releaseVersion()).isEqualTo("4");
        assertThat(response.content())
                .isInstanceOfSatisfying(Map.class, c -> assertThat(c).containsOnlyKeys("m2m:dbg"));
        assertThat(run.reached).as("the operation itself still ran").hasSize(1);
    }

    @Test
    void withholds_a_created_result_too() {
        assertThat(at(RSET.plusSeconds(5), ResponseStatusCode.CREATED)
                        .handle(request(RSET))
                        .status())
                .isEqualTo(ResponseStatusCode.REQUEST_TIMEOUT);
    }

    @Test
    void passes_a_refusal_after_rset_unchanged() {
        ResponsePrimitive response = at(RSET.plusSeconds(5), ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE)
                .handle(request(RSET));

        assertThat(response.status()).isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
        assertThat(response.content()).isEqualTo(RESULT);
    }

    @Test
    void passes_a_non_blocking_acceptance_after_rset_unchanged() {
        assertThat(at(RSET.plusSeconds(5), ResponseStatusCode.ACCEPTED_NON_BLOCKING_REQUEST_SYNCH)
                        .handle(request(RSET))
                        .status())
                .isEqualTo(ResponseStatusCode.ACCEPTED_NON_BLOCKING_REQUEST_SYNCH);
    }

    @Test
    void passes_a_success_ready_before_or_exactly_at_rset() {
        ResponsePrimitive before =
                at(RSET.minusMillis(1), ResponseStatusCode.OK).handle(request(RSET));
        ResponsePrimitive exactly = at(RSET, ResponseStatusCode.OK).handle(request(RSET));

        assertThat(before.status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(before.content()).isEqualTo(RESULT);
        assertThat(exactly.status()).isEqualTo(ResponseStatusCode.OK);
    }

    @Test
    void passes_a_success_of_a_request_without_rset_whenever_it_is_ready() {
        ResponsePrimitive response = at(Instant.MAX, ResponseStatusCode.OK).handle(request(null));

        assertThat(response.status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(response.content()).isEqualTo(RESULT);
    }
}
