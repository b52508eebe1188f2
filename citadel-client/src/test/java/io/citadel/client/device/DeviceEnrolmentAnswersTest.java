package io.citadel.client.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.client.tls.PskHttpConnection;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the device does with answers a real MEF never gives (a scripted MEF session): a KeID that is not the
 * session's export, certificates that are tampered with, not for its key, not of the MEF's CA, oversized, or not
 * CMS at all; a refusal's text kept to one short line. Each is an {@link EnrolmentException} and nothing is stored.
 */
class DeviceEnrolmentAnswersTest {
    static final String FQDN = "mef.citadel.example";

    @TempDir
    Path dir;

    /** A scripted MEF session: the export, and an answer per path (the request's body given to the function). */
    static final class ScriptedMef implements MefChannel {
        final byte[] export = new byte[48];
        final Map<String, Function<byte[], PskHttpConnection.Reply>> answers;

        ScriptedMef(Map<String, Function<byte[], PskHttpConnection.Reply>> answers) {
            new SecureRandom().nextBytes(export);
            this.answers = answers;
        }

        String keyId() {
            return HexFormat.of().formatHex(export, 0, 16) + "@" + FQDN;
        }

        @Override
        public PskHttpConnection.Reply exchange(String method, String path, Map<String, String> headers, byte[] body) {
            Function<byte[], PskHttpConnection.Reply> a = answers.get(path);
            return a == null ? reply(404, "no such operation") : a.apply(body);
        }

        @Override
        public byte[] bootstrapExport() {
            return export.clone();
        }

        @Override
        public void close() {}
    }

    static PskHttpConnection.Reply reply(int status, String body) {
        return reply(status, body.getBytes(StandardCharsets.UTF_8));
    }

    static PskHttpConnection.Reply reply(int status, byte[] body) {
        return new PskHttpConnection.Reply(status, Map.of(), body);
    }

    /** A CA of the test's making and what it signs. */
    static final class Ca {
        final KeyPair keys = EstMessages.newKeyPair();
        final X509Certificate cert;

        Ca(String name) throws Exception {
            var b = new JcaX509v3CertificateBuilder(
                    new X500Name("CN=" + name),
                    BigInteger.ONE,
                    new java.util.Date(System.currentTimeMillis() - 60_000),
                    new java.util.Date(System.currentTimeMillis() + 86_400_000),
                    new X500Name("CN=" + name),
                    keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        }

        X509Certificate issue(PublicKey key, String uri) throws Exception {
            var b = new JcaX509v3CertificateBuilder(
                    cert,
                    BigInteger.valueOf(new SecureRandom().nextInt(1 << 30)),
                    new java.util.Date(System.currentTimeMillis() - 60_000),
                    new java.util.Date(System.currentTimeMillis() + 86_400_000),
                    new X500Name("CN=Cdev1"),
                    key);
            b.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        }
    }

    static byte[] certsOnly(X509Certificate... certs) throws Exception {
        CMSSignedDataGenerator g = new CMSSignedDataGenerator();
        g.addCertificates(new JcaCertStore(List.of(certs)));
        return Base64.getMimeEncoder()
                .encode(g.generate(new CMSProcessableByteArray(new byte[0]), false)
                        .getEncoded());
    }

