package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
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
 * TLS with raw public keys (RFC 7250) on HTTP, against a third-party client: GnuTLS's {@code gnutls-cli}
 * (OpenSSL 3.0 has no RFC 7250). Negative cases first: an untrusted key, a client without raw keys, old
 * protocol versions, another AE's From, a silent connection; then registration over TLS 1.3 and 1.2, the
 * CSE's key as the client sees it, and a revocation that ends a live session.
 */
class RawKeyTlsTest {
    static final String PRIORITY = "NORMAL:+CTYPE-CLI-RAWPK:+CTYPE-SRV-RAWPK";

    @TempDir
    static Path dataDir;

    @TempDir
    static Path keys;

    static RunningCse cse;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("gnutls-cli (Debian gnutls-bin)", "gnutls-cli", "--version");
        for (String k : List.of("cse", "dev", "dev2", "rogue")) {
            run(
                    "openssl",
                    "genpkey",
                    "-algorithm",
                    "EC",
                    "-pkeyopt",
                    "ec_paramgen_curve:P-256",
                    "-out",
                    keys.resolve(k + ".key").toString());
            run(
                    "openssl",
                    "pkey",
                    "-in",
                    keys.resolve(k + ".key").toString(),
                    "-pubout",
                    "-out",
                    keys.resolve(k + ".pub").toString());
        }
        Psk.credentials(dataDir, "rpk", "add", "--key", keys.resolve("dev.pub").toString(), "--allow", "Crawdev");
        Psk.credentials(dataDir, "rpk", "add", "--key", keys.resolve("dev2.pub").toString(), "--allow", "Crawdev2");
        // the CSE's key at rest is an encrypted PKCS#8 file, as OpenSSL writes it
        Files.writeString(keys.resolve("cse.pass"), "correct horse battery staple\n");
        run(
                "openssl",
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-in",
                keys.resolve("cse.key").toString(),
                "-passout",
                "file:" + keys.resolve("cse.pass"),
                "-out",
                keys.resolve("cse-encrypted.key").toString());
        cse = TestCse.start(
                dataDir,
                "--rpk-port",
                "0",
                "--tls-key",
                keys.resolve("cse-encrypted.key").toString(),
                "--tls-key-password-file",
                keys.resolve("cse.pass").toString(),
                "--handshake-timeout-ms",
                "2000");
        port = Integer.parseInt(
                cse.awaitAnnounced(Pattern.compile("TLS \\(raw public keys\\) listening on port (\\d+)")));
        assertThat(cse.awaitAnnounced(
                        Pattern.compile("key protection: tls-key PEM [^:]*: (software: encrypted PKCS#8)")))
                .isNotNull();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cse != null) {
            cse.close();
        }
    }

    static String http(String method, String path, String from, String body) {
        String b = body == null ? "" : body;
        return method + " " + path + " HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: " + from
                + "\r\nX-M2M-RI: r1\r\nX-M2M-RVI: 3\r\n"
                + (body == null ? "" : "Content-Type: application/json;ty=2\r\n")
                + "Content-Length: " + b.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + b;
    }

    /** gnutls-cli with a raw key pair (or none); sends {@code request}, returns everything it printed. */
    static String gnutls(String key, String priority, String request) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "gnutls-cli", "-V", "--no-ca-verification", "--priority", priority, "-p", String.valueOf(port)));
        if (key != null) {
            cmd.addAll(List.of(
                    "--rawpkkeyfile",
                    keys.resolve(key + ".key").toString(),
                    "--rawpkfile",
                    keys.resolve(key + ".pub").toString()));
        }
        cmd.add("127.0.0.1");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(request.getBytes(StandardCharsets.UTF_8));
            in.flush();
            // gnutls-cli stops reading the server when its input ends: keep it open until the server closes
            p.waitFor(5, TimeUnit.SECONDS);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    static String rsc(String out) {
        Matcher m = Pattern.compile("(?i)X-M2M-RSC: (\\d+)").matcher(out);
        return m.find() ? m.group(1) : "no response";
    }

    static final String AE = "{\"m2m:ae\":{\"rn\":\"%s\",\"api\":\"Nraw\",\"rr\":false,\"srv\":[\"3\"]}}";

    @Test
    void untrusted_keys_clients_without_raw_keys_and_old_versions_get_no_session() throws Exception {
        String rogue = gnutls("rogue", PRIORITY, http("GET", "/cse-in", "Crawdev", null));
        assertThat(rogue).doesNotContain("HTTP/1.1").contains("Fatal error");
        // a client offering X.509 only (OpenSSL 3.0 has no RFC 7250): refused before anything is sent
        assertThat(gnutls(null, "NORMAL", http("GET", "/cse-in", "Crawdev", null)))
                .doesNotContain("HTTP/1.1");
        Process openssl = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-quiet")
                .redirectErrorStream(true)
                .start();
        openssl.getOutputStream().close();
        String refused = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(refused).contains("alert");
        // only the server's raw key, no client key: refused too
        assertThat(gnutls(null, "NORMAL:+CTYPE-SRV-RAWPK", http("GET", "/cse-in", "Crawdev", null)))
                .doesNotContain("HTTP/1.1");
        // TLS 1.1 and 1.0
        assertThat(gnutls(
                        "dev",
                        "NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0:+CTYPE-CLI-RAWPK:+CTYPE-SRV-RAWPK",
                        http("GET", "/cse-in", "Crawdev", null)))
                .doesNotContain("HTTP/1.1");
    }

    @Test
    void an_encrypted_cse_key_needs_its_password(@TempDir Path other) throws Exception {
        Files.writeString(keys.resolve("wrong.pass"), "wrong\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestCse.start(
                                other,
                                "--rpk-port",
                                "0",
                                "--tls-key",
                                keys.resolve("cse-encrypted.key").toString(),
                                "--tls-key-password-file",
                                keys.resolve("wrong.pass").toString())
                        .close())
                .hasMessageContaining("wrong password");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestCse.start(
                                other,
                                "--rpk-port",
                                "0",
                                "--tls-key",
                                keys.resolve("cse-encrypted.key").toString())
                        .close())
                .hasMessageContaining("is encrypted");
    }

    @Test
    void from_must_be_an_originator_bound_to_the_key() throws Exception {
        assertThat(rsc(gnutls("dev", PRIORITY, http("POST", "/cse-in", "Cintruder", AE.formatted("intruder")))))
                .isEqualTo("4106");
        assertThat(rsc(gnutls("dev", PRIORITY, http("GET", "/cse-in", "/id-mn", null))))
                .isEqualTo("4106");
        assertThat(cse.client().as(CseProcess.ADMIN).retrieve("cse-in/intruder").rsc())
                .isEqualTo(4004);
    }

    @Test
    void a_silent_connection_is_closed_after_the_handshake_timeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4_000);
        }
    }

    @Test
    void a_device_registers_with_its_raw_key_over_tls13_and_tls12_and_sees_the_cse_key() throws Exception {
        String registered = gnutls("dev", PRIORITY, http("POST", "/cse-in", "Crawdev", AE.formatted("rawdev")));
        assertThat(rsc(registered)).isEqualTo("2001");
        assertThat(registered).contains("TLS1.3-Raw Public Key");
        // the key the CSE proved is its --tls-key
        assertThat(registered.replace("\r", ""))
                .contains(Files.readString(keys.resolve("cse.pub")).strip());
        String tls12 = gnutls(
                "dev",
                "NORMAL:-VERS-TLS1.3:+CTYPE-CLI-RAWPK:+CTYPE-SRV-RAWPK",
                http("GET", "/cse-in/rawdev", "Crawdev", null));
        assertThat(rsc(tls12)).isEqualTo("2000");
        assertThat(tls12).contains("TLS1.2-Raw Public Key").contains("ECDHE-ECDSA");
        // the CSE remembers the association the AE registered over, shows it to nobody, lets nobody write it,
        // and refuses the AE-ID on the plain listener
        assertThat(tls12).doesNotContain("citadel:");
        assertThat(cse.client().as(CseProcess.ADMIN).retrieve("cse-in/rawdev").text())
                .doesNotContain("citadel:");
        assertThat(cse.client().as("Crawdev").retrieve("cse-in/rawdev").rsc()).isEqualTo(4107);
        String hidden = "{\"m2m:ae\":{\"citadel:registeredOver\":\"x\"}}";
        assertThat(rsc(gnutls(
                        "dev",
                        PRIORITY,
                        "PUT /cse-in/rawdev HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: Crawdev\r\n"
                                + "X-M2M-RI: r2\r\nX-M2M-RVI: 3\r\nContent-Type: application/json\r\nContent-Length: "
                                + hidden.length()
                                + "\r\nConnection: close\r\n\r\n" + hidden)))
                .isEqualTo("4000");
    }

    @Test
    void revoking_a_key_ends_its_live_session() throws Exception {
        Process p = new ProcessBuilder(
                        "gnutls-cli",
                        "--no-ca-verification",
                        "--priority",
                        PRIORITY,
                        "-p",
                        String.valueOf(port),
                        "--rawpkkeyfile",
                        keys.resolve("dev2.key").toString(),
                        "--rawpkfile",
                        keys.resolve("dev2.pub").toString(),
                        "127.0.0.1")
                .redirectErrorStream(true)
                .start();
        StringBuffer out = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                for (int b; (b = in.read()) >= 0; ) {
                    out.append((char) b);
                }
            } catch (java.io.IOException ignored) {
                // ended
            }
        });
        reader.start();
        try (OutputStream in = p.getOutputStream()) {
            for (long end = System.currentTimeMillis() + 10_000;
                    !out.toString().contains("Handshake was completed") && System.currentTimeMillis() < end;
                    Thread.sleep(50)) {
                // waiting for the session
            }
            assertThat(out.toString()).contains("Handshake was completed");
            String ni = Psk.credentials(
                            dataDir, "rpk", "id", keys.resolve("dev2.pub").toString())
                    .strip();
            assertThat(Psk.credentials(dataDir, "rpk", "revoke", ni)).contains("revoked");
            assertThat(p.waitFor(5, TimeUnit.SECONDS))
                    .as("session closed after revocation: " + out)
                    .isTrue();
        }
        reader.join(5_000);
        assertThat(out.toString()).contains("Peer has closed");
        assertThat(gnutls("dev2", PRIORITY, http("GET", "/cse-in", "Crawdev2", null)))
                .doesNotContain("HTTP/1.1");
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
