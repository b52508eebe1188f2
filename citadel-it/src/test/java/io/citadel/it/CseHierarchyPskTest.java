package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MN-CSE that reaches its registrar over TLS-PSK (its KpsaID, the key kept as a secret of its credential
 * store): the IN accepts no CSE without a security association, so a registration proves the PSK link. A
 * wrong key registers nothing; OpenSSL's {@code s_server -psk} (an echo server here, not a CSE) completes the
 * same handshake with the MN.
 */
class CseHierarchyPskTest {
    @TempDir
    static Path dir;

    static RunningCse in;
    static int inPsk;

    @BeforeAll
    static void start() throws Exception {
        in = TestCse.start(dir.resolve("in"), "--psk-port", "0");
        inPsk = Integer.parseInt(in.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
    }

    @AfterAll
    static void stop() throws Exception {
        in.close();
    }

    static RunningCse mn(String cseId, String identity, Path data, String registrarPoa) throws Exception {
        return TestCse.start(
                data,
                "--cse-id",
                cseId,
                "--cse-name",
                "cse-" + cseId.substring(4),
                "--cse-type",
                "MN",
                "--registrar-cse-id",
                "/id-in",
                "--registrar-poa",
                registrarPoa,
                "--registrar-psk-identity",
                identity,
                "--registrar-keepalive",
                "PT1S",
                "--insecure-cse-peers",
                "/id-in");
    }

    static boolean registeredAtIn(String csr) {
        OneM2mHttpClient admin = in.client().as(CseProcess.ADMIN);
        return admin.retrieve("cse-in/" + csr).rsc() == 2000;
    }

    @Test
    void an_mn_registers_over_tls_psk_and_a_wrong_key_registers_nothing() throws Exception {
        byte[] key = Psk.provision(dir.resolve("in"), "id-mn@psk.example", "/id-mn");
        Path mnData = dir.resolve("mn");
        Psk.secret(mnData, "registrar-psk", HexFormat.of().formatHex(key));
        try (RunningCse mn = mn("/id-mn", "id-mn@psk.example", mnData, "https://127.0.0.1:" + inPsk + "/")) {
            CseHierarchyTest.await(() -> registeredAtIn("id-mn"), "MN registered at IN over TLS-PSK");
        }

        Psk.provision(dir.resolve("in"), "id-mn2@psk.example", "/id-mn2");
        Path wrongData = dir.resolve("mn2");
        byte[] wrong = new byte[32];
        new SecureRandom().nextBytes(wrong);
        Psk.secret(wrongData, "registrar-psk", HexFormat.of().formatHex(wrong));
        try (LogWatch security = LogWatch.of("citadel.security");
                RunningCse mn2 = mn("/id-mn2", "id-mn2@psk.example", wrongData, "https://127.0.0.1:" + inPsk + "/")) {
            // several registration attempts (keep-alive PT1S), each refused in its handshake by the IN
            assertThat(security.await(m -> m.contains("handshake failed: identity=id-mn2@psk.example"), 2, 60))
                    .as(security.messages().toString())
                    .isTrue();
            assertThat(registeredAtIn("id-mn2")).isFalse();
        }
    }

    @Test
    void openssl_s_server_with_the_psk_completes_the_handshake() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String hex = HexFormat.of().formatHex(key);
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("s_server.log");
        Process server = new ProcessBuilder(
                        "sh",
                        "-c",
                        "sleep 30 | exec openssl s_server -accept " + port + " -nocert -psk " + hex
                                + " -psk_identity id-mn3@psk.example -tls1_2 -rev")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Path data = dir.resolve("mn3");
        Psk.secret(data, "registrar-psk", hex);
        try {
            for (long end = System.currentTimeMillis() + 5000;
                    !Files.readString(log).contains("ACCEPT") && System.currentTimeMillis() < end; ) {
                Thread.sleep(50);
            }
            try (RunningCse mn3 = mn("/id-mn3", "id-mn3@psk.example", data, "https://127.0.0.1:" + port + "/")) {
                CseHierarchyTest.await(
                        () -> {
                            try {
                                return Files.readString(log).contains("CONNECTION ESTABLISHED");
                            } catch (java.io.IOException e) {
                                return false;
                            }
                        },
                        "OpenSSL accepted the MN's TLS-PSK handshake");
            }
            assertThat(Files.readString(log))
                    .containsPattern("Ciphersuite: (ECDHE-)?PSK-AES128-")
                    .contains("No peer certificate");
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
