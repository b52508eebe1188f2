package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trust anchors managed with {@code citadel credentials ca} while the CSE runs. */
class TrustAnchorTest {
    private static final String SP = "citadel.example";

    @TempDir
    Path pki;

    @TempDir
    Path dataDir;

    @Test
    void adding_and_removing_a_ca_takes_effect_live() throws Exception {
        CertificateAuthority one = CertificateAuthority.create(SP, Duration.ofDays(1));
        CertificateAuthority two = CertificateAuthority.create(SP, Duration.ofDays(1));
        one.save(pki.resolve("one"));
        two.save(pki.resolve("two"));
        CertificateAuthority.save(one.issueCse("/id-in", SP, Duration.ofDays(1)), pki, "cse-in");
        CertificateAuthority.save(one.issueAe("Cone", "/id-in", SP, Duration.ofDays(1)), pki, "Cone");
        CertificateAuthority.save(two.issueAe("Ctwo", "/id-in", SP, Duration.ofDays(1)), pki, "Ctwo");
        assertThat(cli(
                        "add",
                        "--name",
                        "sp-one",
                        "--file",
                        pki.resolve("one/ca.pem").toString()))
                .contains("name-constrained");
        assertThat(cli("add", "--name", "bad", "--file", pki.resolve("Cone.pem").toString()))
                .contains("not a CA");
        try (RunningCse cse = TestCse.start(
                dataDir,
                "--tls-port",
                "0",
                "--tls-cert",
                pki.resolve("cse-in.pem").toString(),
                "--tls-key",
                pki.resolve("cse-in.key").toString())) {
            int port = Integer.parseInt(
                    cse.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
            assertThat(handshake(port, "Cone")).isTrue();
            assertThat(handshake(port, "Ctwo")).isFalse();
            cli("add", "--name", "sp-two", "--file", pki.resolve("two/ca.pem").toString());
            assertThat(eventually(() -> handshake(port, "Ctwo")))
                    .as("second CA trusted without restart")
                    .isTrue();
            assertThat(cli("list")).contains("sp-one").contains("sp-two");
            try (LiveTlsSession live = session(port, "Cone");
                    LiveTlsSession kept = session(port, "Ctwo")) {
                cli("remove", "sp-one");
                assertThat(eventually(() -> !handshake(port, "Cone")))
                        .as("first CA no longer trusted")
                        .isTrue();
                // and the session that CA's certificate opened before is ended too
                assertThat(live.awaitEnd(5))
                        .as("live session closed after its CA was removed")
                        .isTrue();
                // while a session whose CA is still trusted stays up: it is answered after the removal
                kept.request("Ctwo", "2");
                assertThat(kept.awaitAnswers(2, 30)).as(kept.output()).isTrue();
                assertThat(kept.isAlive()).isTrue();
            }
        }
    }

    @Test
    void sni_picks_the_certificate_of_the_requested_name() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SP, Duration.ofDays(1));
        ca.save(pki);
        CertificateAuthority.save(ca.issueCse("/id-in", SP, Duration.ofDays(1)), pki, "cse-in");
        java.nio.file.Files.createDirectories(pki.resolve("sni"));
        CertificateAuthority.save(
                ca.issueServer("api." + SP, List.of(), Duration.ofDays(1)), pki.resolve("sni"), "api." + SP);
        try (RunningCse cse = TestCse.start(
                dataDir,
                "--tls-port",
                "0",
                "--tls-cert",
                pki.resolve("cse-in.pem").toString(),
                "--tls-key",
                pki.resolve("cse-in.key").toString(),
                "--tls-trust",
                pki.resolve("ca.pem").toString(),
                "--tls-sni-dir",
                pki.resolve("sni").toString())) {
            int port = Integer.parseInt(
                    cse.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
            assertThat(subject(port, "api." + SP)).contains("api." + SP);
            assertThat(subject(port, "id-in." + SP)).contains("id-in." + SP);
            assertThat(subject(port, "unknown.example")).contains("id-in." + SP);
        }
    }

    private static String subject(int port, String name) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", name)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        java.util.regex.Matcher m = Pattern.compile("subject=(.*)").matcher(out);
        return m.find() ? m.group(1) : out;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static boolean eventually(Check check) throws Exception {
        for (int i = 0; i < 30; i++) {
            if (check.ok()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** A live s_client session with {@code who}'s certificate, the CSE's certificate checked against CA one. */
    private LiveTlsSession session(int port, String who) throws Exception {
        return LiveTlsSession.open(
                port, pki.resolve(who + ".pem"), pki.resolve(who + ".key"), pki.resolve("one/ca.pem"), who);
    }

    private String cli(String... args) throws Exception {
        List<String> cmd = CitadelCommand.of("credentials", "ca");
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data-dir", dataDir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private boolean handshake(int port, String who) throws Exception {
        Process p = new ProcessBuilder(List.of(
                        "curl",
                        "-s",
                        "-o",
                        "/dev/null",
                        "--cacert",
                        pki.resolve("one/ca.pem").toString(),
                        "--resolve",
                        "id-in." + SP + ":" + port + ":127.0.0.1",
                        "--cert",
                        pki.resolve(who + ".pem").toString(),
                        "--key",
                        pki.resolve(who + ".key").toString(),
                        "-H",
                        "X-M2M-Origin: " + who,
                        "-H",
                        "X-M2M-RI: 1",
                        "-H",
                        "X-M2M-RVI: 3",
                        "https://id-in." + SP + ":" + port + "/cse-in"))
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0;
    }
}
