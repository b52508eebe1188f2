package io.citadel.mef.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.credentials.KeyDerivation;
import io.citadel.tls.CertificateAuthority;
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
 * the Ke it records are that material's, with the bootstrap key and with a manufacturer's certificate (the certificate
 * RSPF). Without libcoap's coap-client (package libcoap3-bin, which
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
        return opensslRequestFor(opensslKey(), password);
    }

    /** A new P-256 key (PEM), by {@code openssl ecparam}. */
    static Path opensslKey() throws Exception {
        Path key = dir.resolve("device-" + System.nanoTime() + ".key");
        run(List.of("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString()));
        return key;
    }

    /** A DER request for {@code key} with the challenge password, by {@code openssl req}. */
    static Path opensslRequestFor(Path key, String password) throws Exception {
        Path config = dir.resolve("req.cnf");
        Path request = dir.resolve("req-" + System.nanoTime() + ".der");
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
     * The certificate RSPF with libcoap: {@code coap-client} with a manufacturer's certificate (PEM) enrols with a
     * request {@code openssl req} made, then re-enrols with the certificate it got; each issued certificate passes
     * {@code openssl verify}, and the first no longer proves anybody once superseded.
     */
    @Test
    void coap_client_enrols_with_a_factory_certificate_and_re_enrols_with_the_issued_one() throws Exception {
        String client = coapClient();
        CoapsMef.Holder factory = mef.factoryDevice(mef.manufacturer, "libcoap-idev", "Clibcoap-idev");
        Path factoryCert = dir.resolve("libcoap-idev.pem");
        Path factoryKey = dir.resolve("libcoap-idev.key");
        Files.writeString(factoryCert, CertificateAuthority.pem(factory.chain().get(0)));
        Files.writeString(factoryKey, CertificateAuthority.pem(factory.key()));
        Path mefCa = dir.resolve("mef-ca.pem");
        Files.writeString(mefCa, CertificateAuthority.pem(mef.ca.certificate()));

        Path deviceKey = opensslKey();
        Path request = opensslRequestFor(deviceKey, CoapsMef.PASSWORD);
        Path first = dir.resolve("first.der");
        run(estPost(
                client,
                factoryCert.toString(),
                factoryKey.toString(),
                mefCa.toString(),
                request.toString(),
                first.toString(),
                "sen"));
        Path firstPem = pemOf(first);
        assertThat(run(List.of("openssl", "verify", "-CAfile", mefCa.toString(), firstPem.toString())))
                .contains(": OK");
        assertThat(run(List.of("openssl", "x509", "-in", firstPem.toString(), "-noout", "-ext", "subjectAltName")))
                .contains("URI:onem2m://citadel.example/id-in/Clibcoap-idev");

        Path second = dir.resolve("second.der");
        Path renewal = opensslRequestFor(deviceKey, CoapsMef.PASSWORD);
        run(estPost(
                client,
                firstPem.toString(),
                deviceKey.toString(),
                mefCa.toString(),
                renewal.toString(),
                second.toString(),
                "sren"));
        Path secondPem = pemOf(second);
        assertThat(run(List.of("openssl", "verify", "-CAfile", mefCa.toString(), secondPem.toString())))
                .contains(": OK");

        String superseded = run(estPost(
                client, firstPem.toString(), deviceKey.toString(), mefCa.toString(), request.toString(), null, "sren"));
        assertThat(superseded).contains("4.01").contains("no enrolee: the DTLS handshake proved none the MEF knows");
    }

    /**
     * A {@code coap-client} POST of a DER request (286) to EST {@code operation} with a certificate ({@code -c},
     * {@code -j}) and the MEF's CA ({@code -C}), asking for the certificate alone (287), into {@code output} if given.
     */
    static List<String> estPost(
            String client, String cert, String key, String ca, String request, String output, String operation) {
        List<String> command = new ArrayList<>(List.of(
                client, "-B", "30", "-c", cert, "-j", key, "-C", ca, "-m", "post", "-t", "286", "-A", "287", "-f",
                request));
        if (output != null) {
            command.addAll(List.of("-o", output));
        }
        command.add(EST.formatted(mef.server.port()) + operation);
        return command;
    }

    /** {@code der} as PEM, by {@code openssl x509}. */
    static Path pemOf(Path der) throws Exception {
        Path pem = dir.resolve(der.getFileName() + ".pem");
        run(List.of("openssl", "x509", "-inform", "DER", "-in", der.toString(), "-out", pem.toString()));
        return pem;
    }

    /**
     * {@code openssl s_client -dtls1_2} with {@code -keymatexport EXPORTER-oneM2M-Bootstrap -keymatexportlen 48}
     * sends a CON {@code POST /mef/enrolment} (written here byte by byte, RFC 7252 §3) and prints the keying material;
     * the MEF's answer carries KeID = hex of its first 16 bytes, and the Ke it keeps is the last 32.
     */
    @Test
    void openssl_over_dtls_exports_the_same_ke_as_the_mef() throws Exception {
        // OpenSSL offers its ECDHE-ECDSA suites first: the MEF, which also takes certificates, still picks PSK
        enrolmentExchange(List.of(
                "-psk_identity",
                CoapsMef.kpmId("openssl"),
                "-psk",
                HexFormat.of().formatHex(opensslKey)));
    }

    /** The certificate RSPF: the same exchange over DTLS with a manufacturer's certificate, in PEM files. */
    @Test
    void openssl_with_a_factory_certificate_exports_the_same_ke_as_the_mef() throws Exception {
        CoapsMef.Holder factory = mef.factoryDevice(mef.manufacturer, "openssl-idev", "Copenssl-idev");
        Path cert = dir.resolve("idev.pem");
        Path key = dir.resolve("idev.key");
        Files.writeString(cert, CertificateAuthority.pem(factory.chain().get(0)));
        Files.writeString(key, CertificateAuthority.pem(factory.key()));
        Path mefCa = dir.resolve("mef-ca.pem");
        Files.writeString(mefCa, CertificateAuthority.pem(mef.ca.certificate()));
        String keId = enrolmentExchange(List.of(
                "-cert", cert.toString(), "-key", key.toString(), "-CAfile", mefCa.toString(), "-verify_return_error"));
        assertThat(mef.ke.lookup(keId, Instant.now()).orElseThrow().allowed()).containsExactly("/id-in/Copenssl-idev");
    }

    /**
     * {@code openssl s_client -dtls1_2} with {@code credential} runs the enrolment exchange; the KeID the MEF answers
     * and the Ke it records are OpenSSL's keying material; the KeID.
     */
    static String enrolmentExchange(List<String> credential) throws Exception {
        Path request = dir.resolve("enrolment.coap");
        ByteArrayOutputStream coap = new ByteArrayOutputStream();
        coap.write(new byte[] {0x41, 0x02, 0x12, 0x34, 0x7a}); // CON, POST, message ID, token of 1 byte
        coap.write(0xb3); // Uri-Path (11), 3 bytes
        coap.write("mef".getBytes(StandardCharsets.US_ASCII));
        coap.write(0x09); // Uri-Path again, 9 bytes
        coap.write("enrolment".getBytes(StandardCharsets.US_ASCII));
        Files.write(request, coap.toByteArray());
        List<String> command = new ArrayList<>(
                List.of("openssl", "s_client", "-dtls1_2", "-connect", "127.0.0.1:" + mef.server.port()));
        command.addAll(credential);
        command.addAll(
                List.of("-keymatexport", KeyDerivation.BOOTSTRAP_EXPORTER, "-keymatexportlen", "48", "-ign_eof"));
        Process p = new ProcessBuilder(command)
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
        return keId;
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
