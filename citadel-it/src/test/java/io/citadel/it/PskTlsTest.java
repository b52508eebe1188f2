package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS-PSK (Provisioned Symmetric Key SAEF) against a third-party client, {@code openssl s_client -psk}, and
 * the identity binding that follows from it: negative cases first.
 */
class PskTlsTest {
    @TempDir
    static Path dataDir;

    @TempDir
    static Path work;

    static RunningCse cse;
    static int pskPort;
    static String sensorKey;
    static String mnKey;

    @BeforeAll
    static void start() throws Exception {
        sensorKey = provision("add", "--identity", "sensor1@psk.example", "--allow", "Csensor1,Csensor1b");
        mnKey = provision("add", "--identity", "mn1@psk.example", "--allow", "/id-mn");
        provision("add", "--identity", "doomed@psk.example", "--allow", "Cdoomed");
        // these tests fail handshakes on purpose, many in a row; the shut-out after failures is PskGuessingTest's
        cse = TestCse.start(
                dataDir, "--psk-port", "0", "--handshake-timeout-ms", "2000", "--psk-failures-allowed", "1000");
        pskPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
    }

    /** Runs {@code citadel credentials psk ...}; returns the printed key (hex) when there is one. */
    static String provision(String... args) throws Exception {
        Matcher m = Pattern.compile("shown only now\\): ([0-9a-f]+)").matcher(Psk.run(dataDir, args));
        return m.find() ? m.group(1) : null;
    }

    static String http(String method, String path, String from, String contentType, String body) {
        String b = body == null ? "" : body;
        return method + " " + path + " HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: " + from
                + "\r\nX-M2M-RI: r1\r\nX-M2M-RVI: 3\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + b.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + b;
    }

