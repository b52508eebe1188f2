package io.citadel.binding.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests the CSE sends over its broker (TS-0010 §6.4, §6.6): only to its own broker, published on
 * {@code /oneM2M/req/<cse>/<entity>/json} and completed by the response with the same request identifier on
 * {@code /oneM2M/resp/<cse>/<entity>/json}; other responses and malformed ones leave it waiting. Also the
 * subscriptions the binding makes.
 */
class MqttOutboundTest {
    private static BindingOnLoopback b;
    private static String entity;

    @BeforeAll
    static void start() throws Exception {
        b = new BindingOnLoopback();
        entity = "mqtt://127.0.0.1:" + b.broker.port();
    }

    @BeforeEach
    void clean() throws Exception {
        b.reset();
    }

    @AfterAll
    static void stop() throws Exception {
        b.close();
    }

    private static RequestPrimitive notify(String rqi) {
        return RequestPrimitive.builder(Operation.NOTIFY, "/id-in/Cae1")
                .from("/id-in")
                .requestId(rqi)
                .releaseVersion("3")
                .content(Map.of("m2m:sgn", Map.of("vrq", true)))
                .build();
    }

    private static Throwable cause(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return Assertions.catchThrowableOfType(ExecutionException.class, f::get).getCause();
    }

    @Test
    void refuses_targets_on_another_broker_or_unparsable_at_once() throws Exception {
        assertThat(cause(b.binding.send("mqtt://127.0.0.2:" + b.broker.port(), notify("n1"), Duration.ofSeconds(5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only entities on the broker");
        assertThat(cause(b.binding.send("mqtt://127.0.0.1:1", notify("n2"), Duration.ofSeconds(5))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cause(b.binding.send("mqtt://127.0.0.1:x y", notify("n3"), Duration.ofSeconds(5))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(b.broker.next(0)).as("nothing published").isNull();
    }

    @Test
    void refuses_a_request_without_identifier_that_no_response_could_match() {
        RequestPrimitive anonymous = RequestPrimitive.builder(Operation.NOTIFY, "/id-in/Cae1")
                .from("/id-in")
                .build();
        assertThat(cause(b.binding.send(entity, anonymous, Duration.ofSeconds(5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("identifier");
    }

    @Test
    void completes_with_the_response_of_the_same_rqi_only() throws Exception {
        CompletableFuture<ResponsePrimitive> answer = b.binding.send(entity, notify("n4"), Duration.ofSeconds(10));
        LoopbackBroker.Published sent = b.broker.next(5);
        assertThat(sent).isNotNull();
        assertThat(sent.topic()).isEqualTo("/oneM2M/req/id-in/id-in:Cae1/json");
        Map<String, Object> request = PrimitiveCodec.document(sent.payload(), Serialization.JSON);
        assertThat(request)
                .containsEntry("op", 5L)
                .containsEntry("rqi", "n4")
                .containsEntry("to", "/id-in/Cae1")
                .containsEntry("fr", "/id-in");

        String resp = "/oneM2M/resp/id-in/id-in:Cae1/json";
        b.broker.deliver(resp, "{\"rsc\": 2000, \"rqi\": \"someone-else\"}");
        b.broker.deliver(resp, "{\"rsc\": 2000, \"rqi\": ");
        b.broker.deliver(resp, "{\"rsc\": 1234, \"rqi\": \"n4\"}"); // no such status code: malformed, ignored
        b.broker.deliver("/oneM2M/resp/id-other/id-in:Cae1/json", "{\"rsc\": 2004, \"rqi\": \"n4\"}"); // not ours
        // another entity on the broker that learnt the rqi answers in Cae1's place: ignored, the request still waits
        b.broker.deliver("/oneM2M/resp/id-in/id-in:Cmallory/json", "{\"rsc\": 2004, \"rqi\": \"n4\"}");
        b.broker.deliver(resp, "{\"rsc\": 2000, \"rqi\": \"n4\", \"rvi\": \"3\"}");
        ResponsePrimitive rsp = answer.get(5, TimeUnit.SECONDS);
        assertThat(rsp.status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(rsp.requestId()).isEqualTo("n4");
    }

    @Test
    void fails_with_a_timeout_when_no_response_comes() throws Exception {
        CompletableFuture<ResponsePrimitive> answer = b.binding.send(entity, notify("n5"), Duration.ofMillis(200));
        assertThat(b.broker.next(5)).isNotNull();
        Throwable e = Assertions.catchThrowableOfType(ExecutionException.class, () -> answer.get(5, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(TimeoutException.class);
    }

    @Test
    void a_notification_uri_with_a_path_is_the_topic_and_counts_as_delivered_once_the_broker_has_it() throws Exception {
        ResponsePrimitive rsp = b.binding
                .send(entity + "/custom/notify/topic", notify("n6"), Duration.ofSeconds(5))
                .get(5, TimeUnit.SECONDS);
        assertThat(rsp.status()).isEqualTo(ResponseStatusCode.OK);
        LoopbackBroker.Published sent = b.broker.next(5);
        assertThat(sent.topic()).isEqualTo("/custom/notify/topic");
        assertThat(PrimitiveCodec.document(sent.payload(), Serialization.JSON)).containsEntry("rqi", "n6");
    }

    @Test
    void subscribes_to_the_request_response_and_registration_topics_of_this_cse() {
        assertThat(b.broker.subscriptions)
                .containsExactlyInAnyOrderElementsOf(
                        List.of("/oneM2M/req/+/id-in/#", "/oneM2M/resp/id-in/+/#", "/oneM2M/reg_req/+/id-in/#"));
    }
}