    static PublicKey requestKey(byte[] base64Csr) {
        try {
            PKCS10CertificationRequest csr =
                    new PKCS10CertificationRequest(Base64.getMimeDecoder().decode(base64Csr));
            return new JcaPKCS10CertificationRequest(csr).getPublicKey();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A MEF that answers the exchange with {@code keId} (null: the right one) and issues with {@code issue}. */
    ScriptedMef mef(String keId, Ca ca, Function<byte[], PskHttpConnection.Reply> issue) throws Exception {
        byte[] cacerts = certsOnly(ca.cert);
        ScriptedMef[] self = new ScriptedMef[1];
        self[0] = new ScriptedMef(Map.of(
                DeviceEnrolment.ENROLMENT,
                body -> reply(
                        200,
                        "{\"keID\":\"" + (keId == null ? self[0].keyId() : keId)
                                + "\",\"expirationTime\":\"2030-01-01T00:00:00Z\",\"certificateEnrolment\":{}}"),
                DeviceEnrolment.EST + "cacerts",
                body -> reply(200, cacerts),
                DeviceEnrolment.EST + "csrattrs",
                body -> reply(200, "MAA="),
                DeviceEnrolment.EST + "simpleenroll",
                issue));
        return self[0];
    }

    DeviceEnrolment device(ScriptedMef mef) {
        return DeviceEnrolment.builder()
                .mef("127.0.0.1", 1, FQDN)
                .challengePassword("pw".toCharArray())
                .store(dir.resolve("state"), "store".toCharArray())
                .channel(() -> mef)
                .build();
    }

    boolean nothingStored() {
        return !Files.exists(dir.resolve("state").resolve(DeviceState.FILE));
    }

    static Function<byte[], PskHttpConnection.Reply> issuing(Ca ca, String uri) {
        return csr -> {
            try {
                return reply(200, certsOnly(ca.issue(requestKey(csr), uri)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    static final String AE = "onem2m://citadel.example/id-in/Cdev1";

    @Test
    void a_kei_d_that_is_not_the_sessions_export_is_refused_before_any_certificate_is_asked_for() throws Exception {
        Ca ca = new Ca("mef ca");
        boolean[] asked = new boolean[1];
        ScriptedMef mef = mef("00112233445566778899aabbccddeeff@" + FQDN, ca, csr -> {
            asked[0] = true;
            return issuing(ca, AE).apply(csr);
        });
        assertThatThrownBy(() -> device(mef).enrol())
                .isInstanceOf(EnrolmentException.class)
                .hasMessageStartingWith("the MEF answered a KeID that is not this session's");
        assertThat(asked[0]).isFalse();
        assertThat(nothingStored()).isTrue();
        // the right relative ID at another MEF's name is refused too
        ScriptedMef other = mef(null, ca, issuing(ca, AE));
        String foreign = other.keyId().replace(FQDN, "rogue.citadel.example");
        ScriptedMef rogue = mef(foreign, ca, issuing(ca, AE));
        System.arraycopy(other.export, 0, rogue.export, 0, 48);
        assertThatThrownBy(() -> device(rogue).enrol()).isInstanceOf(EnrolmentException.class);
        assertThat(nothingStored()).isTrue();
    }

    @Test
    void malformed_exchange_answers_are_refused() throws Exception {
        for (String body :
                List.of("not json", "[1]", "{\"keID\":\"x\"}", "{\"keID\":\"x\",\"expirationTime\":\"soon\"}")) {
            ScriptedMef broken = new ScriptedMef(Map.of(DeviceEnrolment.ENROLMENT, b -> reply(200, body)));
            assertThatThrownBy(() -> device(broken).enrol())
                    .as(body)
                    .isInstanceOf(EnrolmentException.class)
                    .hasMessageStartingWith("the MEF's");
        }
        ScriptedMef refusing = new ScriptedMef(Map.of(
                DeviceEnrolment.ENROLMENT, b -> reply(403, "{\"status\":false}\n\u0000" + "x".repeat(500))));
        assertThatThrownBy(() -> device(refusing).enrol())
                .isInstanceOf(EnrolmentException.class)
                .hasMessageStartingWith("the MEF refused the enrolment exchange (403): {\"status\":false}")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).doesNotContain("\u0000"));
        assertThat(nothingStored()).isTrue();
    }

    @Test
    void tampered_foreign_or_oversized_certificates_are_refused_and_nothing_is_stored() throws Exception {
        Ca ca = new Ca("mef ca");
        Ca rogue = new Ca("rogue ca");
        Map<String, Function<byte[], PskHttpConnection.Reply>> answers = Map.of(
                "another CA's certificate",
                issuing(rogue, AE),
                "a certificate for another key",
                csr -> {
                    try {
                        return reply(
                                200, certsOnly(ca.issue(EstMessages.newKeyPair().getPublic(), AE)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                "no AE-ID",
                issuing(ca, "https://citadel.example/Cdev1"),
                "a tampered certificate",
                csr -> {
                    try {
                        byte[] der = ca.issue(requestKey(csr), AE).getEncoded();
                        der[der.length - 10] ^= 1; // in the signature
                        return reply(
                                200,
                                certsOnly(new JcaX509CertificateConverter()
                                        .getCertificate(new org.bouncycastle.cert.X509CertificateHolder(der))));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                "two certificates",
                csr -> {
                    try {
                        return reply(200, certsOnly(ca.issue(requestKey(csr), AE), ca.cert));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                "oversized",
                csr -> reply(200, new byte[EstMessages.MAX_ANSWER + 1]),
                "not base64",
                csr -> reply(200, "!!!"),
                "not CMS",
                csr -> reply(200, Base64.getEncoder().encode(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01})),
                "empty",
                csr -> reply(200, new byte[0]));
        for (var e : answers.entrySet()) {
            assertThatThrownBy(() -> device(mef(null, ca, e.getValue())).enrol())
                    .as(e.getKey())
                    .isInstanceOf(EnrolmentException.class)
                    .hasMessageStartingWith("the MEF's")
                    .hasNoCause();
            assertThat(nothingStored()).as(e.getKey()).isTrue();
        }
    }

    @Test
    void a_well_formed_answer_is_stored_with_the_derived_keys() throws Exception {
        Ca ca = new Ca("mef ca");
        ScriptedMef mef = mef(null, ca, issuing(ca, AE));
        DeviceCredentials c = device(mef).enrol();
        assertThat(c.keyId()).isEqualTo(mef.keyId());
        assertThat(c.keyNotAfter()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(c.enrolmentKey()).isEqualTo(java.util.Arrays.copyOfRange(mef.export, 16, 48));
        assertThat(c.cseKey())
                .isEqualTo(io.citadel.credentials.KeyDerivation.usageConstrainedKey(
                        java.util.Arrays.copyOfRange(mef.export, 16, 48), 22, "id-in.citadel.example"));
        assertThat(nothingStored()).isFalse();
        assertThat(device(mef).credentials().keyId()).isEqualTo(mef.keyId());
    }
}
