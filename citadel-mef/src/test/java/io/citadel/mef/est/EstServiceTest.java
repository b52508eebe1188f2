package io.citadel.mef.est;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.credentials.LevelOfAssurance;
import io.citadel.credentials.SecurityAssociation;
import io.citadel.tls.CertificateAuthority;
import io.citadel.tls.CertificateTls;
import io.citadel.tls.HardwareKeyIssuers;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MEF's EST operations: every refusal first (unknown enrolee, wrong challenge, another identity, a key or
 * signature off the profile, malformed and oversize bodies, a replayed enrolment, re-enrolment with a stale
 * certificate), then enrolment and re-enrolment checked by OpenSSL: requests made by {@code openssl req}, the
 * answer read by {@code openssl pkcs7} and verified by {@code openssl verify}.
 */
class EstServiceTest {
    static final String SP = "citadel.example";
    static final String PASSWORD = "correct horse battery staple";
    static final EnrolmentSubject DEV1 = new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev1", "/id-in", SP);
    static final EnrolmentSubject DEV2 = new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev2", "/id-in", SP);

    @TempDir
    Path dir;

    CertificateAuthority ca;
    Enrolments enrolments;
    EstService est;

    @BeforeEach
    void setUp() {
        ca = CertificateAuthority.create(SP, Duration.ofDays(1));
        enrolments = Enrolments.open(dir.resolve("mef/enrolments.json"));
        enrolments.put(EnrolmentPolicy.withPassword("kpm-dev1", DEV1, Duration.ofDays(30), PASSWORD));
        est = new EstService(ca, enrolments, Clock.systemUTC());
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** A base64 PKCS#10 request for {@code keys}, with a challenge password and SANs when given. */
    static byte[] csr(KeyPair keys, String password, String signature, GeneralName... names) throws Exception {
        PKCS10CertificationRequestBuilder b =
                new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=device"), keys.getPublic());
        if (password != null) {
            b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(password));
        }
        if (names.length > 0) {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
        }
        byte[] der = b.build(new JcaContentSignerBuilder(signature).build(keys.getPrivate()))
                .getEncoded();
        return Base64.getMimeEncoder().encode(der);
    }

