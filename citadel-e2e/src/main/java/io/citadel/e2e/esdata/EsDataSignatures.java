package io.citadel.e2e.esdata;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import io.citadel.credentials.TrustedPaths;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Signature-only ESData checked by a party that holds no key of the source's: a CSE storing content (TS-0003 §8.5).
 * The content must be exactly a compact JWS (base64url parts, no whitespace, a payload: what is checked is what is
 * stored) signed with {@code ES256} (P-256, the oneM2M certificate profile, digest §4.1) whose protected header carries
 * the signer's certificate chain ({@code x5c}, leaf first, at most {@value #MAX_CHAIN} certificates); the chain must
 * lead to one of this side's trust anchors within the anchor's name constraints and be valid at the time of the check;
 * the leaf must be an end entity (not a CA) whose key usage, when stated, allows digital signatures, and must not be
 * revoked; the signature must verify with the leaf's key. The caller decides whether the leaf names the originator.
 */
public final class EsDataSignatures {
    /** The longest {@code x5c} taken. */
    public static final int MAX_CHAIN = 5;

    /** Three base64url parts, the signature of a P-256 ES256 JWS being 86 characters. */
    private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{86}");

    private final TrustedPaths anchors;
    private final Predicate<X509Certificate> revoked;

    /** A chain validated lately, by the SHA-256 of its {@code x5c}: its leaf and until when the result is reused. */
    private record Validated(X509Certificate leaf, Instant until) {}

    /** Path validation is most of a check's cost and a device signs with one chain: results are kept a minute. */
    private static final java.time.Duration REUSE = java.time.Duration.ofMinutes(1);

    private static final int MAX_REMEMBERED = 1024;
    private final java.util.Map<String, Validated> validated = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param anchors the issuers whose certificates this side takes for signers (at least one)
     * @param revoked whether a certificate is revoked now
     */
    public EsDataSignatures(TrustedPaths anchors, Predicate<X509Certificate> revoked) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("ESData signatures need at least one trust anchor");
        }
        this.anchors = anchors;
        this.revoked = revoked;
    }

    public EsDataSignatures(List<X509Certificate> anchors) {
        this(new TrustedPaths(anchors), c -> false);
    }

    /** The signer's certificate, once the content's signature and certificate chain check out at {@code now}. */
    public X509Certificate verify(String envelope, Instant now) {
        if (envelope == null
                || envelope.length() > EsData.MAX_LENGTH
                || !COMPACT.matcher(envelope).matches()) {
            throw new EsDataException(
                    "the content is not exactly a JWS in compact serialization (signed ESData, ES256)");
        }
        JWSHeader h;
        try {
            h = JWSObject.parse(envelope).getHeader();
        } catch (ParseException | RuntimeException ex) {
            throw new EsDataException("the content is not a JWS in compact serialization (signed ESData)");
        }
        if (!JWSAlgorithm.ES256.equals(h.getAlgorithm())) {
            throw new EsDataException("the signature must be made with a certificate's P-256 key (ES256)");
        }
        List<com.nimbusds.jose.util.Base64> x5c = h.getX509CertChain();
        if (x5c == null || x5c.isEmpty() || x5c.size() > MAX_CHAIN) {
            throw new EsDataException("the JWS carries no signer certificate chain (x5c, 1 to " + MAX_CHAIN + ")");
        }
        X509Certificate leaf = validated(x5c, now);
        PublicKey key = leaf.getPublicKey();
        String kid = h.getKeyID();
        try {
            EsData.open(envelope, new EsData.Keys() {
                @Override
                public Optional<PublicKey> verification(String k) {
                    return k.equals(kid) ? Optional.of(key) : Optional.empty();
                }
            });
        } catch (EsDataException e) { // its message may name the sender's kid: ours instead
            throw new EsDataException("the signature does not verify with the signer's certificate");
        }
        return leaf;
    }

    private X509Certificate validated(List<com.nimbusds.jose.util.Base64> x5c, Instant now) {
        String id = chainId(x5c);
        Validated seen = validated.get(id);
        if (seen != null
                && now.isBefore(seen.until())
                && !now.isBefore(seen.leaf().getNotBefore().toInstant())) {
            if (revoked.test(seen.leaf())) { // revocation is asked every time, not remembered
                throw new EsDataException("the signer's certificate is revoked");
            }
            return seen.leaf();
        }
        X509Certificate leaf = validatedNow(x5c, now);
        if (validated.size() >= MAX_REMEMBERED) {
            validated.clear();
        }
        Instant until = now.plus(REUSE);
        Instant notAfter = leaf.getNotAfter().toInstant();
        validated.put(id, new Validated(leaf, until.isAfter(notAfter) ? notAfter : until));
        return leaf;
    }

    private static String chainId(List<com.nimbusds.jose.util.Base64> x5c) {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            for (com.nimbusds.jose.util.Base64 b : x5c) {
                d.update(b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                d.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate validatedNow(List<com.nimbusds.jose.util.Base64> x5c, Instant now) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (com.nimbusds.jose.util.Base64 b : x5c) {
                chain.add((X509Certificate) f.generateCertificate(new java.io.ByteArrayInputStream(b.decode())));
            }
        } catch (GeneralSecurityException | RuntimeException ex) {
            throw new EsDataException("the signer's certificate chain (x5c) cannot be read");
        }
        X509Certificate leaf = chain.get(0);
        if (leaf.getBasicConstraints() >= 0) {
            throw new EsDataException("the signer's certificate is a CA's, not an end entity's");
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage != null && !usage[0]) {
            throw new EsDataException("the signer's certificate is not for digital signatures (keyUsage)");
        }
        try {
            leaf.checkValidity(Date.from(now));
            anchors.validate(chain, Date.from(now));
        } catch (GeneralSecurityException | RuntimeException ex) {
            throw new EsDataException("the signer's certificate is not trusted here or not valid now");
        }
        if (revoked.test(leaf)) {
            throw new EsDataException("the signer's certificate is revoked");
        }
        return leaf;
    }
}
