package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.CoapTransport;
import io.citadel.client.OneM2mClient;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CoAP binding against libcoap's {@code coap-client} (Debian libcoap3-bin), plain, over DTLS-PSK and
 * over DTLS with certificates from the test PKI (generated at test time).
 * coap-client 4.3 knows no oneM2M option; as RFC 7252 §5.4.1 demands, it rejects our responses for their
 * unknown critical options (all oneM2M options are critical) after logging them, so the tests read the
 * response PDU from its log ({@code -v 7}): CoAP code, oneM2M-RSC (option 307) and payload, as on the wire.
 */
class CoapBindingTest {
    private static final String CLIENT = "coap-client-openssl";
    /** libcoap's OpenSSL build has no RFC 7250 support; its GnuTLS build has. */
    private static final String RPK_CLIENT = "coap-client-gnutls";

    private static final String SP = "citadel.example";

    @TempDir
    static Path data;

    @TempDir
    static Path pki;

    static CseProcess cse;
    static int coapPort;
    static int coapsPort;
    static String devKey;
    static String doomedKey;

    /** A response as logged by coap-client. */
    record Pdu(String code, int rsc, String options, String payload) {}

    @BeforeAll
    static void start() throws Exception {
        Tools.require("libcoap3-bin", "sh", "-c", "command -v " + CLIENT);
        devKey = Psk.provisionText(data, "dev1@psk.example", "Cdev1");
        doomedKey = Psk.provisionText(data, "doomed@psk.example", "Cdoomed");
        CertificateAuthority ca = CertificateAuthority.create(SP, Duration.ofDays(2));
        ca.save(pki);
        CertificateAuthority.save(ca.issueCse("/id-in", SP, Duration.ofDays(1)), pki, "cse-in");
        CertificateAuthority.save(ca.issueAe("Ccert1", "/id-in", SP, Duration.ofDays(1)), pki, "Ccert1");
        CertificateAuthority.save(
                CertificateAuthority.create(SP, Duration.ofDays(1)).issueAe("Ccert1", "/id-in", SP, Duration.ofDays(1)),
                pki,
                "rogue");
        for (String name : List.of("rpk-dev", "rpk-stranger")) {
            Process gen = new ProcessBuilder(
                            "openssl",
                            "ecparam",
                            "-name",
                            "prime256v1",
                            "-genkey",
                            "-noout",
                            "-out",
                            pki.resolve(name + ".pem").toString())
                    .inheritIO()
                    .start();
            assertThat(gen.waitFor()).isZero();
        }
        Psk.credentials(data, "rpk", "add", "--key", pki.resolve("rpk-dev.pem").toString(), "--allow", "Crpk1");
        cse = CseProcess.start(
                data,
                "--coap-port",
                "0",
                "--coaps-port",
                "0",
                "--max-body",
                "8192",
                "--tls-port",
                "0",
                "--tls-cert",
                pki.resolve("cse-in.pem").toString(),
                "--tls-key",
                pki.resolve("cse-in.key").toString(),
                "--tls-trust",
                pki.resolve("ca.pem").toString());
        coapPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("CoAP listening on udp port (\\d+)")));
        coapsPort =
                Integer.parseInt(cse.awaitAnnounced(Pattern.compile("CoAP over DTLS listening on udp port (\\d+)")));
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
    }

    private static final java.util.concurrent.atomic.AtomicInteger REQUESTS =
            new java.util.concurrent.atomic.AtomicInteger();

    /** Runs coap-client with {@code args} (URI last), oneM2M-RVI 3 and a request identifier; returns the response PDU it logged, or null if none came. */
    static Pdu coap(String... args) throws Exception {
        return coapWith(CLIENT, args);
    }

    /** As {@link #coap}, with another build of coap-client (GnuTLS for raw public keys). */
    static Pdu coapWith(String client, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(client, "-v", "7", "-B", "2", "-O", "271,3"));
        if (List.of(args).stream().noneMatch(a -> a.startsWith("283,") || a.startsWith("257,"))) {
            cmd.addAll(List.of("-O", "283,rq" + REQUESTS.incrementAndGet()));
        }
        cmd.addAll(List.of(args));
        String out = CoapClientRun.run(cmd);
        Matcher m = Pattern.compile(
                        "v:1 t:(?:ACK|CON|NON) c:(\\d\\.\\d\\d) i:\\w+ \\{[0-9A-Fa-f]*\\} \\[([^\\]]*)\\]( :: '(.*)')?")
                .matcher(out);
        Pdu last = null;
        while (m.find()) {
            if (!m.group(1).equals("0.00")) {
                last = new Pdu(m.group(1), rsc(m.group(2)), m.group(2), m.group(4));
            }
        }
        return last;
    }

    private static int rsc(String options) {
        Matcher m = Pattern.compile("(?:^|, )307:((?:\\\\x[0-9A-Fa-f]{2})+)").matcher(options);
        if (!m.find()) {
            return -1;
        }
        int v = 0;
        for (String b : m.group(1).split("\\\\x")) {
            if (!b.isEmpty()) {
                v = (v << 8) | Integer.parseInt(b, 16);
            }
        }
        return v;
    }

    static String coapUri(String path) {
        return "coap://127.0.0.1:" + coapPort + path;
    }

    static String coapsUri(String path) {
        return "coaps://127.0.0.1:" + coapsPort + path;
    }

    static String[] dtls(String identity, String key, String... rest) {
        List<String> a = new ArrayList<>(List.of("-u", identity, "-k", key));
        a.addAll(List.of(rest));
        return a.toArray(String[]::new);
    }

    static final String AE = "{\"m2m:ae\":{\"rn\":\"%s\",\"api\":\"Nx\",\"rr\":false,\"srv\":[\"3\"]}}";

    /** A DTLS 1.2 ClientHello (epoch 0, no cookie) offering TLS_PSK_WITH_AES_128_CCM_8, as a flood would send it. */
    static byte[] clientHello(int sequence) {
        java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(2 + 32 + 1 + 1 + 4 + 2);
        body.put((byte) 0xFE).put((byte) 0xFD);
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        body.put(random).put((byte) 0).put((byte) 0);
        body.putShort((short) 2).putShort((short) 0xC0A8);
        body.put((byte) 1).put((byte) 0);
        byte[] b = body.array();
        java.nio.ByteBuffer hs = java.nio.ByteBuffer.allocate(12 + b.length);
        hs.put((byte) 1)
                .put(int24(b.length))
                .putShort((short) 0)
                .put(int24(0))
                .put(int24(b.length))
                .put(b);
        byte[] h = hs.array();
        java.nio.ByteBuffer record = java.nio.ByteBuffer.allocate(13 + h.length);
        record.put((byte) 22)
                .put((byte) 0xFE)
                .put((byte) 0xFF)
                .putShort((short) 0)
                .putShort((short) 0)
                .putInt(sequence)
                .putShort((short) h.length)
                .put(h);
        return record.array();
    }

    private static byte[] int24(int v) {
        return new byte[] {(byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    @Test
    void a_client_hello_without_a_cookie_gets_only_a_small_hello_verify_request_and_a_flood_leaves_no_state()
            throws Exception {
        try (java.net.DatagramSocket udp = new java.net.DatagramSocket()) {
            udp.setSoTimeout(2000);
            java.net.InetSocketAddress server = new java.net.InetSocketAddress("127.0.0.1", coapsPort);
            byte[] hello = clientHello(0);
            udp.send(new java.net.DatagramPacket(hello, hello.length, server));
            byte[] buf = new byte[2048];
            java.net.DatagramPacket reply = new java.net.DatagramPacket(buf, buf.length);
            udp.receive(reply);
            assertThat(buf[0]).as("a handshake record").isEqualTo((byte) 22);
            assertThat(buf[13])
                    .as("HelloVerifyRequest (3), not a ServerHello flight")
                    .isEqualTo((byte) 3);
            assertThat(reply.getLength()).as("no amplification").isLessThanOrEqualTo(hello.length);
            for (int i = 1; i <= 2000; i++) {
                byte[] h = clientHello(i);
                udp.send(new java.net.DatagramPacket(h, h.length, server));
            }
        }
        // the flood cost the server no handshake state: a real device still gets through at once
        Pdu after = coap(dtls("dev1@psk.example", devKey, "-m", "get", "-O", "279,Cdev1", coapsUri("/cse-in")));
        assertThat(after).isNotNull();
        assertThat(after.code()).isIn("2.05", "4.03");
    }

    @Test
    void a_wrong_or_unknown_psk_gets_no_session() throws Exception {
        assertThat(coap(dtls("dev1@psk.example", "not-the-key", "-m", "get", "-O", "279,Cdev1", coapsUri("/cse-in"))))
                .isNull();
        assertThat(coap(dtls("nobody@psk.example", devKey, "-m", "get", "-O", "279,Cdev1", coapsUri("/cse-in"))))
                .isNull();
    }

    @Test
    void the_psk_binds_the_originator_over_dtls() throws Exception {
        Pdu spoof = coap(dtls(
                "dev1@psk.example",
                devKey,
                "-m",
                "post",
                "-O",
                "279,Cintruder",
                "-O",
                "283,s1",
                "-O",
                "267,0x02",
                "-t",
                "50",
                "-e",
                String.format(AE, "intruder"),
                coapsUri("/cse-in")));
        assertThat(spoof.code()).isEqualTo("4.03");
        assertThat(spoof.rsc()).isEqualTo(4106);
        Pdu created = coap(dtls(
                "dev1@psk.example",
                devKey,
                "-m",
                "post",
                "-O",
                "279,Cdev1",
                "-O",
                "283,c1",
                "-O",
                "267,0x02",
                "-t",
                "50",
                "-e",
                String.format(AE, "dev1"),
                coapsUri("/cse-in")));
        assertThat(created.code()).isEqualTo("2.01");
        assertThat(created.rsc()).isEqualTo(2001);
        assertThat(created.options()).contains("Location-Path:cse-in, Location-Path:dev1");
        assertThat(created.payload()).contains("\"aei\":\"Cdev1\"");
        // legacy Release 1/2 option numbers: 256 From, 257 Request Identifier
        Pdu legacy = coap(dtls(
                "dev1@psk.example",
                devKey,
                "-m",
                "get",
                "-O",
                "256,Cdev1",
                "-O",
                "257,old-1",
                coapsUri("/cse-in/dev1")));
        assertThat(legacy.code()).isEqualTo("2.05");
        assertThat(legacy.rsc()).isEqualTo(2000);
        assertThat(legacy.options()).contains("283:\\x6F\\x6C\\x64\\x2D\\x31"); // the RQI echoed: "old-1"
    }

    static String[] certificate(String name, String... rest) {
        List<String> a = new ArrayList<>(List.of(
                "-c",
                pki.resolve(name + ".pem").toString(),
                "-j",
                pki.resolve(name + ".key").toString(),
                "-C",
                pki.resolve("ca.pem").toString()));
        a.addAll(List.of(rest));
        return a.toArray(String[]::new);
    }

    @Test
    void over_dtls_with_certificates_the_ae_id_certificate_binds_the_originator() throws Exception {
        assertThat(coap(certificate("rogue", "-m", "get", "-O", "279,Ccert1", coapsUri("/cse-in"))))
                .isNull();
        Pdu spoof = coap(certificate(
                "Ccert1",
                "-m",
                "post",
                "-O",
                "279,Cother",
                "-O",
                "267,0x02",
                "-t",
                "50",
                "-e",
                String.format(AE, "other"),
                coapsUri("/cse-in")));
        assertThat(spoof.rsc()).isEqualTo(4106);
        Pdu created = coap(certificate(
                "Ccert1",
                "-m",
                "post",
                "-O",
                "279,Ccert1",
                "-O",
                "267,0x02",
                "-t",
                "50",
                "-e",
                String.format(AE, "cert1"),
                coapsUri("/cse-in")));
        assertThat(created.code()).isEqualTo("2.01");
        assertThat(created.rsc()).isEqualTo(2001);
    }

    @Test
    void a_cse_id_without_a_security_association_gets_4107() throws Exception {
        Pdu r = coap("-m", "get", "-O", "279,/id-mn", "-O", "283,x", coapUri("/cse-in"));
        assertThat(r.rsc()).isEqualTo(4107);
    }

    @Test
    void bad_input_gets_its_code_and_a_clear_message() throws Exception {
        Pdu json = coap(
                "-m", "post", "-O", "279,Cbad", "-O", "267,0x02", "-t", "50", "-e", "{\"m2m:ae\":", coapUri("/cse-in"));
        assertThat(json.code()).isEqualTo("4.00");
        assertThat(json.rsc()).isEqualTo(4000);
        assertThat(json.payload()).contains("malformed JSON");
        Pdu format =
                coap("-m", "post", "-O", "279,Cbad", "-O", "267,0x02", "-t", "0", "-e", "hello", coapUri("/cse-in"));
        assertThat(format.code()).isEqualTo("4.15");
        Pdu accept = coap("-m", "get", "-O", "279,Cbad", "-A", "0", coapUri("/cse-in"));
        assertThat(accept.code()).isEqualTo("4.06");
        assertThat(accept.rsc()).isEqualTo(5207);
        Pdu op = coap("-m", "post", "-O", "279,Cbad", coapUri("/cse-in?op=9"));
        assertThat(op.rsc()).isEqualTo(4000);
        Pdu noPath = coap("-m", "get", "-O", "279,Cbad", coapUri(""));
        assertThat(noPath.rsc()).isEqualTo(4000);
        Pdu filter = coap("-m", "get", "-O", "279,Cbad", coapUri("/cse-in?fu=1&lim=many"));
        assertThat(filter.rsc()).isEqualTo(4000);
        Pdu put = coap("-m", "fetch", "-O", "279,Cbad", coapUri("/cse-in"));
        assertThat(put.code()).isIn("4.05", "4.00");
    }

    @Test
    void large_payloads_travel_in_blocks_and_oversized_ones_are_refused() throws Exception {
        coap(
                "-m",
                "post",
                "-O",
                "279,Cblocks",
                "-O",
                "267,0x02",
                "-t",
                "50",
                "-e",
                String.format(AE, "blocks"),
                coapUri("/cse-in"));
        coap(
                "-m",
                "post",
                "-O",
                "279,Cblocks",
                "-O",
                "267,0x03",
                "-t",
                "50",
                "-e",
                "{\"m2m:cnt\":{\"rn\":\"box\"}}",
                coapUri("/cse-in/blocks"));
        Path big = data.resolve("big.json");
        Files.writeString(big, "{\"m2m:cin\":{\"con\":\"" + "b".repeat(3000) + "\"}}");
        Pdu created = coap(
                "-m",
                "post",
                "-b",
                "64",
                "-O",
                "279,Cblocks",
                "-O",
                "267,0x04",
                "-t",
                "50",
                "-f",
                big.toString(),
                coapUri("/cse-in/blocks/box"));
        assertThat(created.rsc()).isEqualTo(2001);
        Pdu back = coap("-m", "get", "-O", "279,Cblocks", coapUri("/cse-in/blocks/box/la"));
        assertThat(back.rsc()).isEqualTo(2000);
        assertThat(back.options()).contains("Block2:");
        Path huge = data.resolve("huge.json");
        Files.writeString(huge, "{\"m2m:cin\":{\"con\":\"" + "h".repeat(20_000) + "\"}}");
        Pdu refused = coap(
                "-m",
                "post",
                "-b",
                "512",
                "-O",
                "279,Cblocks",
                "-O",
                "267,0x04",
                "-t",
                "50",
                "-f",
                huge.toString(),
                coapUri("/cse-in/blocks/box"));
        assertThat(refused.code()).isEqualTo("4.13");
    }

    @Test
    void revoking_a_psk_closes_its_live_dtls_session() throws Exception {
        try (CoapTransport t = CoapTransport.psk(
                "127.0.0.1", coapsPort, "doomed@psk.example", doomedKey.getBytes(StandardCharsets.US_ASCII))) {
            OneM2mClient doomed = new OneM2mClient(t, "Cdoomed");
            assertThat(doomed.create(
                                    "cse-in",
                                    2,
                                    Map.of(
                                            "m2m:ae",
                                            Map.of("rn", "doomed", "api", "Nd", "rr", false, "srv", List.of("3"))))
                            .status())
                    .isEqualTo(ResponseStatusCode.CREATED);
            int closedBefore = countClosed();
            Psk.run(data, "revoke", "doomed@psk.example");
            // the CSE re-reads its credential store at most once a second and ends the session without waiting
            // for a request
            for (long end = System.currentTimeMillis() + 5000;
                    countClosed() == closedBefore && System.currentTimeMillis() < end; ) {
                Thread.sleep(100);
            }
            assertThat(countClosed()).as(cse.output()).isGreaterThan(closedBefore);
            // the client's next request needs a new handshake, which the revoked identity cannot complete; the
            // closed session's records are dropped, so the old one waits for its timeout (4 s, not the default 20)
            ResponseStatusCode after;
            try {
                after = doomed.withTimeout(java.time.Duration.ofSeconds(4))
                        .retrieve("cse-in/doomed")
                        .status();
            } catch (RuntimeException failed) {
                after = null;
            }
            assertThat(after).isNotEqualTo(ResponseStatusCode.OK);
        }
        assertThat(coap(dtls("doomed@psk.example", doomedKey, "-m", "get", "-O", "279,Cdoomed", coapsUri("/cse-in"))))
                .isNull();
    }

    static int countClosed() {
        return cse.output().split("closed: its credential is revoked", -1).length - 1;
    }

    /**
     * coap-client (GnuTLS) with the raw key in {@code name}.pem. It lists X.509 before raw keys for the server's
     * credential, so the CSE presents its certificate, which the client checks against the test CA ({@code -R}).
     */
    static String[] rawKey(String name, String... rest) {
        List<String> a = new ArrayList<>(List.of(
                "-M",
                pki.resolve(name + ".pem").toString(),
                "-R",
                pki.resolve("ca.pem").toString()));
        a.addAll(List.of(rest));
        return a.toArray(String[]::new);
    }

    @Test
    void over_dtls_a_trusted_raw_public_key_binds_the_originator_and_an_untrusted_or_revoked_one_gets_no_session()
            throws Exception {
        Tools.require("libcoap3-bin", "sh", "-c", "command -v " + RPK_CLIENT);
        assertThat(coapWith(RPK_CLIENT, rawKey("rpk-stranger", "-m", "get", "-O", "279,Crpk1", coapsUri("/cse-in"))))
                .isNull();
        Pdu spoof = coapWith(
                RPK_CLIENT,
                rawKey(
                        "rpk-dev",
                        "-m",
                        "post",
                        "-O",
                        "279,Cother",
                        "-O",
                        "267,0x02",
                        "-t",
                        "50",
                        "-e",
                        String.format(AE, "rpkother"),
                        coapsUri("/cse-in")));
        assertThat(spoof.rsc()).isEqualTo(4106);
        Pdu created = coapWith(
                RPK_CLIENT,
                rawKey(
                        "rpk-dev",
                        "-m",
                        "post",
                        "-O",
                        "279,Crpk1",
                        "-O",
                        "267,0x02",
                        "-t",
                        "50",
                        "-e",
                        String.format(AE, "rpk1"),
                        coapsUri("/cse-in")));
        assertThat(created.code()).isEqualTo("2.01");
        assertThat(created.payload()).contains("\"aei\":\"Crpk1\"");

        // revoked by its RFC 6920 identifier, as an operator holding only the identifier would
        String id = Psk.credentials(
                        data, "rpk", "id", pki.resolve("rpk-dev.pem").toString())
                .strip();
        assertThat(id).startsWith("ni:///sha-256;");
        assertThat(Psk.credentials(data, "rpk", "list")).contains(id + "\tCrpk1");
        Psk.credentials(data, "rpk", "revoke", id);
        Pdu after = created;
        for (long end = System.currentTimeMillis() + 5000; after != null && System.currentTimeMillis() < end; ) {
            Thread.sleep(300);
            after = coapWith(RPK_CLIENT, rawKey("rpk-dev", "-m", "get", "-O", "279,Crpk1", coapsUri("/cse-in/rpk1")));
        }
        assertThat(after).isNull();
    }

    /**
     * openssl s_server as an AE's DTLS notification endpoint (it speaks no CoAP, so it never answers and the
     * subscription's verification fails; what matters is what arrives). Returns what s_server printed.
     */
    static String notifyDtlsServer(String certificateName, String subscription) throws Exception {
        int port;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = data.resolve("s_server-" + certificateName + ".log");
        Process server = new ProcessBuilder(
                        "sh",
                        "-c",
                        "sleep 20 | exec openssl s_server -dtls1_2 -accept " + port
                                + " -cert " + pki.resolve(certificateName + ".pem") + " -key "
                                + pki.resolve(certificateName + ".key")
                                + " -CAfile " + pki.resolve("ca.pem") + " -Verify 1 -naccept 1")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try (CoapTransport t = CoapTransport.plain("127.0.0.1", coapPort)) {
            for (long end = System.currentTimeMillis() + 5000;
                    !Files.readString(log).contains("ACCEPT") && System.currentTimeMillis() < end; ) {
                Thread.sleep(50);
            }
            OneM2mClient ae = new OneM2mClient(t, "Cnotified");
            ae.create(
                    "cse-in",
                    2,
                    Map.of("m2m:ae", Map.of("rn", "notified", "api", "Nn", "rr", true, "srv", List.of("3"))));
            ae.create("cse-in/notified", 3, Map.of("m2m:cnt", Map.of("rn", "box")));
            var sub = ae.create(
                    "cse-in/notified/box",
                    23,
                    Map.of(
                            "m2m:sub",
                            Map.of("rn", subscription, "nu", List.of("coaps://127.0.0.1:" + port + "/notify"))));
            assertThat(sub.status()).as("a target that never answers CoAP").isNotEqualTo(ResponseStatusCode.CREATED);
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    @Test
    void notifications_to_coaps_targets_travel_over_dtls_with_certificates_checked_both_ways() throws Exception {
        // a target whose certificate comes from another CA is not sent anything
        String rogue = notifyDtlsServer("rogue", "to-rogue");
        assertThat(rogue).doesNotContain("vrq");
        // a target with a certificate of the SP's CA gets the verification request over DTLS, and checked
        // the CSE's own certificate against the same CA
        String trusted = notifyDtlsServer("Ccert1", "to-trusted");
        assertThat(trusted)
                .contains("subject=CN = id-in." + SP)
                .contains("CIPHER is ECDHE-ECDSA-")
                .contains("{\"m2m:sgn\":{\"vrq\":true");
    }

    @Test
    void a_server_only_certificate_serves_dtls_but_is_not_used_as_a_client_for_coaps_targets() throws Exception {
        CertificateAuthority ca = CertificateAuthority.load(pki);
        CertificateAuthority.save(
                ca.issueServer("localhost", List.of("127.0.0.1"), Duration.ofDays(1)), pki, "server-only");
        try (CseProcess other = CseProcess.start(
                data.resolve("server-only"),
                "--coaps-port",
                "0",
                "--tls-port",
                "0",
                "--tls-cert",
                pki.resolve("server-only.pem").toString(),
                "--tls-key",
                pki.resolve("server-only.key").toString(),
                "--tls-trust",
                pki.resolve("ca.pem").toString())) {
            other.awaitAnnounced(Pattern.compile("CoAP over DTLS listening on udp port (\\d+)"));
            assertThat(other.output()).contains("coaps:// notification targets are unavailable");
        }
    }
}
