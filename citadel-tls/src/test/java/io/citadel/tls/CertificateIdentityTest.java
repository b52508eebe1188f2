package io.citadel.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.credentials.CertificateCredential;
import io.citadel.credentials.Credential;
import io.citadel.credentials.SecurityAssociation;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * What a certificate proves per the oneM2M profile, as the certificate TLS listener, the peer-CSE check and DTLS
 * read it: a {@link CertificateCredential} (subject, issuer, fingerprint, the IDs its names carry) and the
 * {@link SecurityAssociation} made from it. Negative cases first.
 */
class CertificateIdentityTest {
    private static final String SP = "sp.example";
    private static final UnaryOperator<String> NORMALIZE =
            id -> id.startsWith("//" + SP + "/") ? id.substring(SP.length() + 2) : id;
    private final CertificateAuthority ca = CertificateAuthority.create(SP, Duration.ofDays(1));

    @Test
    void a_certificate_without_a_onem2m_name_proves_no_originator() throws Exception {
        X509Certificate other = ca.issueServer("www.elsewhere.example", List.of(), Duration.ofHours(1))
                .certificate();
        SecurityAssociation sa = CertificateTls.identityOf(other, SP, NORMALIZE);
        assertThat(sa.identities()).isEmpty();
        assertThat(sa.credentialId()).isEqualTo("30-" + other.getSerialNumber().toString(16));
        assertThat(sa.kind()).isEqualTo(Credential.Kind.CERTIFICATE);
        X509Certificate wrongSp =
                ca.issueCse("/id-mn", "other.example", Duration.ofHours(1)).certificate();
        assertThat(CertificateTls.identityOf(wrongSp, SP, NORMALIZE).identities())
                .isEmpty();
    }

    @Test
    void an_ae_certificate_proves_its_ae_id() throws Exception {
        X509Certificate ae =
                ca.issueAe("Csensor", "/id-in", SP, Duration.ofHours(1)).certificate();
        CertificateCredential credential = CertificateCredential.of(ae, SP);
        assertThat(credential.credentialId()).isEqualTo("33-sp.example/id-in/Csensor");
        assertThat(credential.allowed()).containsExactly("//sp.example/id-in/Csensor");
        assertThat(credential.subject()).isEqualTo(ae.getSubjectX500Principal().getName());
        assertThat(credential.issuer())
                .isEqualTo(ca.certificate().getSubjectX500Principal().getName());
        assertThat(credential.fingerprint())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(ae.getEncoded())));
        assertThat(credential.notAfter()).isEqualTo(ae.getNotAfter().toInstant());

        SecurityAssociation sa = CertificateTls.identityOf(ae, SP, NORMALIZE);
        assertThat(sa.credentialId()).isEqualTo("33-sp.example/id-in/Csensor");
        assertThat(sa.identities()).containsExactly("/id-in/Csensor");
        assertThat(sa.kind()).isEqualTo(Credential.Kind.CERTIFICATE);
    }

    @Test
    void a_cse_certificate_proves_its_cse_id() throws Exception {
        X509Certificate cse = ca.issueCse("/id-mn", SP, Duration.ofHours(1)).certificate();
        SecurityAssociation sa = CertificateTls.identityOf(cse, SP, NORMALIZE);
        assertThat(sa.credentialId()).isEqualTo("32-id-mn.sp.example");
        assertThat(sa.identities()).containsExactly("/id-mn");
        assertThat(sa.allows("/id-mn")).isTrue();
    }
}
