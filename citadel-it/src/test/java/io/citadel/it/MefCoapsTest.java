package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.tls.CertificateAuthority;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code citadel mef serve --coaps-port 0 --device-trust mfr.pem} (its own process): the MEF announces its CoAPS port,
 * and a device that speaks CoAP over DTLS ({@code openssl s_client -dtls1_2}, a raw CoAP request written here) with its
 * bootstrap key, or with its factory certificate (the certificate RSPF), runs the enrolment exchange in that session: the KeID the MEF answers is the hex of the first 16 bytes
 * OpenSSL exports with the label of TS-0003 §10.3.
 */
class MefCoapsTest {
    static final String KPM_ID = "coap-dev@mef.citadel.example";

    @TempDir
    static Path dir;

    static CseProcess mef;
    static String kpmHex;
    static int coapsPort;

    @BeforeAll
    static void start() throws Exception {
        Path data = dir.resolve("mef");
        String added = MefEnrolmentTest.cli(
                "mef",
                "device",
                "add",
                "--data-dir",
                data.toString(),
                "--kpm-id",
                KPM_ID,
                "--ae-id",
                "Ccoap",
                "--cse-id",
                "/id-in");
        kpmHex = MefEnrolmentTest.find(added, "bootstrap key \\(Kpm, hex, shown once\\): ([0-9a-f]{64})");
        // a manufacturer's CA and a factory certificate (IDevID) with a policy, for the certificate RSPF over DTLS
        CertificateAuthority manufacturer = CertificateAuthority.create("mfr.example", Duration.ofDays(1));
        Files.writeString(dir.resolve("mfr.pem"), CertificateAuthority.pem(manufacturer.certificate()));
        Instant now = Instant.now();
        CertificateAuthority.Issued idevid = manufacturer.issue(
                "CN=coap-idev", List.of(), now.minusSeconds(60), now.plus(Duration.ofDays(1)), false, true);
        Files.writeString(dir.resolve("idev.pem"), CertificateAuthority.pem(idevid.certificate()));
        Files.writeString(dir.resolve("idev.key"), CertificateAuthority.pem(idevid.key()));
        MefEnrolmentTest.cli(
                "mef",
                "device",
                "add",
                "--data-dir",
                data.toString(),
                "--device-cert",
                dir.resolve("idev.pem").toString(),
                "--ae-id",
                "Ccoap-idev",
                "--cse-id",
                "/id-in");
        mef = CseProcess.launch(List.of(
                "mef",
                "serve",
                "--data-dir",
                data.toString(),
                "--port",
                "0",
                "--cert-port",
                "0",
                "--coaps-port",
                "0",
                "--device-trust",
                dir.resolve("mfr.pem").toString()));
        coapsPort = Integer.parseInt(
                mef.awaitAnnounced(
                        Pattern.compile(
                                "EST over CoAPS \\(DTLS with bootstrap keys or certificates\\) listening on coaps://127\\.0\\.0\\.1:(\\d+)/\\.well-known/est/")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (mef != null) {
            mef.close();
        }
    }

    @Test
    void a_coap_device_runs_the_enrolment_exchange_over_dtls_with_its_bootstrap_key() throws Exception {
        enrolmentExchange(List.of("-psk_identity", KPM_ID, "-psk", kpmHex));
        assertThat(mef.output()).doesNotContain(kpmHex);
    }

    @Test
    void a_coap_device_runs_the_enrolment_exchange_over_dtls_with_its_factory_certificate() throws Exception {
        // a certificate of a manufacturer the MEF does not trust: no session, no answer
        CertificateAuthority rogue = CertificateAuthority.create("mfr.example", Duration.ofDays(1));
        Instant now = Instant.now();
        CertificateAuthority.Issued forged =
                rogue.issue("CN=coap-idev", List.of(), now.minusSeconds(60), now.plus(Duration.ofDays(1)), false, true);
        Files.writeString(dir.resolve("forged.pem"), CertificateAuthority.pem(forged.certificate()));
        Files.writeString(dir.resolve("forged.key"), CertificateAuthority.pem(forged.key()));
        Process p = new ProcessBuilder(List.of(
                        "openssl",
                        "s_client",
                        "-dtls1_2",
                        "-connect",
                        "127.0.0.1:" + coapsPort,
                        "-cert",
                        dir.resolve("forged.pem").toString(),
                        "-key",
                        dir.resolve("forged.key").toString()))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(request().toFile()))
                .start();
        String refused = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused).contains("alert").doesNotContain("keID");

        enrolmentExchange(List.of(
                "-cert",
                dir.resolve("idev.pem").toString(),
                "-key",
                dir.resolve("idev.key").toString(),
                "-CAfile",
                dir.resolve("mef/ca/ca.pem").toString(),
                "-verify_return_error"));
    }

    /** A CON {@code POST /mef/enrolment} written byte by byte (RFC 7252 §3), in a file. */
    static Path request() throws IOException {
        ByteArrayOutputStream coap = new ByteArrayOutputStream();
        coap.write(new byte[] {0x41, 0x02, 0x00, 0x01, 0x2a}); // CON POST, message ID 1, a token of 1 byte
        coap.write(0xb3); // Uri-Path "mef"
        coap.write("mef".getBytes(StandardCharsets.US_ASCII));
        coap.write(0x09); // Uri-Path "enrolment"
        coap.write("enrolment".getBytes(StandardCharsets.US_ASCII));
        Path request = dir.resolve("enrolment.coap");
        Files.write(request, coap.toByteArray());
        return request;
    }

    /** {@code openssl s_client -dtls1_2} with {@code credential} sends {@code POST /mef/enrolment} and checks the KeID. */
    static void enrolmentExchange(List<String> credential) throws Exception {
        Path request = request();
        List<String> command = new java.util.ArrayList<>(
                List.of("openssl", "s_client", "-dtls1_2", "-connect", "127.0.0.1:" + coapsPort));
        command.addAll(credential);
        command.addAll(List.of("-keymatexport", "EXPORTER-oneM2M-Bootstrap", "-keymatexportlen", "48", "-ign_eof"));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(request.toFile())
                .start();
        String out;
        try {
            out = readUntil(p.getInputStream(), Pattern.compile("\"keID\":\"[0-9a-f]{32}@mef\\.citadel\\.example\""));
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Matcher material = Pattern.compile("Keying material: ([0-9A-Fa-f]{96})").matcher(out);
        assertThat(material.find()).as(out).isTrue();
        String relativeKeId = material.group(1).substring(0, 32).toLowerCase(java.util.Locale.ROOT);
        assertThat(out).contains("\"keID\":\"" + relativeKeId + "@mef.citadel.example\"");
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
        } catch (java.util.concurrent.TimeoutException e) {
            // reported below with what came
        }
        synchronized (seen) {
            assertThat(seen.toString()).as("waited 60 s for " + wanted).containsPattern(wanted);
            return seen.toString();
        }
    }
}
