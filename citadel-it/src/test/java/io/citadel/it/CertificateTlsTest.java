package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.tls.CertificateAuthority;
import io.citadel.tls.CertificateAuthority.Issued;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Certificate-Based SAEF over TLS with third-party clients (curl, openssl s_client); every certificate
 * is generated at test time by the oneM2M-profile test PKI. Negative cases first.
 */
class CertificateTlsTest {
    private static final String SP = "citadel.example";

    @TempDir
    static Path dataDir;

    @TempDir
    static Path pki;

    static RunningCse cse;
    static int tlsPort;
    static String doomedSerial;

    static void pki(String... args) throws Exception {
        List<String> cmd = CitadelCommand.of("pki");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @BeforeAll
    static void start() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SP, Duration.ofDays(2));
        ca.save(pki);
        CertificateAuthority.save(ca.issueCse("/id-in", SP, Duration.ofDays(1)), pki, "cse-in");
        CertificateAuthority.save(ca.issueAe("Cae1", "/id-in", SP, Duration.ofDays(1)), pki, "Cae1");
        CertificateAuthority.save(ca.issueCse("/id-mn", SP, Duration.ofDays(1)), pki, "id-mn");
        Instant now = Instant.now();
        CertificateAuthority.save(
                ca.issue(
                        "CN=Cold",
                        List.of(new GeneralName(
                                GeneralName.uniformResourceIdentifier, "onem2m://" + SP + "/id-in/Cold")),
                        now.minusSeconds(7200),
                        now.minusSeconds(3600),
                        false,
                        true),
                pki,
                "expired");
        CertificateAuthority.save(
                ca.issue(
                        "CN=Cevil",
                        List.of(new GeneralName(
                                GeneralName.uniformResourceIdentifier, "onem2m://evil.example/id-in/Cevil")),
                        now.minusSeconds(60),
                        now.plusSeconds(3600),
                        false,
                        true),
                pki,
                "outside");
        Issued doomed = ca.issueAe("Cdoomed", "/id-in", SP, Duration.ofDays(1));
        CertificateAuthority.save(doomed, pki, "Cdoomed");
        doomedSerial = doomed.certificate().getSerialNumber().toString(16);
        pki("crl", "--dir", pki.toString(), "--out", pki.resolve("ca.crl").toString());
        CertificateAuthority rogue = CertificateAuthority.create(SP, Duration.ofDays(1));
        CertificateAuthority.save(rogue.issueAe("Cae1", "/id-in", SP, Duration.ofDays(1)), pki, "rogue");
        cse = TestCse.start(
                dataDir,
                "--tls-port",
                "0",
                "--tls-cert",
                pki.resolve("cse-in.pem").toString(),
                "--tls-key",
                pki.resolve("cse-in.key").toString(),
                "--tls-trust",
                pki.resolve("ca.pem").toString(),
                "--handshake-timeout-ms",
                "2000",
                "--tls-crl",
                pki.resolve("ca.crl").toString(),
                "--tls-crl-required",
                "true");
        tlsPort = Integer.parseInt(
                cse.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
    }