    /** openssl s_client with a PSK; returns everything it printed (HTTP response or handshake errors). */
    static String openssl(String identity, String key, String request, String... extra) throws Exception {
        Path in = Files.createTempFile(work, "req", ".txt");
        Files.writeString(in, request);
        List<String> cmd = new ArrayList<>(List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + pskPort,
                "-psk_identity",
                identity,
                "-psk",
                key,
                "-quiet",
                "-ign_eof"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(in.toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    static String rsc(String response) {
        Matcher m = Pattern.compile("(?i)X-M2M-RSC: (\\d+)").matcher(response);
        return m.find() ? m.group(1) : "none: " + response;
    }

    @Test
    void wrong_key_unknown_identity_old_protocols_and_weak_suites_get_no_session() throws Exception {
        String get = http("GET", "/cse-in", "Csensor1", null, null);
        assertThat(openssl("sensor1@psk.example", "00112233445566778899aabbccddeeff", get))
                .doesNotContain("HTTP/1.1")
                .containsIgnoringCase("alert");
        assertThat(openssl("nobody@psk.example", sensorKey, get))
                .doesNotContain("HTTP/1.1")
                .containsIgnoringCase("alert");
        for (String old : List.of("-tls1", "-tls1_1")) {
            assertThat(openssl("sensor1@psk.example", sensorKey, get, old)).doesNotContain("HTTP/1.1");
        }
        // RFC 4279's SHA-1 suites are not offered
        assertThat(openssl("sensor1@psk.example", sensorKey, get, "-tls1_2", "-cipher", "PSK-AES128-CBC-SHA"))
                .doesNotContain("HTTP/1.1");
    }

    @Test
    void from_must_be_an_identity_of_the_credential() throws Exception {
        String ae = "{\"m2m:ae\":{\"rn\":\"other\",\"api\":\"Nx\",\"rr\":false,\"srv\":[\"3\"]}}";
        assertThat(rsc(openssl(
                        "sensor1@psk.example",
                        sensorKey,
                        http("POST", "/cse-in", "Cother", "application/json;ty=2", ae))))
                .isEqualTo("4106");
        assertThat(rsc(openssl("sensor1@psk.example", sensorKey, http("GET", "/cse-in", "CAdminTest", null, null))))
                .as("even the administrator's ID is refused over someone else's key")
                .isEqualTo("4106");
        assertThat(rsc(openssl(
                        "sensor1@psk.example", sensorKey, http("POST", "/cse-in", "", "application/json;ty=2", ae))))
                .isEqualTo("4106");
    }

    @Test
    void an_ae_registers_and_works_over_its_psk_with_the_mandatory_suite() throws Exception {
        String ae = "{\"m2m:ae\":{\"rn\":\"sensor1\",\"api\":\"Nsensor\",\"rr\":false,\"srv\":[\"3\"]}}";
        assertThat(rsc(openssl(
                        "sensor1@psk.example",
                        sensorKey,
                        http("POST", "/cse-in", "Csensor1", "application/json;ty=2", ae),
                        "-tls1_2",
                        "-cipher",
                        "PSK-AES128-CBC-SHA256")))
                .isEqualTo("2001");
        String cnt = "{\"m2m:cnt\":{\"rn\":\"box\"}}";
        assertThat(rsc(openssl(
                        "sensor1@psk.example",
                        sensorKey,
                        http("POST", "/cse-in/sensor1", "Csensor1", "application/json;ty=3", cnt))))
                .isEqualTo("2001");
        assertThat(rsc(openssl(
                        "sensor1@psk.example", sensorKey, http("GET", "/cse-in/sensor1/box", "Csensor1", null, null))))
                .isEqualTo("2000");
        // the association authenticates: a rule with acaf permits over PSK, never over plain HTTP
        String acp =
                "{\"m2m:acp\":{\"rn\":\"authOnly\",\"pv\":{\"acr\":[{\"acor\":[\"Csensor1b\"],\"acop\":2,\"acaf\":true}]},"
                        + "\"pvs\":{\"acr\":[{\"acor\":[\"Csensor1\"],\"acop\":63}]}}}";
        assertThat(rsc(openssl(
                        "sensor1@psk.example",
                        sensorKey,
                        http("POST", "/cse-in/sensor1", "Csensor1", "application/json;ty=1", acp))))
                .isEqualTo("2001");
        assertThat(rsc(openssl(
                        "sensor1@psk.example",
                        sensorKey,
                        http(
                                "PUT",
                                "/cse-in/sensor1/box",
                                "Csensor1",
                                "application/json",
                                "{\"m2m:cnt\":{\"acpi\":[\"cse-in/sensor1/authOnly\"]}}"))))
                .isEqualTo("2004");
        assertThat(rsc(openssl(
                        "sensor1@psk.example", sensorKey, http("GET", "/cse-in/sensor1/box", "Csensor1b", null, null))))
                .isEqualTo("2000");
        // without the association Csensor1b is not authenticated at all (it never registered): 4106
        assertThat(cse.client().as("Csensor1b").retrieve("cse-in/sensor1/box").rsc())
                .isEqualTo(4106);
    }

    @Test
    void tls13_external_psk_binds_the_same_way() throws Exception {
        assertThat(rsc(openssl("mn1@psk.example", mnKey, http("GET", "/cse-in", "/id-mn", null, null), "-tls1_3")))
                .isNotIn("4106", "4107")
                .doesNotStartWith("none");
        assertThat(rsc(openssl("mn1@psk.example", mnKey, http("GET", "/cse-in", "/id-other", null, null), "-tls1_3")))
                .isEqualTo("4106");
        assertThat(openssl(
                        "mn1@psk.example",
                        "00112233445566778899aabbccddeeff",
                        http("GET", "/cse-in", "/id-mn", null, null),
                        "-tls1_3"))
                .doesNotContain("HTTP/1.1");
    }

    @Test
    void tls13_key_exchange_is_hybrid_post_quantum_when_the_client_has_it_classical_otherwise() throws Exception {
        byte[] key = java.util.HexFormat.of().parseHex(mnKey);
        try (Socket s = io.citadel.client.tls.PskClientSockets.factory("mn1@psk.example", key)
                .createSocket("127.0.0.1", pskPort)) {
            assertThat(io.citadel.client.tls.PskClientSockets.keyExchange(s)).isEqualTo("X25519MLKEM768");
            s.getOutputStream()
                    .write(http("GET", "/cse-in", "/id-mn", null, null).getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            assertThat(rsc(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)))
                    .isNotIn("4106", "4107")
                    .doesNotStartWith("none");
        }
        // OpenSSL 3.0 has no ML-KEM: the same listener falls back to X25519 within the same handshake
        String classical = openssl(
                "mn1@psk.example",
                mnKey,
                http("GET", "/cse-in", "/id-mn", null, null),
                "-tls1_3",
                "-groups",
                "X25519:P-256",
                "-msg");
        assertThat(rsc(classical)).isNotIn("4106", "4107").doesNotStartWith("none");
        // "Connection: close" ends with the server's close_notify, not a bare TCP close (a truncation to the client)
        assertThat(classical).contains("<<< TLS 1.3, Alert [length 0002], warning close_notify");
    }

    @Test
    void a_cse_id_needs_a_security_association() throws Exception {
        assertThat(cse.client().as("/id-mn").retrieve("cse-in").rsc()).isEqualTo(4107);
        assertThat(cse.client().as("//citadel.example/id-mn").retrieve("cse-in").rsc())
                .isEqualTo(4107);
        assertThat(rsc(openssl("mn1@psk.example", mnKey, http("GET", "/cse-in", "/id-mn", null, null))))
                .isNotEqualTo("4107")
                .isNotEqualTo("4106");
        assertThat(rsc(openssl("mn1@psk.example", mnKey, http("GET", "/cse-in", "/id-other", null, null))))
                .isEqualTo("4106");
    }

    @Test
    void a_silent_connection_is_closed_after_the_handshake_timeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", pskPort)) {
            s.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            InputStream in = s.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(500L, 5_000L);
        }
    }

    @Test
    void revoking_a_credential_ends_its_live_session() throws Exception {
        String doomedKey = provision("rotate", "doomed@psk.example");
        Thread.sleep(1200); // the server re-reads the store at most once a second
        Process session = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + pskPort,
                        "-psk_identity",
                        "doomed@psk.example",
                        "-psk",
                        doomedKey,
                        "-quiet")
                .redirectErrorStream(true)
                .start();
        Thread.sleep(1000);
        assertThat(session.isAlive()).as("session established and idle").isTrue();
        provision("revoke", "doomed@psk.example");
        boolean ended = session.waitFor(5, TimeUnit.SECONDS);
        session.destroyForcibly();
        assertThat(ended)
                .as("the server closed the session after the revocation")
                .isTrue();
        assertThat(openssl("doomed@psk.example", doomedKey, http("GET", "/cse-in", "Cdoomed", null, null)))
                .doesNotContain("HTTP/1.1");
    }
}
