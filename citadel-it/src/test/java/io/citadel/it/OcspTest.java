package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OCSP for client certificates against a third-party responder ({@code openssl ocsp}); fail closed when required. */
class OcspTest {
    private static final String SP = "citadel.example";

    @TempDir
    Path pki;

    @TempDir
    Path dataDir;

    @Test
    void good_revoked_and_unreachable_answers() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SP, Duration.ofDays(1));
        ca.save(pki);
        CertificateAuthority.save(ca.issueCse("/id-in", SP, Duration.ofDays(1)), pki, "cse-in");
        var good = ca.issueAe("Cgood", "/id-in", SP, Duration.ofDays(1));
        var bad = ca.issueAe("Cbad", "/id-in", SP, Duration.ofDays(1));
        CertificateAuthority.save(good, pki, "Cgood");
        CertificateAuthority.save(bad, pki, "Cbad");
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
        String exp = f.format(ZonedDateTime.now(ZoneOffset.UTC).plusDays(1));
        String revokedAt = f.format(ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(1));
        Files.writeString(
                pki.resolve("index.txt"),
                "V\t" + exp + "\t\t"
                        + good.certificate().getSerialNumber().toString(16).toUpperCase() + "\tunknown\t/CN=Cgood\n"
                        + "R\t" + exp + "\t" + revokedAt + "\t"
                        + bad.certificate().getSerialNumber().toString(16).toUpperCase()
                        + "\tunknown\t/CN=Cbad\n");
        int ocspPort;
        ocspPort = Ports.free();
        Process responder = new ProcessBuilder(
                        "openssl",
                        "ocsp",
                        "-index",
                        pki.resolve("index.txt").toString(),
                        "-port",
                        String.valueOf(ocspPort),
                        "-rsigner",
                        pki.resolve("ca.pem").toString(),
                        "-rkey",
                        pki.resolve("ca.key").toString(),
                        "-CA",
                        pki.resolve("ca.pem").toString())
                .redirectErrorStream(true)
                .start();
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
                "--tls-ocsp-url",
                "http://127.0.0.1:" + ocspPort,
                "--tls-ocsp-required",
                "true")) {
            int port = Integer.parseInt(
                    cse.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
            awaitAccepting(responder); // the responder announces its bound port
            assertThat(curl(port, "Cgood")).as("good answer").doesNotStartWith("curl");
            assertThat(curl(port, "Cbad")).as("revoked").startsWith("curl exit");
            responder.destroy();
            responder.waitFor(10, TimeUnit.SECONDS);
            // the good answer is cached for a minute; a certificate never asked about now fails closed
            CertificateAuthority.save(ca.issueAe("Cnew", "/id-in", SP, Duration.ofDays(1)), pki, "Cnew");
            assertThat(curl(port, "Cnew")).as("responder down, OCSP required").startsWith("curl exit");
            assertThat(curl(port, "Cgood")).as("cached good answer").doesNotStartWith("curl");
        } finally {
            responder.destroyForcibly();
        }
    }

    private String curl(int port, String who) throws Exception {
        Process p = new ProcessBuilder(List.of(
                        "curl",
                        "-s",
                        "-i",
                        "--cacert",
                        pki.resolve("ca.pem").toString(),
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
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("(?i)X-M2M-RSC: (\\d+)").matcher(out);
        return m.find() ? m.group(1) : "curl exit " + p.exitValue();
    }

    /** Waits (up to 10 s) for {@code openssl ocsp}'s "ACCEPT" line, printed once its port is bound. */
    private static void awaitAccepting(Process responder) throws Exception {
        java.util.concurrent.CompletableFuture<Void> accepting = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                            responder.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            if (line.startsWith("ACCEPT")) {
                                accepting.complete(null);
                            }
                        }
                    } catch (java.io.IOException ignored) {
                        // the responder ended
                    }
                    accepting.completeExceptionally(new IllegalStateException("openssl ocsp ended"));
                },
                "ocsp-output");
        reader.setDaemon(true);
        reader.start();
        accepting.get(10, TimeUnit.SECONDS);
    }
}
