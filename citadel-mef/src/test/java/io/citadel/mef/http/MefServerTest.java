package io.citadel.mef.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.client.tls.PskHttpConnection;
import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.PskCredential;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
import io.citadel.mef.keys.EnrolmentKeys;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.CertificateAuthority;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EST over TLS-PSK on a real socket: the enrolee is the bootstrap key's identity the handshake proved. Refusals
 * first (wrong key, unknown identity, wrong method, content type, path, size, challenge), then enrolment by the
 * SDK's TLS-PSK client and {@code /cacerts} by OpenSSL's {@code s_client -psk}.
 */
class MefServerTest {
    static final String KPM_ID = "kpm-dev1@mef.citadel.example";
    /** Another device, for the refusals (so that they do not depend on whether dev1 enrolled already). */
    static final String KPM_REFUSED = "kpm-dev2@mef.citadel.example";

    static final String PASSWORD = "one-time challenge password";
    static final byte[] KPM = new byte[32];

    @TempDir
    static Path dir;

    static MefServer mef;
    static Enrolments enrolments;
    static EnrolmentKeys enrolmentKeys;

    @BeforeAll
    static void start() throws Exception {
        new SecureRandom().nextBytes(KPM);
        CertificateAuthority ca = CertificateAuthority.create("citadel.example", Duration.ofDays(1));
        enrolments = Enrolments.open(dir.resolve("enrolments.json"));
        enrolments.put(EnrolmentPolicy.withPassword(
                KPM_ID,
                new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev1", "/id-in", "citadel.example"),
                Duration.ofDays(30),
                PASSWORD));
        enrolments.put(EnrolmentPolicy.withPassword(
                KPM_REFUSED,
                new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev2", "/id-in", "citadel.example"),
                Duration.ofDays(30),
                PASSWORD));
        EncryptedFilePskStore keys = EncryptedFilePskStore.open(dir.resolve("bootstrap"), "pw".toCharArray());
        keys.put(new PskCredential(KPM_ID, List.of("Cdev1"), null), KPM.clone());
        keys.put(new PskCredential(KPM_REFUSED, List.of("Cdev2"), null), KPM.clone());
        HandshakeThrottle throttle = new HandshakeThrottle(
                100, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), 100, Clock.systemUTC());
        enrolmentKeys = new EnrolmentKeys(
                EncryptedFilePskStore.open(dir.resolve("ke"), "pw".toCharArray()),
                enrolments,
                "mef.citadel.example",
                Clock.systemUTC());
        mef = new MefServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new EstService(ca, enrolments, Clock.systemUTC()),
                new KeyRoutes(enrolmentKeys, "https://mef.citadel.example/.well-known/est"),
                keys,
                throttle,
                60_000); // idle test connections must outlive the slowest assertion
    }

    @AfterAll
    static void stop() {
        mef.close();
    }

    static PskHttpConnection connection(String identity, byte[] key) {
        return new PskHttpConnection("127.0.0.1", mef.port(), identity, key);
    }

    static byte[] csr(String password) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = g.generateKeyPair();
        var b = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=dev"), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(password));
        return Base64.getMimeEncoder()
                .encode(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                        .getEncoded());
    }

    static PskHttpConnection.Reply post(String op, String type, byte[] body) throws IOException {
        return post(KPM_ID, op, type, body);
    }

    static PskHttpConnection.Reply post(String enrolee, String op, String type, byte[] body) throws IOException {
        try (PskHttpConnection c = connection(enrolee, KPM)) {
            return c.exchange(
                    "POST", EstHttpHandler.PREFIX + op, Map.of("Content-Type", type), body, Duration.ofSeconds(20));
        }
    }

    static String text(PskHttpConnection.Reply r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void a_wrong_key_or_an_unknown_identity_gets_no_session() {
        byte[] wrong = KPM.clone();
        wrong[0] ^= 1;
        for (PskHttpConnection c :
                List.of(connection(KPM_ID, wrong), connection("kpm-other@mef.citadel.example", KPM))) {
            assertThatThrownBy(() -> c.exchange(
                            "GET", EstHttpHandler.PREFIX + "cacerts", Map.of(), null, Duration.ofSeconds(10)))
                    .isInstanceOf(IOException.class);
            c.close();
        }
    }

    @Test
    void wrong_methods_types_paths_sizes_and_challenges_are_refused_with_our_text() throws Exception {
        try (PskHttpConnection c = connection(KPM_REFUSED, KPM)) {
            PskHttpConnection.Reply r =
                    c.exchange("GET", EstHttpHandler.PREFIX + "simpleenroll", Map.of(), null, Duration.ofSeconds(20));
            assertThat(r.status()).isEqualTo(405);
            assertThat(text(r)).isEqualTo("this EST operation takes POST\n");
            r = c.exchange("GET", EstHttpHandler.PREFIX + "serverkeygen", Map.of(), null, Duration.ofSeconds(20));
            assertThat(r.status()).isEqualTo(404);
            r = c.exchange("GET", "/cse-in", Map.of(), null, Duration.ofSeconds(20));
            assertThat(r.status()).isEqualTo(404);
        }
        assertThat(post(KPM_REFUSED, "simpleenroll", "application/json", csr(PASSWORD))
                        .status())
                .isEqualTo(415);
        assertThat(post(KPM_REFUSED, "simpleenroll", "application/pkcs10", "!!".getBytes(StandardCharsets.US_ASCII))
                        .status())
                .isEqualTo(400);
        PskHttpConnection.Reply wrong =
                post(KPM_REFUSED, "simpleenroll", "application/pkcs10", csr("not the challenge password"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(text(wrong)).isEqualTo("the challenge password is missing or wrong\n");
        assertThat(post(KPM_REFUSED, "simpleenroll", "application/pkcs10", new byte[64 * 1024])
                        .status())
                .isEqualTo(413);
        assertThat(enrolments.current(KPM_REFUSED)).as("nothing issued").isEmpty();
    }

    @Test
    void an_enrolee_enrols_once_over_its_bootstrap_key_and_openssl_fetches_the_ca() throws Exception {
        PskHttpConnection.Reply issued = post("simpleenroll", "application/pkcs10", csr(PASSWORD));
        assertThat(issued.status()).as(text(issued)).isEqualTo(200);
        assertThat(issued.header("Content-Type")).contains("application/pkcs7-mime; smime-type=certs-only");
        assertThat(issued.header("Content-Transfer-Encoding")).contains("base64");
        assertThat(enrolments.current(KPM_ID)).isPresent();
        PskHttpConnection.Reply again = post("simpleenroll", "application/pkcs10", csr(PASSWORD));
        assertThat(again.status()).isEqualTo(401);
        assertThat(post("simplereenroll", "application/pkcs10", csr(PASSWORD)).status())
                .as("re-enrolment is by certificate, not by the bootstrap key")
                .isEqualTo(401);

        Path request = dir.resolve("cacerts.http");
        Files.writeString(request, "GET /.well-known/est/cacerts HTTP/1.1\r\nHost: mef\r\nConnection: close\r\n\r\n");
        Process p = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + mef.port(),
                        "-psk_identity",
                        KPM_ID,
                        "-psk",
                        HexFormat.of().formatHex(KPM),
                        "-quiet",
                        "-ign_eof")
                .redirectErrorStream(true)
                .redirectInput(request.toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("HTTP/1.1 200 OK").contains("application/pkcs7-mime");
    }

    @Test
    void the_enrolment_exchange_is_a_post_in_a_bootstrap_session() throws Exception {
        try (PskHttpConnection c = connection(KPM_REFUSED, KPM)) {
            PskHttpConnection.Reply r = c.exchange("GET", "/mef/enrolment", Map.of(), null, Duration.ofSeconds(20));
            assertThat(r.status()).isEqualTo(405);
            r = c.exchange(
                    "GET", "/fetchCredentials/00@mef.citadel.example/22", Map.of(), null, Duration.ofSeconds(20));
            assertThat(r.status()).as("a device is no enrolment target").isEqualTo(403);
            assertThat(text(r)).contains("\"status\":false").contains("enrolment target");
        }
    }

    /**
     * OpenSSL's s_client exports keying material with the label of TS-0003 §10.3 in the same session in which it asks
     * for the enrolment exchange: the KeID the MEF answers is the first 16 bytes in hex, and the key a target fetches
     * is HMAC-SHA-256 over the last 32 bytes, computed here independently of the MEF's code.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void openssl_and_the_mef_export_the_same_ke_and_the_target_gets_the_derived_key(String version) throws Exception {
        Path request = dir.resolve("enrolment.http");
        Files.writeString(
                request, "POST /mef/enrolment HTTP/1.1\r\nHost: mef\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        Process p = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + mef.port(),
                        "-psk_identity",
                        KPM_ID,
                        "-psk",
                        HexFormat.of().formatHex(KPM),
                        "-keymatexport",
                        "EXPORTER-oneM2M-Bootstrap",
                        "-keymatexportlen",
                        "48",
                        version,
                        "-ign_eof")
                .redirectErrorStream(true)
                .redirectInput(request.toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        java.util.regex.Matcher km = java.util.regex.Pattern.compile("Keying material: ([0-9A-Fa-f]{96})")
                .matcher(out);
        assertThat(km.find()).as(out).isTrue();
        byte[] exported = HexFormat.of().parseHex(km.group(1));
        java.util.regex.Matcher id =
                java.util.regex.Pattern.compile("\"keID\":\"([^\"]+)\"").matcher(out);
        assertThat(id.find()).as(out).isTrue();
        String keyId = id.group(1);
        assertThat(keyId)
                .isEqualTo(HexFormat.of().formatHex(java.util.Arrays.copyOfRange(exported, 0, 16))
                        + "@mef.citadel.example");

        EnrolmentKeys.UsageKey key = enrolmentKeys.fetch(keyId, "22", List.of("id-in.citadel.example"), "/id-in");
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Arrays.copyOfRange(exported, 16, 48), "HmacSHA256"));
        byte[] expected = mac.doFinal(
                ("oneM2M Enrolment Key to Usage-Constrained Symmetric Key derivation" + "22id-in.citadel.example")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(key.key()).isEqualTo(expected);
        assertThat(key.enrolee()).isEqualTo("/id-in/Cdev1");
    }

    /**
     * What the MEF answers to a TLS ClientHello (the JDK's, which offers no PSK suite) on a connection: an alert when
     * the connection was admitted, nothing (end of stream) when it was refused.
     */
    static byte[] probe(java.net.Socket socket) throws Exception {
        javax.net.ssl.SSLEngine engine = javax.net.ssl.SSLContext.getDefault().createSSLEngine();
        engine.setUseClientMode(true);
        engine.beginHandshake();
        java.nio.ByteBuffer hello =
                java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(java.nio.ByteBuffer.allocate(0), hello);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(hello.array(), 0, hello.position());
        try {
            return socket.getInputStream().readAllBytes();
        } catch (java.net.SocketException reset) {
            return new byte[0];
        }
    }

    /**
     * One peer address cannot take the listener: past its share of connections (64 for a loopback address) it is
     * refused at once, while another address still gets in; closing its connections gives it room again.
     */
    @Test
    void one_address_holding_its_share_of_connections_leaves_room_for_others() throws Exception {
        List<java.net.Socket> held = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                held.add(new java.net.Socket(InetAddress.getLoopbackAddress(), mef.port()));
            }
            // the server admits in its event loop: a refused connection reads end-of-stream with no byte
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            byte[] answer;
            do {
                try (java.net.Socket extra = new java.net.Socket(InetAddress.getLoopbackAddress(), mef.port())) {
                    answer = probe(extra);
                }
            } while (answer.length > 0 && System.nanoTime() < deadline);
            assertThat(answer).as("the 65th connection of 127.0.0.1 is refused").isEmpty();
            try (java.net.Socket other = new java.net.Socket()) {
                other.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
                other.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), mef.port()));
                assertThat(probe(other))
                        .as("another address gets a TLS answer (an alert)")
                        .isNotEmpty();
            }
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        byte[] again;
        do {
            try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), mef.port())) {
                again = probe(s);
            }
        } while (again.length == 0 && System.nanoTime() < deadline);
        assertThat(again).as("room again once its connections closed").isNotEmpty();
    }
}
