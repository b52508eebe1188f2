package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.engine.store.StoreException;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class PipelineTest {
    private static final RequestPrimitive REQUEST = RequestPrimitive.builder(Operation.RETRIEVE, "/cse-in")
            .from("CAdmin")
            .requestId("r1")
            .releaseVersion("3")
            .build();
    private static final Stage ANSWER_OK =
            (exchange, next) -> ResponsePrimitive.of(ResponseStatusCode.OK, exchange.request(), null);

    @Test
    void a_stage_that_refuses_becomes_its_status_and_message_and_the_stages_behind_it_never_run() {
        List<String> ran = new ArrayList<>();
        Pipeline pipeline = Pipeline.builder()
                .then("refuse", (exchange, next) -> {
                    throw new OneM2mException(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE, "no");
                })
                .then("later", (exchange, next) -> {
                    ran.add("later");
                    return next.proceed(exchange);
                })
                .then("answer", ANSWER_OK)
                .build();

        ResponsePrimitive response = pipeline.handle(REQUEST, RequestContext.local());

        assertThat(response.status()).isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
        assertThat(response.content()).isEqualTo(Map.of("m2m:dbg", "no"));
        assertThat(response.requestId()).isEqualTo("r1");
        assertThat(ran).isEmpty();
    }

    @Test
    void an_unexpected_failure_is_a_5000_with_an_incident_number_never_the_exception_text() {
        Pipeline pipeline = Pipeline.builder()
                .then("broken", (exchange, next) -> {
                    throw new IllegalStateException("secret internals");
                })
                .build();

        ResponsePrimitive response = pipeline.handle(REQUEST, RequestContext.local());

        assertThat(response.status()).isEqualTo(ResponseStatusCode.INTERNAL_SERVER_ERROR);
        assertThat(response.content().toString())
                .contains("internal error (incident ")
                .doesNotContain("secret");
    }

    @Test
    void a_storage_failure_is_a_5000_that_says_storage() {
        Pipeline pipeline = Pipeline.builder()
                .then("store", (exchange, next) -> {
                    throw new StoreException("disk full at /var/lib", null);
                })
                .build();

        ResponsePrimitive response = pipeline.handle(REQUEST, RequestContext.local());

        assertThat(response.content().toString())
                .contains("storage failure (incident ")
                .doesNotContain("disk");
    }

    @Test
    void a_stage_that_answers_nothing_or_a_pipeline_that_ends_without_an_answer_is_a_5000() {
        Pipeline silent =
                Pipeline.builder().then("silent", (exchange, next) -> null).build();
        Pipeline endless = Pipeline.builder()
                .then("pass", (exchange, next) -> next.proceed(exchange))
                .build();

        assertThat(silent.handle(REQUEST, RequestContext.local()).status())
                .isEqualTo(ResponseStatusCode.INTERNAL_SERVER_ERROR);
        assertThat(endless.handle(REQUEST, RequestContext.local()).status())
                .isEqualTo(ResponseStatusCode.INTERNAL_SERVER_ERROR);
    }

    @Test
    void a_stage_in_front_sees_the_refusals_of_the_stages_behind_it_as_responses_and_may_wrap_them() {
        Pipeline pipeline = Pipeline.builder()
                .then("wrap", (exchange, next) -> {
                    ResponsePrimitive inner = next.proceed(exchange);
                    return inner.withContentLocation("wrapped:" + inner.status().code());
                })
                .then("refuse", (exchange, next) -> {
                    throw OneM2mException.badRequest("bad");
                })
                .build();

        ResponsePrimitive response = pipeline.handle(REQUEST, RequestContext.local());

        assertThat(response.contentLocation()).isEqualTo("wrapped:4000");
    }

    @Test
    void stages_go_before_after_or_in_place_of_a_named_one() {
        Pipeline.Builder builder = Pipeline.builder()
                .then("a", ANSWER_OK)
                .then("c", ANSWER_OK)
                .before("c", "b", ANSWER_OK)
                .after("c", "d", ANSWER_OK)
                .before("a", "first", ANSWER_OK);
        builder.replace("d", ANSWER_OK);

        assertThat(builder.build().stageNames()).containsExactly("first", "a", "b", "c", "d");
    }

    @Test
    void a_duplicate_or_unknown_name_or_an_empty_pipeline_is_a_wiring_mistake() {
        Pipeline.Builder builder = Pipeline.builder().then("a", ANSWER_OK);

        assertThatThrownBy(() -> builder.then("a", ANSWER_OK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has a stage named 'a'");
        assertThatThrownBy(() -> builder.before("nope", "x", ANSWER_OK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no stage named 'nope'");
        assertThatThrownBy(() -> builder.then(" ", ANSWER_OK)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pipeline.builder().build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_stage_may_replace_the_request_for_the_stages_behind_it_and_pass_facts_on() {
        Exchange.Key<String> seen = Exchange.Key.of("seen", String.class);
        Pipeline pipeline = Pipeline.builder()
                .then("unwrap", (exchange, next) -> {
                    exchange.replaceRequest(RequestPrimitive.builder(Operation.RETRIEVE, "/cse-in/inner")
                            .from("CAdmin")
                            .requestId("r2")
                            .releaseVersion("3")
                            .build());
                    exchange.put(seen, "unwrapped");
                    return next.proceed(exchange);
                })
                .then(
                        "answer",
                        (exchange, next) -> ResponsePrimitive.of(
                                ResponseStatusCode.OK,
                                exchange.request(),
                                exchange.request().to() + " " + exchange.get(seen)))
                .build();

        ResponsePrimitive response = pipeline.handle(REQUEST, RequestContext.local());

        assertThat(response.content()).isEqualTo("/cse-in/inner unwrapped");
        assertThat(response.requestId()).isEqualTo("r2");
    }

    @Test
    void a_fact_is_set_once_and_reading_one_no_stage_set_names_it() {
        Exchange exchange = new Exchange(REQUEST, RequestContext.local());
        Exchange.Key<String> key = Exchange.Key.of("thing", String.class);

        assertThatThrownBy(() -> exchange.get(key))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("thing");
        exchange.put(key, "x");
        assertThatThrownBy(() -> exchange.put(key, "y")).isInstanceOf(IllegalStateException.class);
        assertThat(exchange.find(key)).contains("x");
    }
}
