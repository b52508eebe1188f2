package io.citadel.client.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts a device applies management objects with, on their own: version order (a rollback must be seen as one),
 * certificate fingerprints in both notations (and anything else refused), the managed settings' round trip through
 * the state, and a firmware update refused before anything is downloaded when it cannot be trusted.
 */
class ManagementPartsTest {
    @TempDir
    Path dir;

    static X509Certificate certificate(boolean ca) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair k = g.generateKeyPair();
        X500Name name = new X500Name("CN=test");
        var b = new JcaX509v3CertificateBuilder(
                name,
                BigInteger.ONE,
                Date.from(Instant.now().minusSeconds(60)),
                Date.from(Instant.now().plusSeconds(3600)),
                name,
                k.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate())));
    }

    @Test
    void versions_refuse_what_is_not_newer_and_order_numbers_as_numbers() {
        assertThat(Versions.compare("1.0.0", "1.0.0")).isZero();
        assertThat(Versions.compare("0.9.9", "1.0.0")).isNegative();
        assertThat(Versions.compare("1.10.0", "1.9.2")).isPositive();
        assertThat(Versions.compare("1.2", "1.2.1")).isNegative();
        assertThat(Versions.compare("2.0", "1.99-rc1")).isPositive();
        assertThat(Versions.compare("1.0-rc1", "1.0-rc2")).isNegative();
        // a pre-release of what it runs is older: a signed release candidate cannot roll it back
        assertThat(Versions.compare("1.0-rc1", "1.0")).isNegative();
        assertThat(Versions.compare("1.0.0-beta", "1.0.0")).isNegative();
        assertThat(Versions.compare("1.0.0-alpha.1", "1.0.0-alpha.beta")).isNegative();
        assertThat(Versions.compare("1.0.0+build.7", "1.0.0")).isZero();
        // long numbers are numbers, however long
        assertThat(Versions.compare("99999999999999999999", "1")).isPositive();
        assertThat(Versions.compare("1.0010", "1.9")).isPositive();
    }

    @Test
    void fingerprints_are_an_ni_name_or_hex_and_nothing_else() throws Exception {
        X509Certificate c = certificate(true);
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
        for (String bad : List.of(
                "",
                "sha256:abcd",
                "ni:///sha-256;",
                "ni:///sha-1;" + "A".repeat(27),
                "ab".repeat(31),
                "zz".repeat(32))) {
            assertThatThrownBy(() -> CertificateFingerprint.digest(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a SHA-256 certificate fingerprint");
        }
        assertThat(CertificateFingerprint.matches(HexFormat.of().formatHex(sha), c))
                .isTrue();
        assertThat(CertificateFingerprint.matches(
                        HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha), c))
                .isTrue();
        assertThat(CertificateFingerprint.matches(CertificateFingerprint.of(c), c))
                .isTrue();
        assertThat(CertificateFingerprint.of(c))
                .isEqualTo("ni:///sha-256;"
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(sha));
        assertThat(CertificateFingerprint.matches(CertificateFingerprint.of(certificate(true)), c))
                .isFalse();
    }

    @Test
    void a_trust_anchor_without_uri_must_be_a_known_ca_certificate() throws Exception {
        X509Certificate ca = certificate(true);
        X509Certificate leaf = certificate(false);
        assertThat(TrustAnchorFetch.fetch(null, null, List.of(ca)).outcome().kind())
                .isEqualTo(ManagementOutcome.Kind.BAD_ARGUMENTS);
        assertThat(TrustAnchorFetch.fetch(CertificateFingerprint.of(ca), null, List.of(leaf))
                        .outcome()
                        .action())
                .isEqualTo("no uri, and this device holds no certificate of that fingerprint");
        assertThat(TrustAnchorFetch.fetch(CertificateFingerprint.of(leaf), null, List.of(leaf))
                        .outcome()
                        .action())
                .isEqualTo("the certificate is not a CA certificate");
        assertThat(TrustAnchorFetch.fetch(CertificateFingerprint.of(ca), "http://x.example/ca.pem", List.of(ca))
                        .outcome()
                        .action())
                .isEqualTo("uri is not an https URI");
        TrustAnchorFetch.Result ok = TrustAnchorFetch.fetch(CertificateFingerprint.of(ca), null, List.of(leaf, ca));
        assertThat(ok.anchor()).isEqualTo(ca);
        assertThat(ok.outcome().isApplied()).isTrue();
    }

    @Test
    void managed_settings_survive_their_json_and_a_long_reason_is_cut() throws Exception {
        X509Certificate ca = certificate(true);
        ManagedSettings s = ManagedSettings.NONE
                .withAnchor("anchor-ri", ca)
                .withCseAuthentication(ManagedSettings.CseAuthentication.ENROLMENT_KEY)
                .withMef("mef2.citadel.example", 9444)
                .withFirmware("fw", "2.0")
                .withMaf(new ManagedSettings.MafRegistration(
                        "maf-ri",
                        "maf.citadel.example",
                        8446,
                        "reg-1",
                        "00112233445566778899aabbccddeeff@maf.citadel.example",
                        java.time.Duration.ofHours(2),
                        "ffeeddccbbaa99887766554433221100@maf.citadel.example"))
                .withApplied("anchor-ri", "20261207T101010");
        assertThat(ManagedSettings.fromJson(s.toJson())).isEqualTo(s);
        assertThat(ManagedSettings.fromJson(ManagedSettings.NONE.toJson())).isEqualTo(ManagedSettings.NONE);
        assertThat(s.withAnchor("anchor-ri", null).anchors()).isEmpty();
        assertThat(ManagedSettings.fromJson(s.withMaf(null).toJson()).maf()).isNull();
        // a state written by hand or by another version: what this one cannot use is forgotten, never trusted
        String tampered = new String(
                        s.withCseAuthentication(ManagedSettings.CseAuthentication.MAF_KEY)
                                .toJson(),
                        java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"reg-1\"", "\"../clients\"");
        ManagedSettings loaded = ManagedSettings.fromJson(tampered.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(loaded.maf()).isNull();
        assertThat(loaded.cseAuthentication()).as("no MAF key without a MAF").isNull();
        String future = new String(s.toJson(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"ENROLMENT_KEY\"", "\"QUANTUM_KEY\"");
        assertThat(ManagedSettings.fromJson(future.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .cseAuthentication())
                .isNull();
        assertThat(ManagementOutcome.failed("x".repeat(500)).action()).hasSize(ManagementOutcome.MAX_ACTION);
        assertThat(ManagementOutcome.applied("done").actionStatus()).isEqualTo(Map.of("acn", "done", "sus", 1));
    }

    @Test
    void firmware_is_refused_before_any_download_when_it_cannot_be_trusted() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = g.generateKeyPair();
        FirmwareInstaller never = (n, v, image) -> {
            throw new AssertionError("nothing may be installed");
        };
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("ud", true);
        update.put("fwn", "fw");
        update.put("vr", "2.0");
        update.put("url", "ftp://updates.example/fw.img");
        update.put("fwh", "00".repeat(32));
        update.put("fwsg", Base64.getEncoder().encodeToString(new byte[70]));
        assertThat(new FirmwareUpdate(List.of(), never, dir, 1024)
                        .apply("node", update, "1.0")
                        .action())
                .isEqualTo("this device trusts no firmware update key: it installs nothing");
        FirmwareUpdate withKey = new FirmwareUpdate(List.of(key.getPublic()), never, dir.resolve("scratch"), 1024);
        Map<String, Object> noHash = new LinkedHashMap<>(update);
        noHash.put("fwh", "ABC");
        assertThat(withKey.apply("node", noHash, "1.0").kind()).isEqualTo(ManagementOutcome.Kind.BAD_ARGUMENTS);
        Map<String, Object> twoLines = new LinkedHashMap<>(update);
        twoLines.put("vr", "2.0\n1.0");
        assertThat(withKey.apply("node", twoLines, "1.0").action()).isEqualTo("vr is missing or not one line");
        assertThat(withKey.apply("node", update, "1.0").action())
                .isEqualTo("not signed for this device by an update key it trusts");
        java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
        s.initSign(key.getPrivate());
        s.update(io.citadel.credentials.FirmwareStatement.of(
                        "node", "fw", "2.0", "ftp://updates.example/fw.img", "00".repeat(32))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        update.put("fwsg", Base64.getEncoder().encodeToString(s.sign()));
        assertThat(withKey.apply("other-node", update, "1.0").action())
                .isEqualTo("not signed for this device by an update key it trusts");
        assertThat(withKey.apply("node", update, "2.0").action()).contains("a rollback is refused");
        assertThat(withKey.apply("node", update, "1.0").action())
                .isEqualTo("this device downloads firmware over HTTP or HTTPS only");
        assertThat(Files.exists(dir.resolve("scratch"))).isFalse();
    }
}
