package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.credentials.LevelOfAssurance;
import io.citadel.tls.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Levels of assurance (TR-0008 §9.1.1) over real sockets and third-party clients: the same AE over plain HTTP
 * (level 1), TLS-PSK with {@code openssl s_client} (level 2) and a certificate with curl (level 3), against rules
 * that ask for a minimum ({@code acco} {@code loa}). Negative cases first; the audit log records the level.
 */
class LevelOfAssuranceTest {
    private static final String SP = "citadel.example";

    @TempDir
    static Path dataDir;

    @TempDir
    static Path pki;

    @TempDir
    static Path work;

    static TestCse cse;
    static int pskPort;
    static int tlsPort;
    static String devKey;
    static LogWatch audit;

    @BeforeAll
    static void start() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(SP, Duration.ofDays(2));
        ca.save(pki);
        CertificateAuthority.save(ca.issueCse("/id-in", SP, Duration.ofDays(1)), pki, "cse-in");
        CertificateAuthority.save(ca.issueAe("Cdev", "/id-in", SP, Duration.ofDays(1)), pki, "Cdev");
        // the same AE with a key its enrolment authority (this CA, as the MEF's) vouched is kept in hardware
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair hw = g.generateKeyPair();
        Instant now = Instant.now();
        CertificateAuthority.save(
                new CertificateAuthority.Issued(
                        hw.getPrivate(),
                        ca.certify(
                                hw.getPublic(),
                                "CN=Cdev",
                                List.of(new GeneralName(
                                        GeneralName.uniformResourceIdentifier, "onem2m://" + SP + "/id-in/Cdev")),
                                now.minusSeconds(60),
                                now.plus(Duration.ofDays(1)),
                                false,
                                true,
                                List.of(LevelOfAssurance.HARDWARE_KEY_POLICY)),
                        ca.certificate()),
                pki,
                "Cdev-hw");
        Matcher key = Pattern.compile("shown only now\\): ([0-9a-f]+)")
                .matcher(Psk.run(dataDir, "add", "--identity", "dev@psk.example", "--allow", "Cdev"));
        assertThat(key.find()).isTrue();
        devKey = key.group(1);
        audit = LogWatch.of("citadel.audit");
        cse = TestCse.start(
                dataDir,
                "--audit",
                "all",
                "--psk-port",
                "0",
                "--tls-port",
                "0",
                "--tls-cert",
                pki.resolve("cse-in.pem").toString(),
                "--tls-key",
                pki.resolve("cse-in.key").toString(),
                "--tls-trust",
                pki.resolve("ca.pem").toString(),
                "--assurance-4-issuers",
                pki.resolve("ca.pem").toString());
        pskPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
        tlsPort = Integer.parseInt(
                cse.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
        // the AE registers over plain HTTP, so it may come over any of the three
        Fixtures.register(cse, "Cdev");
        var admin = cse.client().as(CseProcess.ADMIN);
        for (int level : List.of(2, 3, 4)) {
            assertThat(admin.create("cse-in", 1, acp("need" + level, level)).rsc())
                    .isEqualTo(2001);
            assertThat(admin.create(
                                    "cse-in",
                                    3,
                                    Fixtures.container("box" + level, Map.of("acpi", List.of("cse-in/need" + level))))
                            .rsc())
                    .isEqualTo(2001);
        }
    }

    @AfterAll
    static void stop() {
        audit.close();
        cse.close();
    }

    private static Map<String, Object> acp(String rn, Object loa) {
        return Map.of(
                "m2m:acp",
                Map.of(
                        "rn",
                        rn,
                        "pv",
                        Map.of(
                                "acr",
                                List.of(Map.of(
                                        "acor", List.of("Cdev"), "acop", 2, "acco", List.of(Map.of("loa", loa))))),
                        "pvs",
                        Map.of("acr", List.of(Fixtures.rule(List.of(CseProcess.ADMIN), 63)))));
    }

    private static int plain(String path) {
        return cse.client().as("Cdev").retrieve(path).rsc();
    }

