package io.citadel.tls;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Path validation with the trust anchor's own name constraints enforced. */
class ConstrainedTrustManagerTest {
    @TempDir
    Path dir;

    @Test
    void names_inside_the_sp_domain_pass_and_others_fail() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("citadel.example", Duration.ofDays(1));
        ca.save(dir);
        ConstrainedTrustManager tm =
                new ConstrainedTrustManager(dir.resolve("ca.pem").toFile());
        CertificateAuthority.Issued ae = ca.issueAe("Cae1", "/id-in", "citadel.example", Duration.ofDays(1));
        assertThatCode(() -> tm.checkClientTrusted(new X509Certificate[] {ae.certificate(), ca.certificate()}, "EC"))
                .doesNotThrowAnyException();
        CertificateAuthority.Issued cse = ca.issueCse("/id-mn", "citadel.example", Duration.ofDays(1));
        assertThatCode(() -> tm.checkClientTrusted(new X509Certificate[] {cse.certificate()}, "EC"))
                .doesNotThrowAnyException();
        Instant now = Instant.now();
        CertificateAuthority.Issued evil = ca.issue(
                "CN=Cevil",
                List.of(new GeneralName(GeneralName.uniformResourceIdentifier, "onem2m://evil.example/id-in/Cevil")),
                now.minusSeconds(60),
                now.plusSeconds(600),
                false,
                true);
        assertThatThrownBy(() -> tm.checkClientTrusted(new X509Certificate[] {evil.certificate()}, "EC"))
                .isInstanceOf(CertificateException.class);
        CertificateAuthority.Issued expired = ca.issue(
                "CN=Cold",
                List.of(new GeneralName(GeneralName.uniformResourceIdentifier, "onem2m://citadel.example/id-in/Cold")),
                now.minusSeconds(7200),
                now.minusSeconds(3600),
                false,
                true);
        assertThatThrownBy(() -> tm.checkClientTrusted(new X509Certificate[] {expired.certificate()}, "EC"))
                .isInstanceOf(CertificateException.class);
        CertificateAuthority.Issued server =
                ca.issueServer("cse.citadel.example", List.of("127.0.0.1"), Duration.ofDays(1));
        assertThatThrownBy(() -> tm.checkClientTrusted(new X509Certificate[] {server.certificate()}, "EC"))
                .hasMessageContaining("client authentication");
        Files.delete(dir.resolve("ca.key"));
    }
}
