package io.citadel.binding.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.engine.store.memory.InMemoryResourceStore;
import io.citadel.protocol.Operation;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests arriving at the MQTT binding (TS-0010 §6.4), through a loopback broker stub: bad payloads, oversized
 * messages and malformed primitives are answered on the matching {@code resp} topic with the oneM2M error; messages
 * not addressed to this CSE are dropped; good requests reach the engine with the topic's originator as their
 * security association and are answered in their own serialization.
 */
class MqttRequestFramingTest {
    private static final String REQ = "/oneM2M/req/Cae1/id-in/json";
    private static final String RESP = "/oneM2M/resp/Cae1/id-in/json";
    private static BindingOnLoopback b;

    @BeforeAll
    static void start() throws Exception {
        b = new BindingOnLoopback();
    }

    @BeforeEach
    void clean() throws Exception {
        b.reset();
    }

    @AfterAll
    static void stop() throws Exception {
        b.close();
    }

    private static Map<String, Object> retrieve(String rqi) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("op", 2L);
        p.put("to", "cse-in");
        p.put("fr", "Cae1");
        p.put("rqi", rqi);
        p.put("rvi", "3");
        return p;
    }

    private static byte[] json(Map<String, Object> primitive) {
        return PrimitiveCodec.serialize(primitive, Serialization.JSON);
    }

    @SuppressWarnings("unchecked")
    private static String dbg(Map<String, Object> answer) {
        return String.valueOf(((Map<String, Object>) answer.get("pc")).get("m2m:dbg"));
    }

    @Test
    void refuses_a_payload_that_is_not_a_primitive_with_4000_on_the_resp_topic() throws Exception {
        b.broker.deliver(REQ, "{\"op\": 2, \"to\": ");
        Map<String, Object> answer = b.answer(RESP, Serialization.JSON);
        assertThat(answer).containsEntry("rsc", 4000L).doesNotContainKey("rqi");

        b.broker.deliver(REQ, "[\"op\", 2]");
        assertThat(b.answer(RESP, Serialization.JSON)).containsEntry("rsc", 4000L);
        assertThat(b.seen).isEmpty();
    }

    @Test
    void refuses_an_oversized_message_with_4000_without_decoding_it() throws Exception {
        Map<String, Object> big = retrieve("big1");
        big.put("pc", Map.of("m2m:cin", Map.of("con", "x".repeat(BindingOnLoopback.MAX_MESSAGE))));
        b.broker.deliver(REQ, json(big));
        Map<String, Object> answer = b.answer(RESP, Serialization.JSON);
        assertThat(answer).containsEntry("rsc", 4000L).doesNotContainKey("rqi");
        assertThat(dbg(answer)).contains("exceeds " + BindingOnLoopback.MAX_MESSAGE);
        assertThat(b.seen).isEmpty();
    }

    @Test
    void answers_a_malformed_request_with_its_error_and_its_rqi_and_rvi() throws Exception {
        Map<String, Object> badOp = retrieve("r9");
        badOp.put("op", 9L);
        b.broker.deliver(REQ, json(badOp));
        assertThat(b.answer(RESP, Serialization.JSON))
                .containsEntry("rsc", 4000L)
                .containsEntry("rqi", "r9")
                .containsEntry("rvi", "3");

        Map<String, Object> noTo = retrieve("r10");
        noTo.remove("to");
        b.broker.deliver(REQ, json(noTo));
        assertThat(b.answer(RESP, Serialization.JSON))
                .containsEntry("rsc", 4000L)
                .containsEntry("rqi", "r10");

        Map<String, Object> group = retrieve("r11");
        group.put("gid", "g1");
        b.broker.deliver(REQ, json(group));
        assertThat(b.answer(RESP, Serialization.JSON))
                .containsEntry("rsc", 5001L)
                .containsEntry("rqi", "r11");
        assertThat(b.seen).isEmpty();
    }

    @Test
    void drops_messages_not_addressed_to_this_cse_and_responses_on_request_topics() throws Exception {
        b.broker.deliver("/oneM2M/req/Cae1/id-other/json", json(retrieve("other-cse")));
        b.broker.deliver("/oneM2M/req/Cae1/id-in/yaml", json(retrieve("bad-serialization")));
        b.broker.deliver("/oneM2M/req/Cae1/json", json(retrieve("short-topic")));
        b.broker.deliver("/oneM2M/resp/Cae1/id-in/json", "{\"rsc\": 2000, \"rqi\": \"not-ours\"}");
        b.broker.deliver(REQ, "{\"rsc\": 2000, \"rqi\": \"response-on-req\"}");
        b.broker.deliver(REQ, json(retrieve("marker")));
        // one worker runs requests in order and errors are published at once: anything answered before the marker
        // would come first
        assertThat(b.answer(RESP, Serialization.JSON))
                .containsEntry("rqi", "marker")
                .containsEntry("rsc", 2000L);
        assertThat(b.seen)
                .hasSize(1)
                .allSatisfy(s -> assertThat(s.request().requestId()).isEqualTo("marker"));
    }

    @Test
    void hands_a_json_request_to_the_engine_with_the_topic_originator_as_association() throws Exception {
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("op", 1L);
        create.put("to", "/id-in/cse-in/Cae1");
        create.put("fr", "/id-in/Cae1");
        create.put("rqi", "c1");
        create.put("rvi", "3");
        create.put("ty", 3L);
        create.put("pc", Map.of("m2m:cnt", Map.of("rn", "box")));
        b.broker.deliver("/oneM2M/req/id-in:Cae1/id-in/json", json(create));

        Map<String, Object> answer = b.answer("/oneM2M/resp/id-in:Cae1/id-in/json", Serialization.JSON);
        assertThat(answer)
                .containsEntry("rsc", 2000L)
                .containsEntry("rqi", "c1")
                .containsEntry("rvi", "3")
                .containsEntry("to", "/id-in/Cae1");
        BindingOnLoopback.Seen seen = b.seen.poll();
        assertThat(seen).isNotNull();
        assertThat(seen.request().operation()).isEqualTo(Operation.CREATE);
        assertThat(seen.request().to()).isEqualTo("/id-in/cse-in/Cae1");
        assertThat(seen.request().from()).isEqualTo("/id-in/Cae1");
        assertThat(seen.request().resourceType()).isEqualTo(3);
        assertThat(seen.request().content()).isEqualTo(Map.of("m2m:cnt", Map.of("rn", "box")));
        assertThat(seen.context().association().identities()).containsExactly("/id-in/Cae1");
        assertThat(seen.context().association().credentialId()).isEqualTo("mqtt-topic:id-in:Cae1");
        assertThat(seen.context().textualContent()).isFalse();
    }

    @Test
    void a_plain_ae_id_stem_in_the_topic_is_normalised_to_this_cses_ae() throws Exception {
        b.broker.deliver(REQ, json(retrieve("n1")));
        assertThat(b.answer(RESP, Serialization.JSON)).containsEntry("rqi", "n1");
        assertThat(b.seen.poll().context().association().identities()).containsExactly("/id-in/Cae1");
    }

    @Test
    void answers_an_xml_request_in_xml_and_marks_its_content_textual() throws Exception {
        byte[] xml = PrimitiveCodec.serialize(retrieve("x1"), Serialization.XML);
        assertThat(new String(xml, StandardCharsets.UTF_8)).contains("m2m:rqp");
        b.broker.deliver("/oneM2M/req/Cae1/id-in/xml", xml);
        LoopbackBroker.Published p = b.broker.next(5);
        assertThat(p).isNotNull();
        assertThat(p.topic()).isEqualTo("/oneM2M/resp/Cae1/id-in/xml");
        assertThat(p.text()).contains("m2m:rsp");
        Map<String, Object> answer = PrimitiveCodec.document(p.payload(), Serialization.XML);
        assertThat(String.valueOf(answer.get("rsc"))).isEqualTo("2000");
        assertThat(answer).containsEntry("rqi", "x1");
        assertThat(b.seen.poll().context().textualContent()).isTrue();
    }

    @Test
    void answers_a_cbor_request_in_cbor() throws Exception {
        b.broker.deliver("/oneM2M/req/Cae1/id-in/cbor", PrimitiveCodec.serialize(retrieve("b1"), Serialization.CBOR));
        Map<String, Object> answer = b.answer("/oneM2M/resp/Cae1/id-in/cbor", Serialization.CBOR);
        assertThat(((Number) answer.get("rsc")).intValue()).isEqualTo(2000);
        assertThat(answer).containsEntry("rqi", "b1").containsEntry("to", "Cae1");
        assertThat(b.seen.poll().context().textualContent()).isFalse();
    }

    @Test
    void a_registration_comes_without_association_and_is_answered_on_reg_resp() throws Exception {
        Map<String, Object> register = retrieve("reg1");
        register.put("op", 1L);
        register.put("fr", "C");
        register.put("ty", 2L);
        register.put("pc", Map.of("m2m:ae", Map.of("api", "Nmqtt", "rr", false, "srv", List.of("3"))));
        b.broker.deliver("/oneM2M/reg_req/dev-1/id-in/json", json(register));
        assertThat(b.answer("/oneM2M/reg_resp/dev-1/id-in/json", Serialization.JSON))
                .containsEntry("rqi", "reg1");
        assertThat(b.seen.poll().context().association()).isNull();
    }

    @Test
    void a_request_without_rqi_gets_the_engines_4000() throws Exception {
        Cse cse = Cse.builder(
                        new CseSettings(
                                "/id-in", "cse-in", "//citadel.example", 1, "CAdmin", List.of("C*"), List.of(), 100),
                        new InMemoryResourceStore())
                .build();
        try {
            b.engine = cse;
            Map<String, Object> noRqi = retrieve(null);
            noRqi.remove("rqi");
            b.broker.deliver(REQ, json(noRqi));
            Map<String, Object> answer = b.answer(RESP, Serialization.JSON);
            assertThat(answer).containsEntry("rsc", 4000L).doesNotContainKey("rqi");
            assertThat(dbg(answer)).contains("Request Identifier");
        } finally {
            cse.close();
        }
    }
}