    static X509Certificate certificateIn(byte[] certsOnly) throws Exception {
        CMSSignedData cms = new CMSSignedData(Base64.getMimeDecoder().decode(certsOnly));
        Collection<?> all = cms.getCertificates().getMatches(null);
        assertThat(all).hasSize(1);
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(((org.bouncycastle.cert.X509CertificateHolder)
                                all.iterator().next())
                        .getEncoded()));
    }

    @Test
    void an_unknown_enrolee_gets_nothing() throws Exception {
        assertThatThrownBy(() -> est.simpleEnroll("kpm-stranger", csr(p256(), PASSWORD, "SHA256withECDSA")))
                .isInstanceOfSatisfying(
                        EstException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
                .hasMessage("no enrolment policy for this enrolee");
        assertThatThrownBy(() -> est.csrAttributes("kpm-stranger")).isInstanceOf(EstException.class);
    }

    @Test
    void a_missing_or_wrong_challenge_password_is_refused_and_nothing_is_recorded() throws Exception {
        for (String wrong : new String[] {null, "wrong horse battery staple", PASSWORD + " "}) {
            assertThatThrownBy(() -> est.simpleEnroll("kpm-dev1", csr(p256(), wrong, "SHA256withECDSA")))
                    .isInstanceOfSatisfying(
                            EstException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
                    .hasMessage("the challenge password is missing or wrong");
        }
        assertThat(enrolments.current("kpm-dev1")).isEmpty();
    }

    @Test
    void a_request_for_another_identity_is_refused() throws Exception {
        GeneralName other = DEV2.name();
        GeneralName mine = DEV1.name();
        for (GeneralName[] asked :
                List.of(new GeneralName[] {other}, new GeneralName[] {mine, other}, new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "id-in." + SP)
                })) {
            assertThatThrownBy(() -> est.simpleEnroll("kpm-dev1", csr(p256(), PASSWORD, "SHA256withECDSA", asked)))
                    .isInstanceOfSatisfying(
                            EstException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
                    .hasMessage("the request asks for an identity the enrolment policy does not give");
        }
        assertThat(enrolments.current("kpm-dev1")).isEmpty();
    }

    @Test
    void keys_and_signatures_off_the_profile_are_refused() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        assertThatThrownBy(() -> est.simpleEnroll("kpm-dev1", csr(rsa.generateKeyPair(), PASSWORD, "SHA256withRSA")))
                .hasMessage("the key is not an EC key on P-256 (secp256r1)");
        assertThatThrownBy(() -> est.simpleEnroll("kpm-dev1", csr(p384.generateKeyPair(), PASSWORD, "SHA256withECDSA")))
                .hasMessage("the key is not an EC key on P-256 (secp256r1)");
        assertThatThrownBy(() -> est.simpleEnroll("kpm-dev1", csr(p256(), PASSWORD, "SHA384withECDSA")))
                .hasMessage("the request is not signed with ECDSA-SHA256");
    }

    @Test
    void a_request_whose_signature_does_not_verify_is_refused() throws Exception {
        byte[] der = Base64.getMimeDecoder().decode(csr(p256(), PASSWORD, "SHA256withECDSA"));
        der[der.length - 5] ^= 0x01; // inside the signature
        assertThatThrownBy(
                        () -> est.simpleEnroll("kpm-dev1", Base64.getEncoder().encode(der)))
                .isInstanceOfSatisfying(
                        EstException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
                .hasMessageStartingWith("the request's");
        assertThat(enrolments.current("kpm-dev1")).isEmpty();
    }

    @Test
    void malformed_and_oversize_bodies_are_refused_with_our_message() {
        byte[][] bodies = {
            new byte[0],
            "not base64 at all!".getBytes(StandardCharsets.US_ASCII),
            Base64.getEncoder().encode("a PKCS#10 request, this is not".getBytes(StandardCharsets.US_ASCII)),
            Base64.getEncoder().encode(new byte[CertificationRequestCheck.MAX_BYTES + 1]),
            new byte[CertificationRequestCheck.MAX_BYTES * 3]
        };
        for (byte[] body : bodies) {
            assertThatThrownBy(() -> est.simpleEnroll("kpm-dev1", body))
                    .isInstanceOfSatisfying(
                            EstException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
                    .hasMessageNotContaining("Exception")
                    .hasMessageStartingWith("the ");
        }
    }

    @Test
    void a_replayed_or_second_enrolment_is_refused_and_concurrent_ones_issue_once() throws Exception {
        byte[] request = csr(p256(), PASSWORD, "SHA256withECDSA");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<byte[]>> same = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                same.add(() -> est.simpleEnroll("kpm-dev1", request));
            }
            int issued = 0;
            for (Future<byte[]> f : pool.invokeAll(same, 60, TimeUnit.SECONDS)) {
                try {
                    f.get();
                    issued++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(EstException.class);
                }
            }
            assertThat(issued).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThatThrownBy(() -> est.simpleEnroll("kpm-dev1", request))
                .hasMessage("this enrolee is enrolled already; it re-enrols with its certificate");
    }

    @Test
    void only_a_policy_vouching_for_a_hardware_key_states_it_and_the_vouching_survives_a_reload() throws Exception {
        X509Certificate plain = certificateIn(est.simpleEnroll("kpm-dev1", csr(p256(), PASSWORD, "SHA256withECDSA")));
        assertThat(HardwareKeyIssuers.statesHardwareKey(plain)).isFalse();
        enrolments.put(EnrolmentPolicy.withPassword("kpm-dev2", DEV2, Duration.ofDays(30), PASSWORD)
                .withHardwareKey(true));
        assertThat(Enrolments.open(dir.resolve("mef/enrolments.json"))
                        .policy("kpm-dev2")
                        .orElseThrow()
                        .hardwareKey())
                .isTrue();
        X509Certificate vouched = certificateIn(est.simpleEnroll("kpm-dev2", csr(p256(), PASSWORD, "SHA256withECDSA")));
        assertThat(HardwareKeyIssuers.statesHardwareKey(vouched)).isTrue();
        ca.saveCertificate(dir);
        HardwareKeyIssuers issuers = HardwareKeyIssuers.load(dir.resolve("ca.pem"));
        SecurityAssociation association = CertificateTls.identityOf(vouched, SP, id -> id);
        assertThat(issuers.levelOf(vouched, association).assurance()).isEqualTo(LevelOfAssurance.HARDWARE_KEY);
        assertThat(issuers.levelOf(plain, CertificateTls.identityOf(plain, SP, id -> id))
                        .assurance())
                .isEqualTo(LevelOfAssurance.CERTIFIED);
    }

    @Test
    void a_re_enrolment_with_another_key_no_longer_states_a_hardware_key_and_one_with_the_same_key_does()
            throws Exception {
        enrolments.put(EnrolmentPolicy.withPassword("kpm-dev2", DEV2, Duration.ofDays(30), PASSWORD)
                .withHardwareKey(true));
        KeyPair factory = p256();
        X509Certificate first = certificateIn(est.simpleEnroll("kpm-dev2", csr(factory, PASSWORD, "SHA256withECDSA")));
        assertThat(HardwareKeyIssuers.statesHardwareKey(first)).isTrue();
        X509Certificate renewed =
                certificateIn(est.simpleReenroll("kpm-dev2", first, csr(factory, null, "SHA256withECDSA")));
        assertThat(HardwareKeyIssuers.statesHardwareKey(renewed))
                .as("the same key: a renewal")
                .isTrue();
        X509Certificate software =
                certificateIn(est.simpleReenroll("kpm-dev2", renewed, csr(p256(), null, "SHA256withECDSA")));
        assertThat(HardwareKeyIssuers.statesHardwareKey(software))
                .as("a key the device made anew is not the key the operator vouched for")
                .isFalse();
        X509Certificate back =
                certificateIn(est.simpleReenroll("kpm-dev2", software, csr(factory, null, "SHA256withECDSA")));
        assertThat(HardwareKeyIssuers.statesHardwareKey(back))
                .as("once lost, a re-enrolment does not win the vouching back")
                .isFalse();
    }

    @Test
    void re_enrolment_needs_the_certificate_issued_last() throws Exception {
        assertThatThrownBy(() -> est.simpleReenroll("kpm-dev1", null, csr(p256(), null, "SHA256withECDSA")))
                .hasMessage("this enrolee has no certificate to re-enrol with");
        X509Certificate first = certificateIn(est.simpleEnroll("kpm-dev1", csr(p256(), PASSWORD, "SHA256withECDSA")));
        X509Certificate second =
                certificateIn(est.simpleReenroll("kpm-dev1", first, csr(p256(), null, "SHA256withECDSA")));
        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(enrolments.revokedSerials())
                .as("superseded by the renewal")
                .containsExactly(first.getSerialNumber());
        assertThat(List.copyOf(second.getSubjectAlternativeNames()))
                .isEqualTo(List.copyOf(first.getSubjectAlternativeNames()));
        assertThatThrownBy(() -> est.simpleReenroll("kpm-dev1", first, csr(p256(), null, "SHA256withECDSA")))
                .isInstanceOfSatisfying(
                        EstException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
                .hasMessage("re-enrolment needs the certificate the MEF issued this enrolee last");
        // a certificate of another CA with the same serial is not ours
        CertificateAuthority other = CertificateAuthority.create(SP, Duration.ofDays(1));
        X509Certificate foreign =
                other.issueAe("Cdev1", "/id-in", SP, Duration.ofDays(1)).certificate();
        assertThatThrownBy(() -> est.simpleReenroll("kpm-dev1", foreign, csr(p256(), null, "SHA256withECDSA")))
                .isInstanceOf(EstException.class);
        // removed from the policy: nothing more
        enrolments.remove("kpm-dev1");
        assertThatThrownBy(() -> est.simpleReenroll("kpm-dev1", second, csr(p256(), null, "SHA256withECDSA")))
                .hasMessage("no enrolment policy for this enrolee");
    }

    @Test
    void a_revoked_enrolee_cannot_enrol_or_re_enrol_again_and_its_serial_is_listed() throws Exception {
        X509Certificate held = certificateIn(est.simpleEnroll("kpm-dev1", csr(p256(), PASSWORD, "SHA256withECDSA")));
        assertThat(enrolments.revoke("kpm-dev1")).isTrue();
        assertThat(enrolments.revoke("kpm-nobody")).isFalse();
        assertThat(enrolments.revokedSerials()).containsExactly(held.getSerialNumber());
        assertThatThrownBy(() -> est.simpleEnroll("kpm-dev1", csr(p256(), PASSWORD, "SHA256withECDSA")))
                .isInstanceOfSatisfying(
                        EstException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
                .hasMessage("this enrolee was revoked; it cannot enrol again");
        assertThatThrownBy(() -> est.simpleReenroll("kpm-dev1", held, csr(p256(), null, "SHA256withECDSA")))
                .isInstanceOf(EstException.class);
        assertThat(Enrolments.open(dir.resolve("mef/enrolments.json")).revokedSerials())
                .as("kept across a restart")
                .containsExactly(held.getSerialNumber());
    }

    @Test
    void a_replaced_or_removed_policy_revokes_the_certificate_held_under_it() throws Exception {
        X509Certificate held = certificateIn(est.simpleEnroll("kpm-dev1", csr(p256(), PASSWORD, "SHA256withECDSA")));
        enrolments.put(EnrolmentPolicy.withPassword("kpm-dev1", DEV2, Duration.ofDays(30), PASSWORD));
        assertThat(enrolments.revokedSerials()).containsExactly(held.getSerialNumber());
        X509Certificate again = certificateIn(est.simpleEnroll("kpm-dev1", csr(p256(), PASSWORD, "SHA256withECDSA")));
        assertThat(enrolments.remove("kpm-dev1")).isTrue();
        assertThat(enrolments.revokedSerials()).containsExactly(held.getSerialNumber(), again.getSerialNumber());
    }

    @Test
    void openssl_enrols_and_verifies_the_chain_with_the_policy_identity() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), CertificateAuthority.pem(ca.certificate()));
        Path key = dir.resolve("dev.key");
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        Files.writeString(
                dir.resolve("req.cnf"),
                "[req]\nprompt = no\ndistinguished_name = dn\n"
                        + "attributes = attrs\n[dn]\nCN = whatever-the-device-says\n[attrs]\nchallengePassword = "
                        + PASSWORD + "\n");
        run(
                "openssl",
                "req",
                "-new",
                "-key",
                key.toString(),
                "-config",
                dir.resolve("req.cnf").toString(),
                "-outform",
                "DER",
                "-out",
                dir.resolve("req.der").toString());
        byte[] body = Base64.getMimeEncoder().encode(Files.readAllBytes(dir.resolve("req.der")));

        Files.write(dir.resolve("cacerts.b64"), est.caCertificates());
        Files.write(dir.resolve("issued.b64"), est.simpleEnroll("kpm-dev1", body));
        for (String name : new String[] {"cacerts", "issued"}) {
            run(
                    "openssl",
                    "base64",
                    "-d",
                    "-in",
                    dir.resolve(name + ".b64").toString(),
                    "-out",
                    dir.resolve(name + ".p7").toString());
            run(
                    "openssl",
                    "pkcs7",
                    "-inform",
                    "DER",
                    "-print_certs",
                    "-in",
                    dir.resolve(name + ".p7").toString(),
                    "-out",
                    dir.resolve(name + ".pem").toString());
        }
        assertThat(run(
                        "openssl",
                        "verify",
                        "-CAfile",
                        dir.resolve("cacerts.pem").toString(),
                        dir.resolve("issued.pem").toString()))
                .contains("issued.pem: OK");
        assertThat(run(
                        "openssl",
                        "x509",
                        "-in",
                        dir.resolve("issued.pem").toString(),
                        "-noout",
                        "-subject",
                        "-ext",
                        "subjectAltName"))
                .contains("URI:onem2m://" + SP + "/id-in/Cdev1")
                .contains("CN = Cdev1")
                .doesNotContain("whatever-the-device-says");
        // the CSR attributes name the challenge password and the identity the MEF expects
        Files.write(dir.resolve("attrs.b64"), est.csrAttributes("kpm-dev1"));
        run(
                "openssl",
                "base64",
                "-d",
                "-in",
                dir.resolve("attrs.b64").toString(),
                "-out",
                dir.resolve("attrs.der").toString());
        assertThat(run(
                        "openssl",
                        "asn1parse",
                        "-inform",
                        "DER",
                        "-in",
                        dir.resolve("attrs.der").toString()))
                .contains("challengePassword")
                .contains("prime256v1")
                .contains("ecdsa-with-SHA256")
                .contains("Extension Request");
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }
}
