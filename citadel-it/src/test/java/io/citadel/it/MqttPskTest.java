package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT over TLS-PSK: Mosquitto with a PSK-only listener ({@code psk_file}, the identity as user name); the
 * CSE connects with its own identity and a key kept as a secret of its credential store; an AE talks
 * through the broker with mosquitto_pub/sub and its own PSK. A wrong key stops the CSE at start.
 */
class MqttPskTest {
    private static final String CSE_IDENTITY = "cse-in@broker.example";
    private static final String AE_IDENTITY = "Cpsk1@broker.example";

    @TempDir
    static Path dir;

    static Mosquitto broker;
    static RunningCse cse;
    static String aeKey;

    static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    @BeforeAll
    static void start() throws Exception {
        String cseKey = newKey();
        aeKey = newKey();
        Path pskFile = dir.resolve("psk");
        Files.writeString(pskFile, CSE_IDENTITY + ":" + cseKey + "\n" + AE_IDENTITY + ":" + aeKey + "\n");
        broker = Mosquitto.start(
                dir,
                "psk_hint citadel\npsk_file " + pskFile + "\nuse_identity_as_username true\n"
                        + "allow_anonymous false");
        Psk.secret(dir.resolve("data"), "mqtt-psk", cseKey);
        assertThat(Psk.credentials(dir.resolve("data"), "secret", "list"))
                .contains("mqtt-psk")
                .doesNotContain(cseKey);
        cse = TestCse.start(
                dir.resolve("data"),
                "--mqtt-broker",
                "psk://127.0.0.1:" + broker.port(),
                "--mqtt-psk-identity",
                CSE_IDENTITY);
        cse.awaitAnnounced(Pattern.compile("(MQTT client of psk)"));
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
        broker.close();
    }

    @Test
    void an_ae_registers_through_the_psk_broker() throws Exception {
        List<String> psk = List.of(
                "-h", "127.0.0.1", "-p", String.valueOf(broker.port()), "--psk", aeKey, "--psk-identity", AE_IDENTITY);
        String answer = Mosquitto.exchange(
                psk,
                "/oneM2M/req/Cpsk1/id-in/json",
                "/oneM2M/resp/Cpsk1/id-in/json",
                "{\"op\":1,\"to\":\"cse-in\",\"fr\":\"Cpsk1\",\"rqi\":\"p1\",\"rvi\":\"3\",\"ty\":2,"
                        + "\"pc\":{\"m2m:ae\":{\"rn\":\"psk1\",\"api\":\"Np\",\"rr\":false,\"srv\":[\"3\"]}}}");
        assertThat(answer).contains("\"rsc\":2001").contains("\"rqi\":\"p1\"");
    }

    @Test
    void a_wrong_or_missing_broker_key_stops_the_cse_at_start_with_a_clear_message() throws Exception {
        Path wrong = dir.resolve("data-wrong");
        Psk.secret(wrong, "mqtt-psk", newKey());
        assertThatThrownBy(() -> TestCse.start(
                        wrong,
                        "--mqtt-broker",
                        "psk://127.0.0.1:" + broker.port(),
                        "--mqtt-psk-identity",
                        CSE_IDENTITY))
                .hasMessageContaining("cannot connect to the MQTT broker");
        assertThatThrownBy(() -> TestCse.start(
                        dir.resolve("data-none"),
                        "--mqtt-broker",
                        "psk://127.0.0.1:" + broker.port(),
                        "--mqtt-psk-identity",
                        CSE_IDENTITY))
                .hasMessageContaining("credentials secret set mqtt-psk");
    }
}
