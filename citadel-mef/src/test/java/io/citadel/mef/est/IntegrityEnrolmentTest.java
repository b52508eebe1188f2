package io.citadel.mef.est;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Integrity validation at enrolment: a policy that requires firmware evidence refuses requests without it, with a
 * malformed or repeated one, or with unknown firmware, and nothing is issued; trusted firmware enrols the device as
 * its policy says, restricted firmware as the restricted identity; a policy without it ignores evidence.
 */
class IntegrityEnrolmentTest {
    static final String SP = "citadel.example";
    static final String PASSWORD = "correct horse battery staple";
    static final String GOOD = "a".repeat(64);
    static final String OLD = "b".repeat(64);
    static final EnrolmentSubject DEV = new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev1", "/id-in", SP);
    static final EnrolmentSubject DEV2 = new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev2", "/id-in", SP);
    static final EnrolmentSubject DEV3 = new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev3", "/id-in", SP);
    static final EnrolmentSubject QUARANTINE =
            new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev1q", "/id-in", SP);

    @TempDir
    Path dir;

    Enrolments enrolments;
    FirmwareTrust firmware;
    EstService est;

    @BeforeEach
    void setUp() {
        enrolments = Enrolments.open(dir.resolve("enrolments.json"));
        firmware = FirmwareTrust.open(dir.resolve("firmware.json"));
        firmware.put(new FirmwareEvidence("fw", "2.0", GOOD), FirmwareTrust.Verdict.TRUSTED);
        firmware.put(new FirmwareEvidence("fw", "1.0", OLD), FirmwareTrust.Verdict.RESTRICTED);
        EnrolmentPolicy.Integrity required = new EnrolmentPolicy.Integrity(true, QUARANTINE);
        enrolments.put(EnrolmentPolicy.withPassword("kpm-1", DEV, Duration.ofDays(30), PASSWORD)
                .with(required));
        enrolments.put(EnrolmentPolicy.withPassword("kpm-2", DEV2, Duration.ofDays(30), PASSWORD)
                .with(new EnrolmentPolicy.Integrity(true, null)));
        enrolments.put(EnrolmentPolicy.withPassword("kpm-3", DEV3, Duration.ofDays(30), PASSWORD));
        est = new EstService(
                CertificateAuthority.create(SP, Duration.ofDays(1)), enrolments, firmware, Clock.systemUTC());
    }

    static byte[] csr(ASN1Encodable... evidence) throws Exception {
        KeyPair keys = EstServiceTest.p256();
        PKCS10CertificationRequestBuilder b =
                new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=device"), keys.getPublic());
        b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(PASSWORD));
        for (ASN1Encodable e : evidence) {
            b.addAttribute(FirmwareEvidence.OID, e);
        }
        return Base64.getMimeEncoder()
                .encode(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                        .getEncoded());
    }

    static int status(ThrowingRunnable r) {
        try {
            r.run();
        } catch (EstException e) {
            return e.httpStatus();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("not refused");
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void missing_malformed_repeated_or_unknown_evidence_enrols_nothing() throws Exception {
        assertThat(status(() -> est.simpleEnroll("kpm-1", csr())))
                .as("no evidence")
                .isEqualTo(403);
        assertThat(status(() -> est.simpleEnroll("kpm-1", csr(new DERUTF8String("fw;2.0")))))
                .isEqualTo(400);
        assertThat(status(() -> est.simpleEnroll("kpm-1", csr(new DERUTF8String("fw;2.0;" + GOOD.toUpperCase())))))
                .as("upper-case hex is not the form")
                .isEqualTo(400);
        assertThat(status(() -> est.simpleEnroll("kpm-1", csr(new DERSequence()))))
                .as("not a string")
                .isEqualTo(400);
        assertThat(status(() -> est.simpleEnroll(
                        "kpm-1", csr(new DERUTF8String("fw;2.0;" + GOOD), new DERUTF8String("fw;2.0;" + GOOD)))))
                .as("two evidences")
                .isEqualTo(400);
        assertThat(status(() -> est.simpleEnroll("kpm-1", csr(new DERUTF8String("fw;2.0;" + "c".repeat(64))))))
                .as("unknown firmware")
                .isEqualTo(403);
        assertThat(status(() -> est.simpleEnroll("kpm-2", csr(new DERUTF8String("fw;1.0;" + OLD)))))
                .as("restricted firmware and no restricted identity")
                .isEqualTo(403);
        assertThat(enrolments.current("kpm-1")).isEmpty();
        assertThat(enrolments.current("kpm-2")).isEmpty();
    }

    @Test
    void trusted_firmware_enrols_as_the_policy_says_and_restricted_firmware_as_the_restricted_identity()
            throws Exception {
        X509Certificate restricted =
                EstServiceTest.certificateIn(est.simpleEnroll("kpm-1", csr(new DERUTF8String("fw;1.0;" + OLD))));
        assertThat(restricted.getSubjectAlternativeNames().iterator().next().get(1))
                .isEqualTo("onem2m://citadel.example/id-in/Cdev1q");
        X509Certificate trusted =
                EstServiceTest.certificateIn(est.simpleEnroll("kpm-2", csr(new DERPrintableString("fw;2.0;" + GOOD))));
        assertThat(trusted.getSubjectAlternativeNames().iterator().next().get(1))
                .isEqualTo("onem2m://citadel.example/id-in/Cdev2");
        X509Certificate ignored = EstServiceTest.certificateIn(est.simpleEnroll("kpm-3", csr()));
        assertThat(ignored.getSubjectAlternativeNames().iterator().next().get(1))
                .as("a policy without integrity needs no evidence")
                .isEqualTo("onem2m://citadel.example/id-in/Cdev3");
        assertThat(new String(Base64.getMimeDecoder().decode(est.csrAttributes("kpm-1")), StandardCharsets.ISO_8859_1))
                .as("csrattrs asks for the evidence")
                .isNotEmpty();
        assertThat(Enrolments.open(dir.resolve("enrolments.json"))
                        .policy("kpm-1")
                        .orElseThrow()
                        .integrity())
                .as("the integrity policy survives a restart")
                .isEqualTo(new EnrolmentPolicy.Integrity(true, QUARANTINE));
        assertThatThrownBy(() -> new EnrolmentPolicy.Integrity(false, QUARANTINE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
