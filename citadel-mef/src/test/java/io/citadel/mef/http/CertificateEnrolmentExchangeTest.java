package io.citadel.mef.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
import io.citadel.mef.keys.EnrolmentKeys;
import io.citadel.tls.CertificateAuthority;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The enrolment exchange ({@code POST /mef/enrolment}) on the MEF's certificate listener, for the certificate RSPF
 * (TS-0003 §8.3.2): a device proved by a manufacturer's certificate gets a Ke exported from its session, as a device
 * proved by its bootstrap key does on the TLS-PSK listener; so does a device holding the certificate the MEF issued it
 * last (a renewed device gets a fresh Ke). Refusals first: a device without a policy, one whose policy requires
 * firmware evidence, a superseded certificate, a revoked device; then OpenSSL's {@code s_client} exports the same
 * keying material as the MEF over TLS 1.3 and 1.2, and EST keeps working on the listener.
 */
class CertificateEnrolmentExchangeTest {
    static final String FQDN = "mef.citadel.example";
    static final String SP = "citadel.example";
    static final String PASSWORD = "one-time challenge password";

    @TempDir
    static Path dir;

    static CertificateAuthority ca;
    static CertificateAuthority manufacturer;
    static Enrolments enrolments;
    static EnrolmentKeys enrolmentKeys;
    static EstService est;
    static ReenrolmentServer certificates;

    /** A key and the chain that proves it (leaf first). */
    record Holder(PrivateKey key, List<X509Certificate> chain) {}

    static Holder idevid;
    static Holder integrityDevice;
    static Holder unknownDevice;

