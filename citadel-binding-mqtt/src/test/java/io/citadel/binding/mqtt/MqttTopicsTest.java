package io.citadel.binding.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.protocol.binding.MqttTopics;
import io.citadel.protocol.codec.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TS-0010 §6.4 topics as the MQTT binding parses and builds them: anything but the five levels is not a topic of ours. */
class MqttTopicsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "oneM2M/req/Cae1/id-in/json", // no leading slash
                "/oneM2M/req/Cae1/id-in", // no serialization level
                "/oneM2M/req/Cae1/id-in/json/extra",
                "/oneM2M/req/Cae1/id-in/yaml",
                "/oneM2M/req/Cae1/id-in/JSON",
                "/oneM2M/request/Cae1/id-in/json",
                "/onem2m/req/Cae1/id-in/json",
                "/oneM2M/req//id-in/json", // empty originator
                "/oneM2M/req/Cae1//json", // empty receiver
                "",
            })
    void refuses_topics_that_are_not_onem2m_request_or_response_topics(String topic) {
        assertThat(MqttTopics.parse(topic)).as(topic).isEmpty();
    }

    @Test
    void parses_every_kind_and_serialization() {
        assertThat(MqttTopics.parse("/oneM2M/req/Cae1/id-in/json"))
                .contains(new MqttTopics.Topic("req", "Cae1", "id-in", Serialization.JSON));
        assertThat(MqttTopics.parse("/oneM2M/resp/id-in/Cae1/xml"))
                .contains(new MqttTopics.Topic("resp", "id-in", "Cae1", Serialization.XML));
        assertThat(MqttTopics.parse("/oneM2M/reg_req/dev-1/id-in/cbor"))
                .contains(new MqttTopics.Topic("reg_req", "dev-1", "id-in", Serialization.CBOR));
        assertThat(MqttTopics.parse("/oneM2M/reg_resp/dev-1/id-in/json"))
                .map(MqttTopics.Topic::kind)
                .contains("reg_resp");
    }

    @Test
    void ids_become_topic_levels_without_slashes_and_back() {
        assertThat(MqttTopics.idToTopic("/id-in")).isEqualTo("id-in");
        assertThat(MqttTopics.idToTopic("/id-in/Cae1")).isEqualTo("id-in:Cae1");
        assertThat(MqttTopics.idToTopic("//sp.example/id-in")).isEqualTo(":sp.example:id-in");
        assertThat(MqttTopics.idToTopic("Cae1")).isEqualTo("Cae1");
        for (String id : new String[] {"/id-in/Cae1", "//sp.example/id-in", "Cae1", "/id-in"}) {
            String level = MqttTopics.idToTopic(id);
            assertThat(level).doesNotContain("/");
            // a CSE-ID without a slash after its leading one comes back without it (Cae1 and id-in are plain levels)
            assertThat(MqttTopics.topicToId(level)).isEqualTo(id.equals("/id-in") ? "id-in" : id);
        }
    }

    @Test
    void builds_the_topic_of_a_kind_and_serialization() {
        String topic = MqttTopics.topic("resp", "id-in:Cae1", "id-in", Serialization.CBOR);
        assertThat(topic).isEqualTo("/oneM2M/resp/id-in:Cae1/id-in/cbor");
        assertThat(MqttTopics.parse(topic))
                .contains(new MqttTopics.Topic("resp", "id-in:Cae1", "id-in", Serialization.CBOR));
    }
}
