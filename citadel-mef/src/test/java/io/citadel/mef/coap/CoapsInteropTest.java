package io.citadel.mef.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.credentials.KeyDerivation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Third-party peers against the MEF's CoAPS listener: libcoap's {@code coap-client} (DTLS-PSK with the KpmID and the
 * bootstrap key) fetches the CA ({@code crts}) and enrols with a request {@code openssl req} made (DER, Content-Format
 * 286); {@code openssl verify} accepts the certificate. OpenSSL's {@code s_client -dtls1_2} sends a raw CoAP
 * {@code POST /mef/enrolment} and exports keying material with the label of TS-0003 §10.3: the KeID the MEF answers and
 * the Ke it records are that material's. Without libcoap's coap-client (package libcoap3-bin, which
 * {@code .ci/run} installs) the test fails, naming the package.
 */
class CoapsInteropTest {
    static final String EST = "coaps://127.0.0.1:%d/.well-known/est/";

    @TempDir
    static Path dir;

    static CoapsMef mef;
    /** libcoap 4.3 takes the key as text: this device's bootstrap key is 32 printable characters. */
    static String textKey;

    static byte[] opensslKey = new byte[32];

    @BeforeAll
    static void start() throws Exception {
        mef = new CoapsMef(dir);
        SecureRandom random = new SecureRandom();
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            key.append((char) ('a' + random.nextInt(26)));
        }
        textKey = key.toString();
        mef.device("libcoap", textKey.getBytes(StandardCharsets.US_ASCII), false);
        mef.device("libcoap-refused", textKey.getBytes(StandardCharsets.US_ASCII), false);
        random.nextBytes(opensslKey);
        mef.device("openssl", opensslKey, false);
    }

    @AfterAll
    static void stop() {
        mef.close();
    }

    /** The libcoap client on this machine (OpenSSL or GnuTLS build); the test fails without one. */
    static String coapClient() throws Exception {
        for (String name : List.of("coap-client-openssl", "coap-client-gnutls")) {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + name)
                    .redirectErrorStream(true)
                    .start();
            String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && !path.isEmpty()) {
                return path;
            }
        }
        throw new AssertionError(
                "this test needs libcoap's coap-client (apt-get install libcoap3-bin; .ci/run installs it)");
    }

    /** Runs {@code command}; its output (stdout and stderr); fails unless it ends within 60 s with status 0. */
    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    static List<String> coap(String client, String device, String... rest) {
        List<String> command =
                new ArrayList<>(List.of(client, "-B", "30", "-u", CoapsMef.kpmId(device), "-k", textKey));
        command.addAll(List.of(rest));
        return command;
    }

    /** A P-256 key and a DER request with the challenge password, by {@code openssl req}. */
    static Path opensslRequest(String password) throws Exception {
        Path key = dir.resolve("device.key");
        Path config = dir.resolve("req.cnf");
        Path request = dir.resolve("req-" + System.nanoTime() + ".der");
        run(List.of("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString()));
        Files.writeString(
                config,
                "[req]\nprompt = no\ndistinguished_name = dn\nattributes = attrs\n[dn]\nCN = device\n"
                        + "[attrs]\nchallengePassword = " + password + "\n");
        run(List.of(
                "openssl",
                "req",
                "-new",
                "-key",
                key.toString(),
                "-config",
                config.toString(),
                "-outform",
                "DER",
                "-out",
                request.toString()));
        return request;
    }

    @Test
    void coap_client_is_refused_a_wrong_challenge_password_and_a_wrong_content_format() throws Exception {
        String client = coapClient();
        Path wrong = opensslRequest("not the password");
        String out = run(coap(
                client,
                "libcoap-refused",
                "-m",
                "post",
                "-t",
                "286",
                "-f",
                wrong.toString(),
                EST.formatted(mef.server.port()) + "sen"));
        assertThat(out).contains("4.01").contains("the challenge password is missing or wrong");
        out = run(coap(
                client,
                "libcoap-refused",
                "-m",
                "post",
                "-t",
                "0",
                "-f",
                opensslRequest(CoapsMef.PASSWORD).toString(),
                EST.formatted(mef.server.port()) + "sen"));
        assertThat(out).contains("4.15").contains("Content-Format 286");
        assertThat(mef.enrolments.current(CoapsMef.kpmId("libcoap-refused"))).isEmpty();
    }

    @Test
    void coap_client_fetches_the_ca_and_enrols_with_an_openssl_request_that_openssl_verifies() throws Exception {
        String client = coapClient();
        Path crts = dir.resolve("crts.p7");
        run(coap(client, "libcoap", "-m", "get", "-o", crts.toString(), EST.formatted(mef.server.port()) + "crts"));
        Path ca = dir.resolve("ca.pem");
        run(List.of(
                "openssl", "pkcs7", "-inform", "DER", "-print_certs", "-in", crts.toString(), "-out", ca.toString()));

        Path issued = dir.resolve("issued.p7");
        run(coap(
                client,
                "libcoap",
                "-m",
                "post",
                "-t",
                "286",
                "-f",
                opensslRequest(CoapsMef.PASSWORD).toString(),
                "-o",
                issued.toString(),
                EST.formatted(mef.server.port()) + "sen"));
        Path certificate = dir.resolve("issued.pem");
        run(List.of(
                "openssl",
                "pkcs7",
                "-inform",
                "DER",
                "-print_certs",
                "-in",
                issued.toString(),
                "-out",
                certificate.toString()));
        assertThat(run(List.of("openssl", "verify", "-CAfile", ca.toString(), certificate.toString())))
                .contains(certificate + ": OK");
        assertThat(run(List.of("openssl", "x509", "-in", certificate.toString(), "-noout", "-ext", "subjectAltName")))
                .contains("URI:onem2m://citadel.example/id-in/Clibcoap");
        assertThat(mef.enrolments.current(CoapsMef.kpmId("libcoap"))).isPresent();
    }

    /**
     * {@code openssl s_client -dtls1_2} with {@code -keymatexport EXPORTER-oneM2M-Bootstrap -keymatexportlen 48}
     * sends a CON {@code POST /mef/enrolment} (written here byte by byte, RFC 7252 §3) and prints the keying material;
     * the MEF's answer carries KeID = hex of its first 16 bytes, and the Ke it keeps is the last 32.
     */
    @Test
    void openssl_over_dtls_exports_the_same_ke_as_the_mef() throws Exception {
        Path request = dir.resolve("enrolment.coap");
        ByteArrayOutputStream coap = new ByteArrayOutputStream();
        coap.write(new byte[] {0x41, 0x02, 0x12, 0x34, 0x7a}); // CON, POST, message ID, token of 1 byte
        coap.write(0xb3); // Uri-Path (11), 3 bytes
        coap.write("mef".getBytes(StandardCharsets.US_ASCII));
        coap.write(0x09); // Uri-Path again, 9 bytes
        coap.write("enrolment".getBytes(StandardCharsets.US_ASCII));
        Files.write(request, coap.toByteArray());
        Process p = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-dtls1_2",
                        "-connect",
                        "127.0.0.1:" + mef.server.port(),
                        "-psk_identity",
                        CoapsMef.kpmId("openssl"),
                        "-psk",
                        HexFormat.of().formatHex(opensslKey),
                        "-keymatexport",
                        KeyDerivation.BOOTSTRAP_EXPORTER,
                        "-keymatexportlen",
                        "48",
                        "-ign_eof")
                .redirectErrorStream(true)
                .redirectInput(request.toFile())
                .start();
        String out;
        try {
            out = readUntil(p.getInputStream(), Pattern.compile("\"keID\":\"[0-9a-f]{32}@[^\"]+\""));
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Matcher material = Pattern.compile("Keying material: ([0-9A-Fa-f]{96})").matcher(out);
        assertThat(material.find()).as(out).isTrue();
        byte[] exported = HexFormat.of().parseHex(material.group(1).toLowerCase(java.util.Locale.ROOT));
        String keId = HexFormat.of().formatHex(exported, 0, 16) + "@" + CoapsMef.FQDN;
        assertThat(out).contains("\"keID\":\"" + keId + "\"");
        assertThat(mef.ke.key(keId, Instant.now())).hasValue(java.util.Arrays.copyOfRange(exported, 16, 48));
    }

    /** What {@code in} gives (as ISO-8859-1: CoAP is binary) until {@code wanted} shows, at most 60 s. */
    static String readUntil(InputStream in, Pattern wanted) throws Exception {
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Void> found = CompletableFuture.runAsync(() -> {
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    synchronized (seen) {
                        seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                        if (wanted.matcher(seen).find()) {
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        try {
            found.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // reported below with what came
        }
        synchronized (seen) {
            assertThat(seen.toString()).as("waited 60 s for " + wanted).containsPattern(wanted);
            return seen.toString();
        }
    }
}
