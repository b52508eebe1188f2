package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT binding against Mosquitto and its command-line clients, with the broker ACL that README
 * documents: every client publishes and reads only under its own name, so the topic names an
 * authenticated originator. Negative cases first: topic squatting, From spoofing, malformed input.
 */
class MqttBindingTest {
    @TempDir
    static Path dir;

    static Mosquitto broker;
    static RunningCse cse;
    static final List<String> USERS = List.of("id-in", "Cae1", "Cae2");
    static final java.util.Map<String, String> PASSWORDS = new java.util.HashMap<>();

    static final String ACL = """
            # the CSE (user id-in): requests addressed to it, responses to anyone, its own requests and their answers
            user id-in
            topic read /oneM2M/req/+/id-in/#
            topic read /oneM2M/reg_req/+/id-in/#
            topic write /oneM2M/resp/+/id-in/#
            topic write /oneM2M/reg_resp/+/id-in/#
            topic write /oneM2M/req/id-in/#
            topic read /oneM2M/resp/id-in/#

            # every other client, under its own user name (= its AE-ID or Credential-ID) only
            pattern write /oneM2M/req/%u/id-in/#
            pattern read /oneM2M/resp/%u/id-in/#
            pattern read /oneM2M/req/id-in/%u/#
            pattern write /oneM2M/resp/id-in/%u/#
            pattern write /oneM2M/reg_req/%u/id-in/#
            pattern read /oneM2M/reg_resp/%u/id-in/#
            """;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("mosquitto-clients", "sh", "-c", "command -v mosquitto_pub && command -v mosquitto_passwd");
        Path passwords = dir.resolve("passwd");
        for (String user : USERS) {
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            PASSWORDS.put(user, HexFormat.of().formatHex(random));
            List<String> cmd = new ArrayList<>(List.of("mosquitto_passwd", "-b"));
            if (!Files.exists(passwords)) {
                cmd.add("-c");
            }
            cmd.addAll(List.of(passwords.toString(), user, PASSWORDS.get(user)));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        Files.writeString(dir.resolve("acl"), ACL);
        broker = Mosquitto.start(
                dir, "allow_anonymous false\npassword_file " + passwords + "\nacl_file " + dir.resolve("acl"));
        // the CSE's broker password goes into the encrypted credential store, as an operator would put it
        Psk.secret(dir.resolve("data"), "mqtt-password", PASSWORDS.get("id-in"));
        assertThat(Psk.credentials(dir.resolve("data"), "secret", "list"))
                .contains("mqtt-password")
                .doesNotContain(PASSWORDS.get("id-in"));
        cse = TestCse.start(
                dir.resolve("data"), "--mqtt-broker", broker.uri(), "--mqtt-username", "id-in", "--max-body", "16384");
        cse.awaitAnnounced(java.util.regex.Pattern.compile("(MQTT client of)"));
        // Cae1 registers with mosquitto's own client, the third-party peer
        String out = exchange(
                "Cae1",
                "/oneM2M/req/Cae1/id-in/json",
                "/oneM2M/resp/Cae1/id-in/json",
                "{\"op\":1,\"to\":\"cse-in\",\"fr\":\"Cae1\",\"rqi\":\"reg1\",\"rvi\":\"3\",\"ty\":2,"
                        + "\"pc\":{\"m2m:ae\":{\"rn\":\"ae1\",\"api\":\"Na\",\"rr\":false,\"srv\":[\"3\"]}}}");
        assertThat(out).contains("\"rsc\":2001").contains("\"aei\":\"Cae1\"");
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
        broker.close();
    }

    /**
     * Publishes {@code message} on {@code topic} as {@code user} with mosquitto_pub and returns what
     * mosquitto_sub, subscribed as the same user to {@code answers}, printed: the first answer, or nothing within a
     * few seconds.
     */
    static String exchange(String user, String topic, String answers, String message) throws Exception {
        MqttSubscriber sub = MqttSubscriber.subscribe(List.of(
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(broker.port()),
                "-u",
                user,
                "-P",
                PASSWORDS.get(user),
                "-i",
                user + "-sub",
                "-t",
                answers,
                "-C",
                "1",
                "-W",
                "4",
                "-q",
                "1"));
        Process pub = new ProcessBuilder(
                        "mosquitto_pub",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        String.valueOf(broker.port()),
                        "-u",
                        user,
                        "-P",
                        PASSWORDS.get(user),
                        "-i",
                        user + "-pub",
                        "-t",
                        topic,
                        "-q",
                        "1",
                        "-m",
                        message)
                .redirectErrorStream(true)
                .start();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return sub.output();
    }

    static String retrieveAsAdmin(String path) {
        return String.valueOf(cse.client().as(CseProcess.ADMIN).retrieve(path).rsc());
    }

