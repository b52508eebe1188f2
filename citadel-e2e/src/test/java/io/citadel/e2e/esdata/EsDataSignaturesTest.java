package io.citadel.e2e.esdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.credentials.TrustedPaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSE's check of signed ESData with its chain in {@code x5c}, as repeated checks meet it: a chain validated once is
 * reused for a minute, but each item's signature is verified, a revocation counts at once, and a time outside the
 * certificate's validity is refused. Certificates by {@code openssl req}.
 */
class EsDataSignaturesTest {
    @TempDir
    static Path dir;

    static TestKeys signer;
    static TestKeys other;

    @BeforeAll
    static void keys() throws Exception {
        signer = TestKeys.make(dir, "signer");
        other = TestKeys.make(dir, "other");
    }

    static String signed(String payload, TestKeys by, X509Certificate in) {
        return EsData.sign(
                        payload.getBytes(StandardCharsets.UTF_8),
                        new EsData.CertificateSigner(
                                "45-k@citadel.example", by.pair().getPrivate(), List.of(in)))
                .envelope();
    }

    @Test
    void a_remembered_chain_still_needs_each_signature_and_its_revocation_counts_at_once() {
        Set<X509Certificate> revoked = ConcurrentHashMap.newKeySet();
        EsDataSignatures check =
                new EsDataSignatures(new TrustedPaths(List.of(signer.certificate())), revoked::contains);
        Instant now = Instant.now();
        assertThat(check.verify(signed("{\"t\":1}", signer, signer.certificate()), now))
                .isEqualTo(signer.certificate());
        // the same chain again, but signed by another key: the chain is remembered, the signature is not
        assertThatThrownBy(() -> check.verify(signed("{\"t\":2}", other, signer.certificate()), now))
                .hasMessage("the signature does not verify with the signer's certificate");
        assertThat(check.verify(signed("{\"t\":3}", signer, signer.certificate()), now))
                .isEqualTo(signer.certificate());
        revoked.add(signer.certificate());
        assertThatThrownBy(() -> check.verify(signed("{\"t\":4}", signer, signer.certificate()), now))
                .hasMessage("the signer's certificate is revoked");
        revoked.clear();
        // the certificate is valid for a day: two days on, the remembered result does not count
        assertThatThrownBy(() -> check.verify(
                        signed("{\"t\":5}", signer, signer.certificate()), now.plus(java.time.Duration.ofDays(2))))
                .hasMessage("the signer's certificate is not trusted here or not valid now");
    }
}
