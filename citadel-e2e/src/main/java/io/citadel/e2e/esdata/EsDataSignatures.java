package io.citadel.e2e.esdata;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import java.security.InvalidAlgorithmParameterException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Signature-only ESData checked by a party that holds no key of the source's: a CSE storing content (TS-0003 §8.5).
 * The content must be a compact JWS signed with {@code ES256} or {@code ES384} whose protected header carries the
 * signer's certificate chain ({@code x5c}, leaf first, at most {@value #MAX_CHAIN} certificates); the chain must lead
 * to one of this side's trust anchors and be valid at the time of the check (PKIX; revocation is not checked here);
 * the signature must verify with the leaf's key. The caller decides whether the leaf names the originator.
 */
public final class EsDataSignatures {
    /** The longest {@code x5c} taken. */
    public static final int MAX_CHAIN = 5;

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384);

    private final Set<TrustAnchor> anchors;

    /** @param anchors the issuers whose certificates this side takes for signers (at least one) */
    public EsDataSignatures(List<X509Certificate> anchors) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("ESData signatures need at least one trust anchor");
        }
        Set<TrustAnchor> a = new java.util.HashSet<>();
        anchors.forEach(c -> a.add(new TrustAnchor(c, null)));
        this.anchors = Set.copyOf(a);
    }

    /** The signer's certificate, once the content's signature and certificate chain check out at {@code now}. */
    public X509Certificate verify(String envelope, Instant now) {
        if (envelope == null || envelope.isEmpty() || envelope.length() > EsData.MAX_LENGTH) {
            throw new EsDataException("protected data is missing or longer than " + EsData.MAX_LENGTH + " characters");
        }
        String e = envelope.strip();
        if (e.split("\\.", -1).length != 3) {
            throw new EsDataException("the content is not a JWS in compact serialization (signed ESData)");
        }
        JWSHeader h;
        try {
            h = JWSObject.parse(e).getHeader();
        } catch (ParseException | RuntimeException ex) {
            throw new EsDataException("the content is not a JWS in compact serialization (signed ESData)");
        }
        if (!ALGORITHMS.contains(h.getAlgorithm())) {
            throw new EsDataException("the signature must be made with a certificate's key (ES256 or ES384)");
        }
        List<com.nimbusds.jose.util.Base64> x5c = h.getX509CertChain();
        if (x5c == null || x5c.isEmpty() || x5c.size() > MAX_CHAIN) {
            throw new EsDataException("the JWS carries no signer certificate chain (x5c, 1 to " + MAX_CHAIN + ")");
        }
        X509Certificate leaf = validated(x5c, now);
        PublicKey key = leaf.getPublicKey();
        String kid = h.getKeyID();
        EsData.open(e, new EsData.Keys() {
            @Override
            public Optional<PublicKey> verification(String k) {
                return k.equals(kid) ? Optional.of(key) : Optional.empty();
            }
        });
        return leaf;
    }

    private X509Certificate validated(List<com.nimbusds.jose.util.Base64> x5c, Instant now) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (com.nimbusds.jose.util.Base64 b : x5c) {
                chain.add((X509Certificate) f.generateCertificate(new java.io.ByteArrayInputStream(b.decode())));
            }
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(f.generateCertPath(chain), params);
        } catch (CertPathValidatorException ex) {
            throw new EsDataException("the signer's certificate is not trusted here or not valid now");
        } catch (CertificateException
                | InvalidAlgorithmParameterException
                | RuntimeException
                | java.security.NoSuchAlgorithmException ex) {
            throw new EsDataException("the signer's certificate chain (x5c) cannot be read");
        }
        return chain.get(0);
    }
}
