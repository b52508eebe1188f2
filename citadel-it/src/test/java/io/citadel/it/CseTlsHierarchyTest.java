package io.citadel.it;

import static io.citadel.it.Fixtures.acp;
import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.container;
import static io.citadel.it.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSEs talking over mutual TLS with CSE-ID certificates, no insecure peers: the MN registers with the IN
 * over TLS, requests are forwarded both ways over TLS, a CSE that claims another CSE-ID than its
 * certificate is refused (4106), a server that is not the expected registrar gets nothing, and
 * {@code openssl s_server} standing in as registrar sees our CSE's client certificate.
 */
class CseTlsHierarchyTest {
    private static final String SP = "citadel.example";

    @TempDir
    static Path dir;

    static Path pki;
    static int inTls;
    static CseProcess in;
    static CseProcess mn;

    static int freePort() throws Exception {
        return Ports.free();
    }

    static String[] tls(String name) {
        return new String[] {
            "--tls-cert",
            pki.resolve(name + ".pem").toString(),
            "--tls-key",
            pki.resolve(name + ".key").toString(),
            "--tls-trust",
            pki.resolve("ca.pem").toString()
        };
    }

    static String[] join(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @BeforeAll
    static void start() throws Exception {
        pki = Files.createDirectories(dir.resolve("pki"));
        CertificateAuthority ca = CertificateAuthority.create(SP, Duration.ofDays(2));
        ca.save(pki);
        for (String cse : List.of("id-in", "id-mn", "id-evil", "id-x")) {
            CertificateAuthority.save(ca.issueCse("/" + cse, SP, Duration.ofDays(1)), pki, cse);
        }
        inTls = freePort();
        in = CseProcess.start(dir.resolve("in"), join(tls("id-in"), "--tls-port", String.valueOf(inTls)));
        mn = CseProcess.start(
                dir.resolve("mn"),
                join(
                        tls("id-mn"),
                        "--tls-port",
                        "0",
                        "--cse-id",
                        "/id-mn",
                        "--cse-name",
                        "cse-mn",
                        "--cse-type",
                        "MN",
                        "--registrar-cse-id",
                        "/id-in",
                        "--registrar-poa",
                        "https://127.0.0.1:" + inTls + "/",
                        "--registrar-keepalive",
                        "PT1S"));
        CseHierarchyTest.await(
                () -> in.client().as(CseProcess.ADMIN).retrieve("cse-in/id-mn").rsc() == 2000,
                "MN registered over TLS");
    }

    @AfterAll
    static void stop() throws Exception {
        mn.close();
        in.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_registration_went_over_tls_and_names_the_mn_s_https_point_of_access() {
        Map<String, Object> csr =
                in.client().as(CseProcess.ADMIN).retrieve("cse-in/id-mn").resource("m2m:csr");
        assertThat(csr).containsEntry("csi", "/id-mn");
        assertThat((List<String>) csr.get("poa")).first().asString().startsWith("https://127.0.0.1:");
    }

    @Test
    void requests_are_forwarded_over_tls_in_both_directions() {
        OneM2mHttpClient inAe = in.client().as("Ctlsin");
        assertThat(inAe.create("cse-in", 2, ae("tlsin")).rsc()).isEqualTo(2001);
        assertThat(inAe.create(
                                "cse-in/tlsin",
                                1,
                                acp(
                                        "p",
                                        List.of(rule(List.of("/id-mn/Ctlsmn", "Ctlsin"), 63)),
                                        List.of(rule(List.of("Ctlsin"), 63))))
                        .rsc())
                .isEqualTo(2001);
        assertThat(inAe.create("cse-in/tlsin", 3, container("c", Map.of("acpi", List.of("cse-in/tlsin/p"))))
                        .rsc())
                .isEqualTo(2001);
        OneM2mHttpClient mnAe = mn.client().as("Ctlsmn");
        assertThat(mnAe.create("cse-mn", 2, ae("tlsmn")).rsc()).isEqualTo(2001);
        assertThat(mnAe.retrieve("~/id-in/cse-in/tlsin/c").rsc()).isEqualTo(2000);
        assertThat(mnAe.create(
                                "cse-mn/tlsmn",
                                1,
                                acp(
                                        "q",
                                        List.of(rule(List.of("/id-in/Ctlsin", "Ctlsmn"), 63)),
                                        List.of(rule(List.of("Ctlsmn"), 63))))
                        .rsc())
                .isEqualTo(2001);
        assertThat(mnAe.create("cse-mn/tlsmn", 3, container("d", Map.of("acpi", List.of("cse-mn/tlsmn/q"))))
                        .rsc())
                .isEqualTo(2001);
        assertThat(inAe.retrieve("~/id-mn/cse-mn/tlsmn/d").rsc()).isEqualTo(2000);
    }

    @Test
    void a_cse_whose_certificate_names_another_cse_id_cannot_register_and_a_false_registrar_gets_nothing()
            throws Exception {
        // id-evil's certificate, claiming to be /id-mn2 at the IN: 4106
        try (CseProcess evil = CseProcess.start(
                dir.resolve("evil"),
                join(
                        tls("id-evil"),
                        "--tls-port",
                        "0",
                        "--cse-id",
                        "/id-mn2",
                        "--cse-name",
                        "cse-mn2",
                        "--cse-type",
                        "MN",
                        "--registrar-cse-id",
                        "/id-in",
                        "--registrar-poa",
                        "https://127.0.0.1:" + inTls + "/",
                        "--registrar-keepalive",
                        "PT1S"))) {
            evil.awaitAnnounced(Pattern.compile("refused our registration: (4106)"));
            assertThat(in.client()
                            .as(CseProcess.ADMIN)
                            .retrieve("cse-in/id-mn2")
                            .rsc())
                    .isEqualTo(4004);
            // a CSE told that the evil one's TLS port is its registrar /id-in: the handshake fails, nothing is sent
            int evilTls = Integer.parseInt(
                    evil.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
            try (CseProcess fooled = CseProcess.start(
                    dir.resolve("fooled"),
                    join(
                            tls("id-x"),
                            "--cse-id",
                            "/id-x",
                            "--cse-name",
                            "cse-x",
                            "--cse-type",
                            "MN",
                            "--registrar-cse-id",
                            "/id-in",
                            "--registrar-poa",
                            "https://127.0.0.1:" + evilTls + "/",
                            "--registrar-keepalive",
                            "PT1S"))) {
                fooled.awaitAnnounced(Pattern.compile("registrar /id-in at \\S+ (cannot be reached)"));
                Thread.sleep(500);
                assertThat(evil.client()
                                .as(CseProcess.ADMIN)
                                .retrieve("cse-mn2/id-x")
                                .rsc())
                        .isEqualTo(4004);
            }
        }
    }

    @Test
    void openssl_s_server_as_registrar_sees_the_cse_certificate_of_our_client() throws Exception {
        int port = freePort();
        Process server = new ProcessBuilder(
                        "openssl",
                        "s_server",
                        "-accept",
                        String.valueOf(port),
                        "-www",
                        "-cert",
                        pki.resolve("id-in.pem").toString(),
                        "-key",
                        pki.resolve("id-in.key").toString(),
                        "-CAfile",
                        pki.resolve("ca.pem").toString(),
                        "-Verify",
                        "1")
                .redirectErrorStream(true)
                .start();
        StringBuffer out = new StringBuffer();
        java.util.concurrent.CountDownLatch accepting = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader lines = new java.io.BufferedReader(
                    new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    out.append(line).append('\n');
                    if (line.startsWith("ACCEPT")) { // s_server listens
                        accepting.countDown();
                    }
                }
            } catch (java.io.IOException ignored) {
                // ended
            }
            accepting.countDown();
        });
        reader.start();
        try {
            assertThat(accepting.await(30, TimeUnit.SECONDS))
                    .as("openssl s_server started")
                    .isTrue();
            try (CseProcess client = CseProcess.start(
                    dir.resolve("x"),
                    join(
                            tls("id-x"),
                            "--cse-id",
                            "/id-x",
                            "--cse-name",
                            "cse-x",
                            "--cse-type",
                            "MN",
                            "--registrar-cse-id",
                            "/id-in",
                            "--registrar-poa",
                            "https://127.0.0.1:" + port + "/",
                            "--registrar-keepalive",
                            "PT1S"))) {
                // s_server -www serves web pages and does not answer a POST: the registration cannot complete,
                // what counts is the handshake it saw
                client.awaitAnnounced(
                        Pattern.compile("registrar /id-in (refused our registration|at \\S+ cannot be reached)"));
            }
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
            reader.join(5_000);
        }
        assertThat(out.toString())
                .as(out.toString())
                .contains("CN = id-x." + SP)
                .contains("verify return:1")
                .doesNotContain("verify error");
    }
}