    /** curl with a client certificate; returns the X-M2M-RSC, or "curl exit N" when there was no response. */
    static String curl(String cert, String method, String path, String from, String contentType, String body)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "curl",
                "-s",
                "-i",
                "--cacert",
                pki.resolve("ca.pem").toString(),
                "--resolve",
                "id-in." + SP + ":" + tlsPort + ":127.0.0.1",
                "-X",
                method,
                "-H",
                "X-M2M-Origin: " + from,
                "-H",
                "X-M2M-RI: 1",
                "-H",
                "X-M2M-RVI: 3"));
        if (cert != null) {
            cmd.addAll(List.of(
                    "--cert",
                    pki.resolve(cert + ".pem").toString(),
                    "--key",
                    pki.resolve(cert + ".key").toString()));
        }
        if (body != null) {
            cmd.addAll(List.of("-H", "Content-Type: " + contentType, "-d", body));
        }
        cmd.add("https://id-in." + SP + ":" + tlsPort + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("(?i)X-M2M-RSC: (\\d+)").matcher(out);
        return m.find() ? m.group(1) : "curl exit " + p.exitValue();
    }

    static String ae(String rn) {
        return "{\"m2m:ae\":{\"rn\":\"" + rn + "\",\"api\":\"Nx\",\"rr\":false,\"srv\":[\"3\"]}}";
    }

    @Test
    void untrusted_expired_and_out_of_constraint_certificates_get_no_session() throws Exception {
        assertThat(curl("rogue", "GET", "/cse-in", "Cae1", null, null)).startsWith("curl exit");
        assertThat(curl("expired", "GET", "/cse-in", "Cold", null, null)).startsWith("curl exit");
        assertThat(curl("outside", "GET", "/cse-in", "Cevil", null, null)).startsWith("curl exit");
    }

    @Test
    void downgrades_and_weak_suites_are_refused() throws Exception {
        for (List<String> flags : List.of(
                List.of("-tls1"),
                List.of("-tls1_1"),
                List.of("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"),
                List.of("-tls1_2", "-cipher", "AES128-SHA256"))) {
            List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + tlsPort));
            cmd.addAll(flags);
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            assertThat(out).as(flags.toString()).contains("Cipher is (NONE)");
        }
    }

    @Test
    void the_ae_id_certificate_binds_from() throws Exception {
        assertThat(curl("Cae1", "POST", "/cse-in", "Cother", "application/json;ty=2", ae("other")))
                .isEqualTo("4106");
        assertThat(curl("Cae1", "POST", "/cse-in", "Cae1", "application/json;ty=2", ae("ae1")))
                .isEqualTo("2001");
        assertThat(curl("Cae1", "GET", "/cse-in/ae1", "Cae1", null, null)).isEqualTo("2000");
        assertThat(curl("Cae1", "GET", "/cse-in/ae1", "CAdminTest", null, null)).isEqualTo("4106");
    }

    @Test
    void the_cse_id_certificate_binds_the_cse_id() throws Exception {
        assertThat(cse.client().as("/id-mn").retrieve("cse-in").rsc()).isEqualTo(4107);
        assertThat(curl("id-mn", "GET", "/cse-in", "/id-mn", null, null))
                .isNotIn("4106", "4107")
                .doesNotStartWith("curl");
        assertThat(curl("id-mn", "GET", "/cse-in", "/id-other", null, null)).isEqualTo("4106");
        assertThat(curl(null, "GET", "/cse-in", "/id-mn", null, null))
                .as("TLS without a client certificate")
                .isEqualTo("4107");
    }

    @Test
    void the_mandatory_onem2m_suite_is_offered() throws Exception {
        Process p = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + tlsPort,
                        "-tls1_2",
                        "-cipher",
                        "ECDHE-ECDSA-AES128-SHA256",
                        "-CAfile",
                        pki.resolve("ca.pem").toString(),
                        "-servername",
                        "id-in." + SP)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        assertThat(out).contains("Cipher is ECDHE-ECDSA-AES128-SHA256").contains("Verify return code: 0 (ok)");
    }

    @Test
    void a_revoked_certificate_is_refused_and_its_live_session_ends() throws Exception {
        assertThat(curl("Cdoomed", "POST", "/cse-in", "Cdoomed", "application/json;ty=2", ae("doomed")))
                .isEqualTo("2001");
        try (LiveTlsSession session = LiveTlsSession.open(
                tlsPort, pki.resolve("Cdoomed.pem"), pki.resolve("Cdoomed.key"), pki.resolve("ca.pem"), "Cdoomed")) {
            pki(
                    "crl",
                    "--dir",
                    pki.toString(),
                    "--revoke",
                    doomedSerial,
                    "--out",
                    pki.resolve("ca.crl").toString());
            assertThat(session.awaitEnd(6))
                    .as("the live session of the revoked certificate was closed")
                    .isTrue();
        }
        assertThat(curl("Cdoomed", "GET", "/cse-in", "Cdoomed", null, null)).startsWith("curl exit");
        assertThat(curl("Cae1", "GET", "/cse-in", "Cae1", null, null)).doesNotStartWith("curl");
    }

    @Test
    void plain_http_refuses_to_listen_beyond_loopback_unless_told_to() throws Exception {
        Process p = new ProcessBuilder(CitadelCommand.of(
                        "serve",
                        "--http-host",
                        "0.0.0.0",
                        "--http-port",
                        "0",
                        "--data-dir",
                        pki.resolve("plain-data").toString(),
                        "--admin-originator",
                        "CAdminTest"))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("plain HTTP on 0.0.0.0");
    }

    @Test
    void a_silent_connection_is_closed_after_the_handshake_timeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", tlsPort)) {
            s.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            InputStream in = s.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(500L, 5_000L);
        }
    }
}
