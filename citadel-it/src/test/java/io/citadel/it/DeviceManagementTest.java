package io.citadel.it;

import static io.citadel.it.Fixtures.acp;
import static io.citadel.it.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.citadel.client.EsprimClient;
import io.citadel.client.OneM2mClient;
import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import io.citadel.client.device.DeviceEnrolment;
import io.citadel.client.device.DeviceManagement;
import io.citadel.client.device.ManagedSettings.CseAuthentication;
import io.citadel.client.device.ManagementOutcome;
import io.citadel.client.device.MefCommands;
import io.citadel.client.device.NodeFollower;
import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.FirmwareStatement;
import io.citadel.credentials.PskCredential;
import io.citadel.e2e.esprim.SessionKeys;
import io.citadel.mef.clients.MefClients;
import io.citadel.mef.clients.MefCommand;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
import io.citadel.mef.http.ClientRoutes;
import io.citadel.mef.http.KeyRoutes;
import io.citadel.mef.http.MefServer;
import io.citadel.mef.http.ReenrolmentServer;
import io.citadel.mef.keys.EnrolmentKeys;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.mef.MmefNames.CommandClass;
import io.citadel.protocol.mef.MmefNames.CommandStatus;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.CertificateAuthority;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device applying what its operator writes under its {@code <node>} (and sends as MEF MO_NODE commands), with the
 * real CSE in-process, the MEF's listeners in-process, and servers for CA certificates (HTTPS) and firmware images
 * (HTTP) on loopback. Refusals first, each reported on the object ({@code apst}, {@code uds}) and changing nothing:
 * a malformed fingerprint, a certificate that is not the one named or not a CA, a firmware update signed by a key the
 * device does not trust, a rollback, an image that is not the signed one, a profile it cannot use, a MEF that cannot
 * be reached. Then each applied: a trust anchor (kept across a restart, gone with its object), firmware installed, the
 * CSE association switched to the MEF-provisioned key and back, the MEF moved.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeviceManagementTest {
    static final String SP = "citadel.example";
    static final String MEF = "mef." + SP;
    static final String MAF = "maf." + SP;
    static final String PASSWORD = "challenge password of this test";

    @TempDir
    static Path dir;

    static CertificateAuthority lab;
    static CertificateAuthority mefCa;
    static CertificateAuthority otherCa;
    static MefServer mef;
    static ReenrolmentServer mefCertificates;
    static ReenrolmentServer movedMef;
    static MefClients clients;
    /** The MAF, its own process, fetching its clients' master keys from the MEF (SUID 21). */
    static CseProcess maf;

    static Path mafData;
    static TestCse cse;
    static HttpsServer anchors;
    static HttpServer images;
    static final Map<String, byte[]> served = new java.util.concurrent.ConcurrentHashMap<>();
    static KeyPair trustedUpdateKey;
    static KeyPair otherUpdateKey;
    static DeviceEnrolment device;
    static DeviceManagement management;
    static NodeFollower follower;
    static OneM2mHttpClient admin;
    static String acpId;
    static String nodeRi;
    static final String NODE = "cse-in/node-Cdev1";
    static int cseTlsPort;
    static int csePskPort;

    @BeforeAll
    static void start() throws Exception {
        lab = CertificateAuthority.create(SP, Duration.ofDays(1));
        lab.save(dir.resolve("lab"));
        CertificateAuthority.save(lab.issueCse("/id-in", SP, Duration.ofDays(1)), dir.resolve("lab"), "cse-in");
        otherCa = CertificateAuthority.create(SP, Duration.ofDays(1));
        mafData = dir.resolve("maf");
        io.citadel.credentials.PrivateFiles.directory(mafData);
        io.citadel.credentials.PrivateFiles.directory(mafData.resolve("ca"));
        CertificateAuthority.create(SP, Duration.ofDays(1)).save(mafData.resolve("ca"));
        startMef();
        trustedUpdateKey = p256();
        otherUpdateKey = p256();
        Files.writeString(dir.resolve("update-keys.pem"), pem(trustedUpdateKey) + pem(otherUpdateKey));
        mefCa.saveCertificate(dir.resolve("mef-ca"));
        maf = CseProcess.launch(List.of(
                "maf",
                "serve",
                "--data-dir",
                mafData.toString(),
                "--port",
                "0",
                "--cert-port",
                "0",
                "--client-trust",
                dir.resolve("lab/ca.pem").toString(),
                "--key-broker",
                MEF + "=https://127.0.0.1:" + mefCertificates.port(),
                "--key-broker-trust",
                dir.resolve("mef-ca/ca.pem").toString()));
        int mafCertPort = Integer.parseInt(
                maf.awaitAnnounced(Pattern.compile("key procedures over certificate TLS on port (\\d+)")));
        Files.writeString(
                dir.resolve("brokers.pem"),
                Files.readString(dir.resolve("mef-ca/ca.pem")) + Files.readString(mafData.resolve("ca/ca.pem")));
        cse = TestCse.in(dir.resolve("cse"))
                .psk()
                .flags(
                        "--tls-port",
                        "0",
                        "--tls-cert",
                        dir.resolve("lab/cse-in.pem").toString(),
                        "--tls-key",
                        dir.resolve("lab/cse-in.key").toString(),
                        "--tls-trust",
                        dir.resolve("mef-ca/ca.pem").toString(),
                        "--key-broker",
                        MEF + "=https://127.0.0.1:" + mefCertificates.port() + ",maf:" + MAF + "=https://127.0.0.1:"
                                + mafCertPort,
                        "--key-broker-trust",
                        dir.resolve("brokers.pem").toString(),
                        "--firmware-update-keys",
                        dir.resolve("update-keys.pem").toString())
                .start();
        cseTlsPort = Integer.parseInt(
                cse.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
        csePskPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
        admin = cse.client().as(CseProcess.ADMIN);
        startFileServers();

        device = newDevice();
        device.enrol();
        management = management(device);
        try (var c =
                closing(device.cseWithCertificate("https://127.0.0.1:" + cseTlsPort, List.of(lab.certificate())))) {
            Map<String, Object> ae = new LinkedHashMap<>();
            ae.put("rn", "Cdev1");
            ae.put("api", "Ndevice");
            ae.put("rr", false);
            ae.put("srv", List.of("3"));
            assertThat(c.client()
                            .create("/id-in", 2, Map.of("m2m:ae", ae))
                            .status()
                            .code())
                    .isEqualTo(2001);
        }
        OneM2mResponse acp = admin.create(
                "cse-in",
                1,
                acp(
                        "acp-node-Cdev1",
                        List.of(rule(List.of("Cdev1"), 2 | 4 | 32)),
                        List.of(rule(List.of(CseProcess.ADMIN), 63))));
        assertThat(acp.rsc()).as(acp.text()).isEqualTo(2001);
        acpId = (String) acp.resource("m2m:acp").get("ri");
        OneM2mResponse nod = admin.create(
                "cse-in",
                14,
                Map.of("m2m:nod", Map.of("rn", "node-Cdev1", "ni", "urn:dev:ops:Cdev1", "acpi", List.of(acpId))));
        assertThat(nod.rsc()).as(nod.text()).isEqualTo(2001);
        nodeRi = (String) nod.resource("m2m:nod").get("ri");
        follower = new NodeFollower(management, "/id-in/" + NODE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cse != null) {
            cse.close();
        }
        if (maf != null) {
            maf.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {mef, mefCertificates, movedMef}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        if (anchors != null) {
            anchors.stop(0);
        }
        if (images != null) {
            images.stop(0);
        }
    }

    static void startMef() throws Exception {
        Path m = dir.resolve("mef");
        Files.createDirectories(m);
        mefCa = CertificateAuthority.create(SP, Duration.ofDays(1));
        Enrolments enrolments = Enrolments.open(m.resolve("enrolments.json"));
        EncryptedFilePskStore keys = EncryptedFilePskStore.open(m.resolve("bootstrap"), "pw".toCharArray());
        enrolments.put(EnrolmentPolicy.withPassword(
                "dev1@" + MEF,
                new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev1", "/id-in", SP),
                Duration.ofDays(30),
                PASSWORD));
        byte[] kpm = new byte[32];
        new SecureRandom().nextBytes(kpm);
        Files.write(dir.resolve("dev1.kpm"), kpm);
        keys.put(new PskCredential("dev1@" + MEF, List.of("Cdev1"), null), kpm);
        EnrolmentKeys enrolmentKeys = new EnrolmentKeys(
                EncryptedFilePskStore.open(m.resolve("ke"), "pw".toCharArray()),
                enrolments,
                MEF,
                MAF,
                Clock.systemUTC());
        EstService est = new EstService(mefCa, enrolments, Clock.systemUTC());
        clients = new MefClients(
                m.resolve("mef-clients.json"), Clock.systemUTC(), Duration.ofDays(1), Duration.ofSeconds(30));
        KeyRoutes routes = new KeyRoutes(
                enrolmentKeys, "https://" + MEF + ":8443/.well-known/est", new ClientRoutes(clients, enrolments, MEF));
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        mef = new MefServer(
                any,
                est,
                routes,
                keys,
                new HandshakeThrottle(
                        100, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), 100, Clock.systemUTC()),
                10_000);
        CertificateAuthority.Issued server = mefCa.issueServer(MEF, List.of(), Duration.ofDays(1));
        // the MAF fetches its clients' master keys as an enrolment target, with its certificate
        X509Certificate mafCa =
                io.citadel.tls.PemKeys.chain(mafData.resolve("ca/ca.pem")).get(0);
        mefCertificates = new ReenrolmentServer(
                any,
                est,
                enrolments,
                server.key(),
                List.of(server.certificate(), server.ca()),
                mefCa.certificate(),
                List.of(),
                routes,
                List.of(lab.certificate(), mafCa),
                10_000);
        movedMef = new ReenrolmentServer(
                any,
                est,
                enrolments,
                server.key(),
                List.of(server.certificate(), server.ca()),
                mefCa.certificate(),
                List.of(),
                routes,
                List.of(lab.certificate(), mafCa),
                10_000);
    }

    /** The CA certificates over HTTPS (a lab server certificate for 127.0.0.1), the firmware images over HTTP. */
    static void startFileServers() throws Exception {
        CertificateAuthority.Issued tls = lab.issueServer("files." + SP, List.of("127.0.0.1"), Duration.ofDays(1));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, new char[0]);
        ks.setKeyEntry("tls", tls.key(), new char[0], new X509Certificate[] {tls.certificate(), tls.ca()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, new SecureRandom());
        anchors = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        anchors.setHttpsConfigurator(new HttpsConfigurator(context));
        anchors.createContext("/", DeviceManagementTest::serve);
        anchors.start();
        images = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        images.createContext("/", DeviceManagementTest::serve);
        images.start();
    }

    static void serve(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
        byte[] body = served.get(exchange.getRequestURI().getPath());
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
        } else {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    static DeviceEnrolment newDevice() throws Exception {
        return DeviceEnrolment.builder()
                .mef("127.0.0.1", mef.port(), MEF)
                .mefCertificatePort(mefCertificates.port())
                .bootstrapKey("dev1@" + MEF, Files.readAllBytes(dir.resolve("dev1.kpm")))
                .challengePassword(PASSWORD.toCharArray())
                .store(dir.resolve("state"), "store password".toCharArray())
                .firmware("meter-fw", "1.0.0")
                .address(MAF, "127.0.0.1")
                .address("maf.other.example", "127.0.0.1")
                .build();
    }

    static DeviceManagement management(DeviceEnrolment d) {
        return DeviceManagement.of(
                d,
                new DeviceManagement.CseEndpoints(
                        "https://127.0.0.1:" + cseTlsPort, List.of(lab.certificate()), "127.0.0.1", csePskPort),
                List.of(trustedUpdateKey.getPublic()),
                (name, version, image) -> Files.move(image, dir.resolve("installed-" + name + "-" + version + ".img")),
                dir.resolve("downloads"));
    }

    record Closing(OneM2mClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.transport().close();
        }
    }

    static Closing closing(OneM2mClient c) {
        return new Closing(c);
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static String pem(KeyPair k) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(k.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    static String pem(X509Certificate c) {
        return CertificateAuthority.pem(c);
    }

    static String fingerprint(X509Certificate c) throws Exception {
        return HexFormat.ofDelimiter(":")
                .withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    }

    /** Creates a mgmtObj under the device's node (readable and updatable by the device); its address. */
    static String object(String member, Map<String, Object> attrs) {
        Map<String, Object> a = new LinkedHashMap<>(attrs);
        a.put("acpi", List.of(acpId));
        OneM2mResponse r = admin.create(NODE, 13, Map.of(member, a));
        assertThat(r.rsc()).as(r.text()).isEqualTo(2001);
        return NODE + "/" + attrs.get("rn");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(String address, String member, String attribute) {
        OneM2mResponse r = admin.retrieve(address);
        assertThat(r.rsc()).as(r.text()).isEqualTo(2000);
        return (Map<String, Object>) r.resource(member).get(attribute);
    }

    static List<NodeFollower.Applied> poll() {
        return follower.poll();
    }

    static ManagementOutcome only(List<NodeFollower.Applied> applied) {
        assertThat(applied).hasSize(1);
        return applied.get(0).outcome();
    }

    static Map<String, Object> trustAnchor(String rn, String cfp, String uri) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("rn", rn);
        a.put("mgd", 1024);
        a.put("cfp", cfp);
        if (uri != null) {
            a.put("uri", uri);
        }
        return a;
    }

    static String anchorsUri(String path) {
        return "https://127.0.0.1:" + anchors.getAddress().getPort() + path;
    }

    @Test
    @Order(1)
    void a_trust_anchor_that_is_malformed_not_the_one_named_or_not_a_ca_is_refused_and_reported() throws Exception {
        served.put("/other-ca.pem", pem(otherCa.certificate()).getBytes(StandardCharsets.US_ASCII));
        X509Certificate leaf =
                lab.issueServer("leaf." + SP, List.of(), Duration.ofDays(1)).certificate();
        served.put("/leaf.pem", pem(leaf).getBytes(StandardCharsets.US_ASCII));

        String bad = object("dcfg:tacr", trustAnchor("ta-bad", "sha256:not-a-fingerprint", null));
        ManagementOutcome o = only(poll());
        assertThat(o.kind()).isEqualTo(ManagementOutcome.Kind.BAD_ARGUMENTS);
        assertThat(status(bad, "dcfg:tacr", "apst"))
                .containsEntry("sus", 2L)
                .containsEntry(
                        "acn",
                        "cfp is not a SHA-256 certificate fingerprint (ni:///sha-256;<base64url> or 64"
                                + " hex digits)");
        assertThat(poll()).as("reported once, not again until it changes").isEmpty();
        admin.delete(bad);

        String wrong = object(
                "dcfg:tacr", trustAnchor("ta-wrong", fingerprint(lab.certificate()), anchorsUri("/other-ca.pem")));
        assertThat(only(poll()).action()).isEqualTo("the certificate at uri does not have the fingerprint cfp gives");
        assertThat(status(wrong, "dcfg:tacr", "apst")).containsEntry("sus", 2L);
        admin.delete(wrong);

        String notCa = object("dcfg:tacr", trustAnchor("ta-leaf", fingerprint(leaf), anchorsUri("/leaf.pem")));
        assertThat(only(poll()).action()).isEqualTo("the certificate is not a CA certificate");
        admin.delete(notCa);

        String missing = object(
                "dcfg:tacr", trustAnchor("ta-missing", fingerprint(otherCa.certificate()), anchorsUri("/none.pem")));
        assertThat(only(poll()).action()).isEqualTo("uri answered 404");
        admin.delete(missing);
        poll();
        assertThat(device.settings().anchors()).isEmpty();
    }

    @Test
    @Order(2)
    void a_trust_anchor_fetched_by_its_fingerprint_is_added_kept_across_a_restart_and_goes_with_its_object()
            throws Exception {
        String ta = object(
                "dcfg:tacr", trustAnchor("ta-other", fingerprint(otherCa.certificate()), anchorsUri("/other-ca.pem")));
        ManagementOutcome o = only(poll());
        assertThat(o.isApplied()).as(o.action()).isTrue();
        assertThat(status(ta, "dcfg:tacr", "apst")).containsEntry("sus", 1L);
        assertThat(device.settings().anchors().values()).containsExactly(otherCa.certificate());
        assertThat(device.trust(List.of())).containsExactly(otherCa.certificate());

        DeviceEnrolment restarted = newDevice(); // from its state: the anchor and what it applied are kept
        assertThat(restarted.settings().anchors().values()).containsExactly(otherCa.certificate());
        assertThat(new NodeFollower(management(restarted), "/id-in/" + NODE).poll())
                .isEmpty();

        assertThat(admin.delete(ta).rsc()).isEqualTo(2002);
        assertThat(poll()).isEmpty();
        assertThat(device.settings().anchors()).isEmpty();
        assertThat(device.settings().applied()).doesNotContainKey(ta);
    }

    static Map<String, Object> firmware(String rn, String version, String url, byte[] image, KeyPair signer)
            throws Exception {
        String hash =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(signer.getPrivate());
        s.update(FirmwareStatement.of(nodeRi, "meter-fw", version, url, hash).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("rn", rn);
        a.put("mgd", 1001);
        a.put("fwn", "meter-fw");
        a.put("vr", version);
        a.put("url", url);
        a.put("ud", true);
        a.put("fwh", hash);
        a.put("fwsg", Base64.getEncoder().encodeToString(s.sign()));
        return a;
    }

    static String imageUrl(String path) {
        return "http://127.0.0.1:" + images.getAddress().getPort() + path;
    }

    @Test
    @Order(3)
    void firmware_not_signed_by_a_key_the_device_trusts_older_or_not_the_signed_image_is_not_installed()
            throws Exception {
        byte[] image = new byte[200_000];
        new SecureRandom().nextBytes(image);
        served.put("/fw/1.1.0.img", image);

        // the CSE trusts both update keys, the device only one
        String foreign =
                object("m2m:fwr", firmware("fw-foreign", "1.1.0", imageUrl("/fw/1.1.0.img"), image, otherUpdateKey));
        assertThat(only(poll()).action()).isEqualTo("not signed for this device by an update key it trusts");
        assertThat(status(foreign, "m2m:fwr", "uds")).containsEntry("sus", 2L);
        assertThat(admin.retrieve(foreign).resource("m2m:fwr")).containsEntry("ud", false);
        admin.delete(foreign);

        String older =
                object("m2m:fwr", firmware("fw-older", "0.9.9", imageUrl("/fw/1.1.0.img"), image, trustedUpdateKey));
        assertThat(only(poll()).action())
                .isEqualTo("version 0.9.9 is not newer than 1.0.0, which it runs: a rollback is refused");
        admin.delete(older);

        served.put("/fw/tampered.img", "not the signed image".getBytes(StandardCharsets.US_ASCII));
        String tampered = object(
                "m2m:fwr", firmware("fw-tampered", "1.1.0", imageUrl("/fw/tampered.img"), image, trustedUpdateKey));
        assertThat(only(poll()).action()).isEqualTo("the image's SHA-256 is not fwh: not installed");
        admin.delete(tampered);
        assertThat(Files.exists(dir.resolve("installed-meter-fw-1.1.0.img"))).isFalse();
        assertThat(device.settings().firmwareVersion()).isEqualTo("1.0.0");
    }

    @Test
    @Order(4)
    void signed_newer_firmware_is_installed_reported_and_cannot_be_rolled_back_after() throws Exception {
        byte[] image = served.get("/fw/1.1.0.img");
        String fw = object("m2m:fwr", firmware("fw", "1.1.0", imageUrl("/fw/1.1.0.img"), image, trustedUpdateKey));
        ManagementOutcome o = only(poll());
        assertThat(o.isApplied()).as(o.action()).isTrue();
        assertThat(o.action()).isEqualTo("installed meter-fw 1.1.0");
        assertThat(Files.readAllBytes(dir.resolve("installed-meter-fw-1.1.0.img")))
                .isEqualTo(image);
        assertThat(status(fw, "m2m:fwr", "uds")).containsEntry("sus", 1L);
        assertThat(admin.retrieve(fw).resource("m2m:fwr")).containsEntry("ud", false);
        assertThat(device.settings().firmwareVersion()).isEqualTo("1.1.0");

        // the same signed update asked for again (a replay) is not installed twice
        Map<String, Object> again = new LinkedHashMap<>();
        again.put("ud", true);
        assertThat(admin.update(fw, Map.of("m2m:fwr", again)).rsc()).isEqualTo(2004);
        assertThat(only(poll()).action()).contains("is not newer than 1.1.0");
    }

    static Map<String, Object> profile(String rn, int suid, Map<String, Object> extra) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("rn", rn);
        a.put("mgd", 1022);
        a.put("suid", suid);
        a.put("tlscs", List.of(49195));
        a.putAll(extra);
        return a;
    }

    @Test
    @Order(5)
    void a_profile_the_device_cannot_use_is_refused_then_it_switches_to_its_mef_key_and_back() throws Exception {
        assertThat(management.cseAuthentication()).isEqualTo(CseAuthentication.CERTIFICATE);
        String pre = object("dcfg:aupf", profile("ap-pre", 12, Map.of("skid", "k1@mef.example.com")));
        assertThat(only(poll()).action()).startsWith("SUID 12 is not a security association this device can make");
        admin.delete(pre);
        String foreignCert =
                object("dcfg:aupf", profile("ap-cert", 42, Map.of("mcfp", fingerprint(lab.certificate()))));
        assertThat(only(poll()).action()).isEqualTo("mcfp names a certificate this device does not hold");
        admin.delete(foreignCert);
        String foreignKey = object("dcfg:aupf", profile("ap-key", 22, Map.of("krd", "PT1H", "skid", "00ff@" + MEF)));
        assertThat(only(poll()).action()).isEqualTo("skid names a key this device does not hold");
        admin.delete(foreignKey);
        assertThat(management.cseAuthentication()).isEqualTo(CseAuthentication.CERTIFICATE);

        String toKey = object("dcfg:aupf", profile("ap-mef-key", 22, Map.of("krd", "PT1H")));
        ManagementOutcome o = only(poll());
        assertThat(o.isApplied()).as(o.action()).isTrue();
        assertThat(management.cseAuthentication()).isEqualTo(CseAuthentication.ENROLMENT_KEY);
        assertThat(status(toKey, "dcfg:aupf", "apst")) // reported over the new association
                .containsEntry("sus", 1L)
                .containsEntry("acn", "authenticates to its CSE by TLS-PSK with its MEF-provisioned key (SUID 22)");
        admin.delete(toKey);

        String toCert = object(
                "dcfg:aupf",
                profile(
                        "ap-my-cert",
                        42,
                        Map.of("mcfp", fingerprint(device.credentials().certificate()))));
        assertThat(only(poll()).isApplied()).isTrue();
        assertThat(management.cseAuthentication()).isEqualTo(CseAuthentication.CERTIFICATE);
        assertThat(newDevice().settings().cseAuthentication()).isEqualTo(CseAuthentication.CERTIFICATE);
        admin.delete(toCert);
    }

    static Map<String, Object> mefConfig(String rn, int port) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("rn", rn);
        a.put("mgd", 1026);
        a.put("fqdn", MEF);
        a.put("afqdn", "admin." + SP);
        a.put("hprt", port);
        return a;
    }

    static Map<String, Object> mafConfig(String rn, String fqdn, Integer port) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("rn", rn);
        a.put("mgd", 1025);
        a.put("fqdn", fqdn);
        a.put("afqdn", "admin." + SP);
        if (port != null) {
            a.put("hprt", port);
        } else {
            a.put("cprt", 5684); // the MAF over CoAP only: this device has no MAF client over DTLS
        }
        return a;
    }

    /**
     * [MAFClientRegCfg] then an [authenticationProfile] with SUID 32: the device registers at the MAF with the master
     * key its MEF provisioned (SUID 21), registers a key for its CSE there and uses it; the CSE fetches that key from the
     * MAF. Refusals first: SUID 32 before any MAF, no HTTPS port, a name that is not a domain (the CSE's refusal), a MAF
     * whose name does not match the key the device derives (no session).
     */
    @Test
    @Order(6)
    void the_device_becomes_a_maf_client_and_reaches_its_cse_with_a_key_from_the_maf() throws Exception {
        String early = object("dcfg:aupf", profile("ap-maf-early", 32, Map.of("krd", "PT1H")));
        assertThat(only(poll()).action())
                .isEqualTo("SUID 32 needs a MAF: this device is no MAF client ([MAFClientRegCfg] first)");
        admin.delete(early);
        String noPort = object("dcfg:mafrc", mafConfig("maf-no-port", MAF, null));
        assertThat(only(poll()).action()).isEqualTo("this device reaches its MAF over HTTPS: hprt is needed");
        admin.delete(noPort);
        assertThat(admin.create(NODE, 13, Map.of("dcfg:mafrc", mafConfig("maf-bad-name", "not a name", 1)))
                        .rsc())
                .as("the CSE refuses a name that is not a domain")
                .isEqualTo(4000);
        String otherMaf = object("dcfg:mafrc", mafConfig("maf-other", "maf.other.example", maf.port()));
        assertThat(only(poll()).action())
                .startsWith("no TLS-PSK session with the MAF at maf.other.example")
                .endsWith(": not registered");
        assertThat(status(otherMaf, "dcfg:mafrc", "apst")).containsEntry("sus", 2L);
        admin.delete(otherMaf);
        assertThat(device.settings().maf()).isNull();

        String mafObject = object("dcfg:mafrc", mafConfig("maf", MAF, maf.port()));
        ManagementOutcome registered = only(poll());
        assertThat(registered.isApplied()).as(registered.action()).isTrue();
        assertThat(registered.action())
                .matches("registered as client \\S+ of the MAF " + Pattern.quote(MAF) + ":" + maf.port()
                        + ", assigned KmID [0-9a-f]{32}@" + Pattern.quote(MAF));
        assertThat(newDevice().settings().maf().assignedKmId()).endsWith("@" + MAF);

        // ESPrim with a key from the MAF (SUID 33): the CSE fetches it by its ID on first sight and binds it to the
        // device's AE-ID (the MAF's source client). Refusals first: a kid of that MAF it does not know (4112), another
        // AE's inner request under the key (4116)
        DeviceManagement.DistributedKey esprimKey = management.esprimKeyFromMaf(Duration.ofHours(1));
        assertThat(esprimKey.kid()).matches("[0-9a-f]{32}@" + Pattern.quote(MAF));
        assertThat(esprimKey.toString()).doesNotContain(java.util.HexFormat.of().formatHex(esprimKey.key()));
        try (var c = closing(management.cse())) {
            try (EsprimClient unknown = new EsprimClient(
                    c.client(),
                    "/id-in/cse-in",
                    "/id-in/Cdev1",
                    "0".repeat(32) + "@" + MAF,
                    new byte[32],
                    SessionKeys.Input.VALUES)) {
                EsprimHierarchyTest.refusedOutside(
                        () -> unknown.send(Operation.RETRIEVE, "/id-in/Cdev1", b -> b),
                        ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID);
            }
            try (EsprimClient other = new EsprimClient(
                    c.client(),
                    "/id-in/cse-in",
                    "/id-in/Cother",
                    esprimKey.kid(),
                    esprimKey.key(),
                    SessionKeys.Input.VALUES)) {
                EsprimHierarchyTest.refusedOutside(
                        () -> other.send(Operation.RETRIEVE, "/id-in/Cdev1", b -> b),
                        ResponseStatusCode.ESPRIM_IMPERSONATION_ERROR);
            }
            try (EsprimClient e2e = new EsprimClient(
                    c.client(),
                    "/id-in/cse-in",
                    "/id-in/Cdev1",
                    esprimKey.kid(),
                    esprimKey.key(),
                    SessionKeys.Input.VALUES)) {
                assertThat(e2e.send(Operation.RETRIEVE, "/id-in/Cdev1", b -> b).status())
                        .isEqualTo(ResponseStatusCode.OK);
            }
        } finally {
            esprimKey.destroy();
        }

        // ESData with keys from the MAF (SUID 34): the MAF hands a key's value only to a target (here the device
        // itself;
        // the source of one registered for another AE gets no value), and only for the SUID asked; the key protects
        // data (A128KW) that the holders of the key open
        String me = device.credentials().cseId() + "/" + device.credentials().aeId();
        DeviceManagement.DistributedKey forMe = management.esdataKeyFromMaf(34, List.of(me), Duration.ofHours(1));
        DeviceManagement.DistributedKey forOther =
                management.esdataKeyFromMaf(34, List.of("/id-in/Cother"), Duration.ofHours(1));
        try {
            // its source is no target: the MAF shows it the key's configuration, not its value
            assertThatThrownBy(() -> management.mafKey(forOther.kid(), 34)).hasMessageContaining("no usable keyValue");
            assertThatThrownBy(() -> management.mafKey(forMe.kid(), 35)).hasMessageContaining("not for SUID 35");
            assertThatThrownBy(() -> management.esdataKeyFromMaf(33, List.of(me), Duration.ofHours(1)))
                    .isInstanceOf(IllegalArgumentException.class);
            DeviceManagement.DistributedKey retrieved = management.mafKey(forMe.kid(), 34);
            assertThat(retrieved.key()).isEqualTo(forMe.key());
            byte[] reading = "{\"t\":21.5}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String sealed = io.citadel.e2e.esdata.EsData.encrypt(
                            reading,
                            List.of(new io.citadel.e2e.esdata.EsData.SymmetricRecipient(
                                    forMe.kid(), forMe.firstHalf())),
                            false)
                    .envelope();
            assertThat(io.citadel.e2e.esdata.EsData.open(sealed, new io.citadel.e2e.esdata.EsData.Keys() {
                                @Override
                                public java.util.Optional<byte[]> symmetric(String kid) {
                                    return kid.equals(retrieved.kid())
                                            ? java.util.Optional.of(retrieved.firstHalf())
                                            : java.util.Optional.empty();
                                }
                            })
                            .payload())
                    .isEqualTo(reading);
            retrieved.destroy();
        } finally {
            forMe.destroy();
            forOther.destroy();
        }

        String toMaf = object("dcfg:aupf", profile("ap-maf", 32, Map.of("krd", "PT2H")));
        ManagementOutcome switched = only(poll());
        assertThat(switched.isApplied()).as(switched.action()).isTrue();
        assertThat(management.cseAuthentication()).isEqualTo(CseAuthentication.MAF_KEY);
        assertThat(status(toMaf, "dcfg:aupf", "apst")) // reported over the association with the MAF's key
                .containsEntry("sus", 1L)
                .containsEntry("acn", "authenticates to its CSE by TLS-PSK with a key from its MAF (SUID 32)");
        try (var c = closing(management.cse())) {
            assertThat(c.client().retrieve("/id-in/Cdev1").status().code()).isEqualTo(2000);
        }
        admin.delete(toMaf);
        String firstKey = device.settings().maf().keyId();
        assertThat(firstKey).matches("[0-9a-f]{32}@" + Pattern.quote(MAF));
        // the SAEF key (SUID 32) is no ESPrim key: the CSE's broker refuses it (4112, where a known key with wrong
        // bytes would be 4115)
        try (var c = closing(management.cse());
                EsprimClient saef = new EsprimClient(
                        c.client(),
                        "/id-in/cse-in",
                        "/id-in/Cdev1",
                        firstKey,
                        new byte[32],
                        SessionKeys.Input.VALUES)) {
            EsprimHierarchyTest.refusedOutside(
                    () -> saef.send(Operation.RETRIEVE, "/id-in/Cdev1", b -> b),
                    ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID);
        }

        // a krd the MAF refuses (it gives keys a day at most) changes nothing: the device keeps its key and its CSE
        String tooLong = object("dcfg:aupf", profile("ap-maf-2d", 32, Map.of("krd", "P2D")));
        ManagementOutcome refused = only(poll());
        assertThat(refused.action())
                .startsWith("the MAF at " + MAF + " refused POST /maf/keys (400")
                .endsWith(": not switched");
        assertThat(management.cseAuthentication()).isEqualTo(CseAuthentication.MAF_KEY);
        assertThat(device.settings().maf().keyId()).isEqualTo(firstKey);
        admin.delete(tooLong);
        // a krd it takes: a new key, and the one it replaces is de-registered at the MAF
        String threeHours = object("dcfg:aupf", profile("ap-maf-3h", 32, Map.of("krd", "PT3H")));
        assertThat(only(poll()).isApplied()).isTrue();
        String secondKey = device.settings().maf().keyId();
        assertThat(secondKey).isNotEqualTo(firstKey);
        String regId = device.settings().maf().regId();
        String kmId = device.settings().maf().assignedKmId();
        assertThat(atMaf(kmId, "GET", "/maf/keys/" + secondKey.substring(0, 32)))
                .isEqualTo(200);
        assertThat(atMaf(kmId, "GET", "/maf/keys/" + firstKey.substring(0, 32))).isEqualTo(404);
        admin.delete(threeHours);

        // the object deleted: the device de-registers and goes back to the association it started with
        admin.delete(mafObject);
        poll();
        assertThat(device.settings().maf()).isNull();
        assertThat(management.cseAuthentication()).isEqualTo(CseAuthentication.CERTIFICATE);
        try (var c = closing(management.cse())) {
            assertThat(c.client().retrieve("/id-in/Cdev1").status().code()).isEqualTo(2000);
        }
        assertThat(atMaf(device.credentials().keyId(), "GET", "/maf/clients/" + regId))
                .as("the registration is gone at the MAF")
                .isEqualTo(404);
    }

    /** The status the MAF answers the device (its Km, derived from its Ke) under {@code identity}. */
    static int atMaf(String identity, String method, String path) throws Exception {
        byte[] ke = device.credentials().enrolmentKey();
        byte[] km = io.citadel.credentials.KeyDerivation.usageConstrainedKey(ke, 21, MAF);
        try (io.citadel.client.tls.PskHttpConnection c =
                new io.citadel.client.tls.PskHttpConnection("127.0.0.1", maf.port(), identity, km)) {
            return c.exchange(method, path, Map.of(), null, Duration.ofSeconds(20))
                    .status();
        }
    }

    @Test
    @Order(7)
    void a_mef_that_cannot_be_reached_is_not_followed_then_the_device_follows_its_mef_to_a_new_address()
            throws Exception {
        int closed;
        closed = Ports.free();
        String nowhere = object("dcfg:mefrc", mefConfig("mef-nowhere", closed));
        assertThat(only(poll()).action())
                .isEqualTo("the MEF " + MEF + ":" + closed + " could not be reached: not switched");
        assertThat(status(nowhere, "dcfg:mefrc", "apst")).containsEntry("sus", 2L);
        admin.delete(nowhere);
        String other = object(
                "dcfg:mefrc", mefConfig("mef-anchors", anchors.getAddress().getPort()));
        assertThat(only(poll()).action()).endsWith("could not be reached: not switched"); // not the MEF's name
        admin.delete(other);

        String moved = object("dcfg:mefrc", mefConfig("mef-moved", movedMef.port()));
        ManagementOutcome o = only(poll());
        assertThat(o.isApplied()).as(o.action()).isTrue();
        assertThat(status(moved, "dcfg:mefrc", "apst")).containsEntry("sus", 1L);
        assertThat(newDevice().settings().mefPort()).isEqualTo(movedMef.port());

        // the device's MEF client and its renewals go to the new address: the old one is closed now
        mefCertificates.close();
        MefCommand anchor = clients.enqueue(
                "dev1@" + MEF,
                CommandClass.MO_NODE,
                Map.of(
                        "objectPath",
                        "./trustAnchors/mefCa",
                        "objectTypeID",
                        2,
                        "cfp",
                        fingerprint(mefCa.certificate())),
                null);
        MefCommand mafCommand = clients.enqueue(
                "dev1@" + MEF,
                CommandClass.MO_NODE,
                Map.of("objectPath", "./maf", "objectTypeID", 3, "fqdn", "maf.other.example", "hprt", maf.port()),
                null);
        MefCommand badSuid = clients.enqueue(
                "dev1@" + MEF,
                CommandClass.MO_NODE,
                Map.of("objectPath", "./profile", "objectTypeID", 1, "SUID", 13),
                null);
        MefCommand noType = clients.enqueue(
                "dev1@" + MEF, CommandClass.MO_NODE, Map.of("objectPath", "./x", "objectTypeID", 9), null);
        MefCommands.Poll p = new MefCommands(device, management).poll();
        assertThat(p.executed())
                .extracting(MefCommands.Executed::cmdId, MefCommands.Executed::result)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(anchor.cmdId(), CommandStatus.OK),
                        org.assertj.core.groups.Tuple.tuple(mafCommand.cmdId(), CommandStatus.MO_NODE_EXECUTION_ERROR),
                        org.assertj.core.groups.Tuple.tuple(badSuid.cmdId(), CommandStatus.MO_NODE_UNACCEPTABLE_ARGS),
                        org.assertj.core.groups.Tuple.tuple(noType.cmdId(), CommandStatus.MO_NODE_TYPE_CONFLICT));
        assertThat(device.settings().anchors()).containsKey("mo:./trustAnchors/mefCa");
        device.renew();
        assertThat(device.credentials().certificate().getNotAfter()).isAfter(new java.util.Date());
    }
}