    @Test
    void a_wrong_broker_password_stops_the_cse_with_a_clear_message() throws Exception {
        Path wrong = dir.resolve("wrong-password");
        Files.writeString(wrong, "not-the-password");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestCse.start(
                        dir.resolve("data-wrong"),
                        "--mqtt-broker",
                        broker.uri(),
                        "--mqtt-username",
                        "id-in",
                        "--mqtt-password-file",
                        wrong.toString()))
                .hasMessageContaining("cannot connect to the MQTT broker");
    }

    @Test
    void topic_squatting_is_stopped_by_the_broker() throws Exception {
        // Cae2 publishes under Cae1's name: the ACL drops it, the CSE never sees it
        exchange(
                "Cae2",
                "/oneM2M/req/Cae1/id-in/json",
                "/oneM2M/resp/Cae2/id-in/json",
                "{\"op\":1,\"to\":\"cse-in/ae1\",\"fr\":\"Cae1\",\"rqi\":\"sq1\",\"rvi\":\"3\",\"ty\":3,"
                        + "\"pc\":{\"m2m:cnt\":{\"rn\":\"squatted\"}}}");
        assertThat(retrieveAsAdmin("cse-in/ae1/squatted")).isEqualTo("4004");
        // nor does Cae2 read Cae1's responses (Mosquitto 2.0 grants the subscription but delivers nothing)
        MqttSubscriber spy = MqttSubscriber.subscribe(List.of(
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(broker.port()),
                "-u",
                "Cae2",
                "-P",
                PASSWORDS.get("Cae2"),
                "-i",
                "Cae2-spy",
                "-t",
                "/oneM2M/resp/Cae1/id-in/json",
                "-t",
                "/oneM2M/resp/#",
                "-W",
                "5"));
        String own = exchange(
                "Cae1",
                "/oneM2M/req/Cae1/id-in/json",
                "/oneM2M/resp/Cae1/id-in/json",
                "{\"op\":2,\"to\":\"cse-in/ae1\",\"fr\":\"Cae1\",\"rqi\":\"private\",\"rvi\":\"3\"}");
        assertThat(own).contains("\"rqi\":\"private\"");
        String spied = spy.output();
        assertThat(spied).doesNotContain("private");
    }

    @Test
    void a_from_other_than_the_topic_originator_gets_4106() throws Exception {
        String out = exchange(
                "Cae2",
                "/oneM2M/req/Cae2/id-in/json",
                "/oneM2M/resp/Cae2/id-in/json",
                "{\"op\":1,\"to\":\"cse-in/ae1\",\"fr\":\"Cae1\",\"rqi\":\"sp1\",\"rvi\":\"3\",\"ty\":3,"
                        + "\"pc\":{\"m2m:cnt\":{\"rn\":\"spoofed\"}}}");
        assertThat(out).contains("\"rsc\":4106").contains("\"rqi\":\"sp1\"");
        assertThat(retrieveAsAdmin("cse-in/ae1/spoofed")).isEqualTo("4004");
    }

    @Test
    void malformed_and_oversized_messages_get_4000() throws Exception {
        assertThat(exchange("Cae1", "/oneM2M/req/Cae1/id-in/json", "/oneM2M/resp/Cae1/id-in/json", "{\"op\":"))
                .contains("\"rsc\":4000")
                .contains("malformed JSON");
        assertThat(exchange(
                        "Cae1",
                        "/oneM2M/req/Cae1/id-in/json",
                        "/oneM2M/resp/Cae1/id-in/json",
                        "{\"op\":2,\"to\":\"cse-in\",\"fr\":\"Cae1\",\"rqi\":\"big\",\"pad\":\"" + "x".repeat(20_000)
                                + "\"}"))
                .contains("\"rsc\":4000")
                .contains("exceeds");
        assertThat(exchange(
                        "Cae1",
                        "/oneM2M/req/Cae1/id-in/json",
                        "/oneM2M/resp/Cae1/id-in/json",
                        "{\"op\":7,\"to\":\"cse-in\",\"fr\":\"Cae1\",\"rqi\":\"op7\",\"rvi\":\"3\"}"))
                .contains("\"rsc\":4000")
                .contains("\"rqi\":\"op7\"");
    }

    @Test
    void the_owner_works_over_its_own_topics() throws Exception {
        String out = exchange(
                "Cae1",
                "/oneM2M/req/Cae1/id-in/json",
                "/oneM2M/resp/Cae1/id-in/json",
                "{\"op\":1,\"to\":\"cse-in/ae1\",\"fr\":\"Cae1\",\"rqi\":\"c1\",\"rvi\":\"3\",\"ty\":3,"
                        + "\"pc\":{\"m2m:cnt\":{\"rn\":\"mine\"}}}");
        assertThat(out).contains("\"rsc\":2001").contains("\"rqi\":\"c1\"");
        assertThat(retrieveAsAdmin("cse-in/ae1/mine")).isEqualTo("2000");
    }

    @Test
    void the_cse_reconnects_and_resubscribes_after_the_broker_restarts() throws Exception {
        broker.restart();
        String out = "";
        for (long end = System.currentTimeMillis() + 30_000;
                !out.contains("\"rqi\":\"again\"") && System.currentTimeMillis() < end; ) {
            out = exchange(
                    "Cae1",
                    "/oneM2M/req/Cae1/id-in/json",
                    "/oneM2M/resp/Cae1/id-in/json",
                    "{\"op\":2,\"to\":\"cse-in/ae1\",\"fr\":\"Cae1\",\"rqi\":\"again\",\"rvi\":\"3\"}");
        }
        assertThat(out).contains("\"rsc\":2000").contains("\"rqi\":\"again\"");
    }
}
