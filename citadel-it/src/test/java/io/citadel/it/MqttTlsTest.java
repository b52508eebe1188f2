package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.tls.CertificateAuthority;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT over TLS: Mosquitto with a TLS-only listener that requires client certificates; the CSE checks
 * the broker against its trust anchors and shows its CSE-ID certificate; an AE talks through the same
 * broker with mosquitto_pub/sub and its AE-ID certificate. A broker the CSE cannot trust is refused.
 */
class MqttTlsTest {
    private static final String SP = "citadel.example";

    @TempDir
    static Path dir;

    static Mosquitto broker;
    static RunningCse cse;

    static String tls(Path pki) {
        return "cafile " + pki.resolve("ca.pem") + "\ncertfile " + pki.resolve("broker.pem") + "\nkeyfile "
                + pki.resolve("broker.key") + "\nrequire_certificate true\nallow_anonymous true\ntls_version tlsv1.2";
    }

    @BeforeAll
    static void start() throws Exception {
        Path pki = dir.resolve("pki");
        CertificateAuthority ca = CertificateAuthority.create(SP, Duration.ofDays(2));
        ca.save(pki);
        CertificateAuthority.save(
                ca.issueServer("broker." + SP, List.of("127.0.0.1"), Duration.ofDays(1)), pki, "broker");
        CertificateAuthority.save(ca.issueCse("/id-in", SP, Duration.ofDays(1)), pki, "cse-in");
        CertificateAuthority.save(ca.issueAe("Ctls1", "/id-in", SP, Duration.ofDays(1)), pki, "Ctls1");
        broker = Mosquitto.start(dir, tls(pki));
        cse = TestCse.start(
                dir.resolve("data"),
                "--mqtt-broker",
                "ssl://127.0.0.1:" + broker.port(),
                "--tls-trust",
                pki.resolve("ca.pem").toString(),
                "--tls-cert",
                pki.resolve("cse-in.pem").toString(),
                "--tls-key",
                pki.resolve("cse-in.key").toString());
        cse.awaitAnnounced(java.util.regex.Pattern.compile("(MQTT client of ssl)"));
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
        broker.close();
    }

    @Test
    void an_ae_registers_over_the_tls_broker() throws Exception {
        Path pki = dir.resolve("pki");
        List<String> tlsArgs = List.of(
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(broker.port()),
                "--cafile",
                pki.resolve("ca.pem").toString(),
                "--cert",
                pki.resolve("Ctls1.pem").toString(),
                "--key",
                pki.resolve("Ctls1.key").toString());
        String answer = Mosquitto.exchange(
                tlsArgs,
                "/oneM2M/req/Ctls1/id-in/json",
                "/oneM2M/resp/Ctls1/id-in/json",
                "{\"op\":1,\"to\":\"cse-in\",\"fr\":\"Ctls1\",\"rqi\":\"t1\",\"rvi\":\"3\",\"ty\":2,"
                        + "\"pc\":{\"m2m:ae\":{\"rn\":\"tls1\",\"api\":\"Nt\",\"rr\":false,\"srv\":[\"3\"]}}}");
        assertThat(answer).contains("\"rsc\":2001").contains("\"rqi\":\"t1\"");
    }

    @Test
    void a_broker_outside_the_trust_anchors_is_refused_at_start() throws Exception {
        Path rogue = dir.resolve("rogue");
        CertificateAuthority other = CertificateAuthority.create(SP, Duration.ofDays(1));
        other.save(rogue);
        CertificateAuthority.save(
                other.issueServer("broker." + SP, List.of("127.0.0.1"), Duration.ofDays(1)), rogue, "broker");
        try (Mosquitto untrusted = Mosquitto.start(dir, tls(rogue))) {
            Path pki = dir.resolve("pki");
            assertThatThrownBy(() -> TestCse.start(
                            dir.resolve("data2"),
                            "--mqtt-broker",
                            "ssl://127.0.0.1:" + untrusted.port(),
                            "--tls-trust",
                            pki.resolve("ca.pem").toString(),
                            "--tls-cert",
                            pki.resolve("cse-in.pem").toString(),
                            "--tls-key",
                            pki.resolve("cse-in.key").toString()))
                    .hasMessageContaining("cannot connect to the MQTT broker");
        }
    }
}