    @BeforeAll
    static void start() throws Exception {
        ca = CertificateAuthority.create(SP, Duration.ofDays(1));
        manufacturer = CertificateAuthority.create("mfr.example", Duration.ofDays(1));
        enrolments = Enrolments.open(dir.resolve("enrolments.json"));
        idevid = factoryCertificate("idev1");
        integrityDevice = factoryCertificate("idev2");
        unknownDevice = factoryCertificate("idev3");
        enrolments.put(policy(CertificateEnrolees.deviceEnrolee(idevid.chain().get(0)), "Cdev1"));
        enrolments.put(
                policy(CertificateEnrolees.deviceEnrolee(integrityDevice.chain().get(0)), "Cdev2")
                        .with(new EnrolmentPolicy.Integrity(true, null)));
        for (String dev : List.of("dev4", "dev5")) {
            enrolments.put(policy(dev + "@" + FQDN, "C" + dev));
        }
        enrolmentKeys = new EnrolmentKeys(
                EncryptedFilePskStore.open(dir.resolve("ke"), "pw".toCharArray()), enrolments, FQDN, Clock.systemUTC());
        est = new EstService(ca, enrolments, Clock.systemUTC());
        CertificateAuthority.Issued server = ca.issueServer(FQDN, List.of(), Duration.ofDays(1));
        certificates = new ReenrolmentServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                est,
                enrolments,
                server.key(),
                List.of(server.certificate(), server.ca()),
                ca.certificate(),
                List.of(manufacturer.certificate()),
                new KeyRoutes(enrolmentKeys, "https://" + FQDN + "/.well-known/est"),
                List.of(),
                10_000);
    }

    @AfterAll
    static void stop() {
        certificates.close();
    }

    static EnrolmentPolicy policy(String enrolee, String aeId) {
        return EnrolmentPolicy.withPassword(
                enrolee,
                new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, aeId, "/id-in", SP),
                Duration.ofDays(30),
                PASSWORD);
    }

    /** A manufacturer's device certificate (IDevID: no oneM2M name). */
    static Holder factoryCertificate(String serial) {
        Instant now = Instant.now();
        CertificateAuthority.Issued issued = manufacturer.issue(
                "CN=" + serial, List.of(), now.minusSeconds(60), now.plus(Duration.ofDays(1)), false, true);
        return new Holder(issued.key(), List.of(issued.certificate(), issued.ca()));
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static byte[] csr(KeyPair keys, String password) throws Exception {
        var b = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=dev"), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(password));
        return Base64.getMimeEncoder()
                .encode(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                        .getEncoded());
    }

    static X509Certificate certificateIn(byte[] certsOnly) throws Exception {
        CMSSignedData cms = new CMSSignedData(Base64.getMimeDecoder().decode(certsOnly));
        byte[] der = cms.getCertificates().getMatches(null).iterator().next().getEncoded();
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** The certificate the MEF issues {@code kpmId} by EST (as its bootstrap-key listener would). */
    static Holder enrolled(String kpmId) throws Exception {
        KeyPair keys = p256();
        return new Holder(
                keys.getPrivate(),
                List.of(certificateIn(est.simpleEnroll(kpmId, csr(keys, PASSWORD))), ca.certificate()));
    }

    /** One HTTP/1.1 request over certificate TLS with the JDK's client; the raw answer. */
    static String request(Holder holder, String method, String path, String type, byte[] body) throws Exception {
        char[] none = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, none);
        keys.setKeyEntry("c", holder.key(), none, holder.chain().toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, none);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, none);
        trusted.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), certificates.port()), 10_000);
            socket.setSoTimeout(20_000);
            byte[] content = body == null ? new byte[0] : body;
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + FQDN + "\r\nConnection: close\r\n"
                    + (type == null ? "" : "Content-Type: " + type + "\r\n") + "Content-Length: " + content.length
                    + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(content);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static String exchange(Holder holder) throws Exception {
        return request(holder, "POST", KeyRoutes.ENROLMENT, null, null);
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    /** The Ke the MEF holds for {@code keyId} as the CSE /id-in would fetch it (SUID 22). */
    static byte[] fetchedKey(String keyId) {
        return enrolmentKeys
                .fetch(keyId, "22", List.of("id-in." + SP), "/id-in")
                .key();
    }

    @Test
    void a_device_certificate_without_a_policy_gets_no_key() throws Exception {
        assertThat(exchange(unknownDevice))
                .startsWith("HTTP/1.1 403")
                .contains("\"status\":false")
                .contains("no enrolment policy for this device");
    }

    @Test
    void a_device_under_an_integrity_policy_gets_no_key_as_on_the_bootstrap_listener() throws Exception {
        assertThat(exchange(integrityDevice))
                .startsWith("HTTP/1.1 403")
                .contains("this device must show firmware evidence");
    }

    @Test
    void the_exchange_is_a_post() throws Exception {
        assertThat(request(idevid, "GET", KeyRoutes.ENROLMENT, null, null)).startsWith("HTTP/1.1 405");
    }

    @Test
    void a_superseded_certificate_gets_no_key_the_renewed_one_a_fresh_key() throws Exception {
        Holder first = enrolled("dev4@" + FQDN);
        String before = find(exchange(first), "\"keID\":\"([^\"]+)\"");
        KeyPair renewedKeys = p256();
        Holder renewed = new Holder(
                renewedKeys.getPrivate(),
                List.of(
                        certificateIn(est.simpleReenroll(
                                "dev4@" + FQDN, first.chain().get(0), csr(renewedKeys, "not needed"))),
                        ca.certificate()));
        assertThat(exchange(first))
                .as("the superseded certificate proves nobody")
                .startsWith("HTTP/1.1 401");
        String after = exchange(renewed);
        assertThat(after).startsWith("HTTP/1.1 200").contains("\"certProvProtocolID\":1");
        String keyId = find(after, "\"keID\":\"([^\"]+)\"");
        assertThat(keyId).isNotEqualTo(before).endsWith("@" + FQDN);
        assertThat(fetchedKey(keyId)).hasSize(32);
        assertThat(catching(() -> fetchedKey(before)))
                .as("one Ke per device: the new one replaced the old")
                .isInstanceOf(io.citadel.mef.est.EstException.class);
    }

    @Test
    void a_revoked_device_gets_no_key() throws Exception {
        Holder held = enrolled("dev5@" + FQDN);
        assertThat(enrolments.revoke("dev5@" + FQDN)).isTrue();
        assertThat(exchange(held))
                .as("its certificate is nobody's now")
                .startsWith("HTTP/1.1 401")
                .doesNotContain("keID");
    }

    static RuntimeException catching(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** EST on the same listener: the device certificate reads the CSR attributes its policy asks for. */
    @Test
    void est_still_works_on_the_listener() throws Exception {
        assertThat(request(idevid, "GET", EstHttpHandler.PREFIX + "csrattrs", null, null))
                .startsWith("HTTP/1.1 200")
                .contains("application/csrattrs");
    }

    /**
     * OpenSSL's s_client with the device certificate exports keying material with the label of TS-0003 §10.3 in the
     * session in which it asks for the enrolment exchange: the KeID the MEF answers is the first 16 bytes in hex, and the
     * key a target fetches is HMAC-SHA-256 over the last 32 bytes, computed here independently of the MEF's code.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void openssl_with_a_device_certificate_and_the_mef_export_the_same_ke(String version) throws Exception {
        Path cert = dir.resolve("idev1.pem");
        Path key = dir.resolve("idev1.key");
        Path mefCa = dir.resolve("mef-ca.pem");
        Files.writeString(
                cert,
                CertificateAuthority.pem(idevid.chain().get(0))
                        + CertificateAuthority.pem(idevid.chain().get(1)));
        Files.writeString(key, CertificateAuthority.pem(idevid.key()));
        Files.writeString(mefCa, CertificateAuthority.pem(ca.certificate()));
        Path request = dir.resolve("enrolment.http");
        Files.writeString(
                request,
                "POST /mef/enrolment HTTP/1.1\r\nHost: " + FQDN + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        List<String> command = new ArrayList<>(List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + certificates.port(),
                "-servername",
                FQDN,
                "-cert",
                cert.toString(),
                "-key",
                key.toString(),
                "-CAfile",
                mefCa.toString(),
                "-verify_return_error",
                "-keymatexport",
                "EXPORTER-oneM2M-Bootstrap",
                "-keymatexportlen",
                "48",
                version,
                "-ign_eof"));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(request.toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("HTTP/1.1 200").contains("Verify return code: 0 (ok)");
        byte[] exported = HexFormat.of().parseHex(find(out, "Keying material: ([0-9A-Fa-f]{96})"));
        String keyId = find(out, "\"keID\":\"([^\"]+)\"");
        assertThat(keyId).isEqualTo(HexFormat.of().formatHex(Arrays.copyOfRange(exported, 0, 16)) + "@" + FQDN);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Arrays.copyOfRange(exported, 16, 48), "HmacSHA256"));
        byte[] expected =
                mac.doFinal(("oneM2M Enrolment Key to Usage-Constrained Symmetric Key derivation" + "22id-in." + SP)
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(fetchedKey(keyId)).isEqualTo(expected);
    }
}