    /** GET over TLS-PSK with openssl s_client; the X-M2M-RSC, or what openssl printed. */
    private static String overPsk(String path) throws Exception {
        Path in = Files.createTempFile(work, "req", ".txt");
        Files.writeString(
                in,
                "GET " + path + " HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: Cdev\r\nX-M2M-RI: r1\r\nX-M2M-RVI: 3\r\n"
                        + "Connection: close\r\n\r\n");
        return PskTlsTest.rsc(MefEnrolmentTest.run(
                in,
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + pskPort,
                "-psk_identity",
                "dev@psk.example",
                "-psk",
                devKey,
                "-quiet",
                "-ign_eof"));
    }

    /** GET over TLS with Cdev's certificate, with curl. */
    private static String overCertificate(String path) throws Exception {
        return overCertificate("Cdev", path);
    }

    /** GET over TLS with the certificate saved as {@code name}, with curl. */
    private static String overCertificate(String name, String path) throws Exception {
        return PskTlsTest.rsc(MefEnrolmentTest.run(
                null,
                "curl",
                "-s",
                "-i",
                "--cacert",
                pki.resolve("ca.pem").toString(),
                "--resolve",
                "id-in." + SP + ":" + tlsPort + ":127.0.0.1",
                "--cert",
                pki.resolve(name + ".pem").toString(),
                "--key",
                pki.resolve(name + ".key").toString(),
                "-H",
                "X-M2M-Origin: Cdev",
                "-H",
                "X-M2M-RI: r2",
                "-H",
                "X-M2M-RVI: 3",
                "https://id-in." + SP + ":" + tlsPort + path));
    }

    @Test
    void a_level_that_is_not_one_to_four_is_refused_when_the_policy_is_written_and_nothing_is_stored() {
        var admin = cse.client().as(CseProcess.ADMIN);
        for (Object bad : List.of(5, 0, "high", 2.5)) {
            var created = admin.create("cse-in", 1, acp("bad", bad));
            assertThat(created.rsc()).as("loa %s", bad).isEqualTo(4000);
            assertThat(created.text()).contains("loa").doesNotContain("Exception");
            assertThat(admin.retrieve("cse-in/bad").rsc()).isEqualTo(4004);
        }
    }

    @Test
    void plain_http_is_below_either_minimum_and_a_psk_below_a_certificate() throws Exception {
        assertThat(plain("cse-in/box2")).isEqualTo(4103);
        assertThat(plain("cse-in/box3")).isEqualTo(4103);
        assertThat(overPsk("/cse-in/box3")).isEqualTo("4103");
        assertThat(overPsk("/cse-in/box4")).isEqualTo("4103");
        assertThat(overCertificate("/cse-in/box4"))
                .as("a certificate that does not state the hardware-key policy is level 3")
                .isEqualTo("4103");
        assertThat(audit.await(
                        m -> m.startsWith("DENY originator=/id-in/Cdev target=") && m.contains("op=RETRIEVE loa=2 "),
                        1,
                        30))
                .as("the audit log records the level a denial was decided at")
                .isTrue();
    }

    @Test
    void each_minimum_is_met_by_the_association_that_reaches_it_and_lost_again_over_plain_http() throws Exception {
        assertThat(overPsk("/cse-in/box2")).isEqualTo("2000");
        assertThat(overCertificate("/cse-in/box3")).isEqualTo("2000");
        assertThat(overCertificate("/cse-in/box2")).isEqualTo("2000");
        assertThat(overCertificate("Cdev-hw", "/cse-in/box4")).isEqualTo("2000");
        assertThat(overCertificate("Cdev-hw", "/cse-in/box2")).isEqualTo("2000");
        // the same AE, right after, over plain HTTP: the level is the request's, not the AE's best
        assertThat(plain("cse-in/box2")).isEqualTo(4103);
        assertThat(audit.await(
                        m -> m.startsWith("PERMIT originator=/id-in/Cdev") && m.contains("op=RETRIEVE loa=3 "), 2, 30))
                .isTrue();
        assertThat(audit.await(
                        m -> m.startsWith("PERMIT originator=/id-in/Cdev") && m.contains("op=RETRIEVE loa=2 "), 1, 30))
                .isTrue();
        assertThat(audit.messages()).noneMatch(m -> m.contains(devKey));
    }
}
