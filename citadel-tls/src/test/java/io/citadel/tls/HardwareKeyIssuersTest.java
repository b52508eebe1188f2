package io.citadel.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.credentials.LevelOfAssurance;
import io.citadel.credentials.SecurityAssociation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Level of assurance 4 comes only from a certificate that states the hardware-key policy and a named CA signed. */
class HardwareKeyIssuersTest {
    private static final String SP = "citadel.example";

    @TempDir
    Path dir;

    private static X509Certificate device(CertificateAuthority ca, String ae, boolean statesHardwareKey)
            throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        Instant now = Instant.now();
        return ca.certify(
                g.generateKeyPair().getPublic(),
                "CN=" + ae,
                List.of(new GeneralName(GeneralName.uniformResourceIdentifier, "onem2m://" + SP + "/id-in/" + ae)),
                now.minusSeconds(60),
                now.plusSeconds(3600),
                false,
                true,
                statesHardwareKey ? List.of(LevelOfAssurance.HARDWARE_KEY_POLICY) : List.of());
    }

    private static LevelOfAssurance level(HardwareKeyIssuers issuers, X509Certificate leaf) throws Exception {
        SecurityAssociation association = CertificateTls.identityOf(leaf, SP, id -> id);
        return issuers.levelOf(leaf, association).assurance();
    }

    @Test
    void a_file_that_is_unreadable_empty_garbage_or_holds_an_end_entity_certificate_is_refused() throws Exception {
        assertThatThrownBy(() -> HardwareKeyIssuers.load(dir.resolve("missing.pem")))
                .isInstanceOf(IllegalArgumentException.class);
        Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> HardwareKeyIssuers.load(dir.resolve("empty.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no certificate");
        Files.writeString(
                dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> HardwareKeyIssuers.load(dir.resolve("garbage.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("Exception");
        CertificateAuthority ca = CertificateAuthority.create(SP, Duration.ofDays(1));
        CertificateAuthority.save(ca.issueAe("Cleaf", "/id-in", SP, Duration.ofDays(1)), dir, "leaf");
        assertThatThrownBy(() -> HardwareKeyIssuers.load(dir.resolve("leaf.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a CA");
    }

    @Test
    void the_policy_from_an_unnamed_ca_or_a_ca_impersonating_the_named_one_by_name_gives_level_3() throws Exception {
        CertificateAuthority mef = CertificateAuthority.create(SP, Duration.ofDays(1));
        CertificateAuthority other = CertificateAuthority.create(SP, Duration.ofDays(1)); // the same subject name
        mef.saveCertificate(dir);
        HardwareKeyIssuers issuers = HardwareKeyIssuers.load(dir.resolve("ca.pem"));
        X509Certificate forged = device(other, "Cforged", true);
        assertThat(forged.getIssuerX500Principal()).isEqualTo(mef.certificate().getSubjectX500Principal());
        assertThat(level(issuers, forged)).isEqualTo(LevelOfAssurance.CERTIFIED);
        assertThat(level(issuers, device(mef, "Cplain", false))).isEqualTo(LevelOfAssurance.CERTIFIED);
        assertThat(level(HardwareKeyIssuers.NONE, device(mef, "Chw", true))).isEqualTo(LevelOfAssurance.CERTIFIED);
    }

    @Test
    void the_policy_from_a_named_ca_gives_level_4() throws Exception {
        CertificateAuthority mef = CertificateAuthority.create(SP, Duration.ofDays(1));
        mef.saveCertificate(dir);
        X509Certificate hw = device(mef, "Chw", true);
        assertThat(HardwareKeyIssuers.statesHardwareKey(hw)).isTrue();
        assertThat(level(HardwareKeyIssuers.load(dir.resolve("ca.pem")), hw)).isEqualTo(LevelOfAssurance.HARDWARE_KEY);
    }
}
