package io.citadel.credentials;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw public key's identifier (TS-0003 §10.1.2): an RFC 6920 "ni" name of the SHA-256 digest of the
 * key's DER SubjectPublicKeyInfo, whole ({@code sha-256}) or truncated ({@code sha-256-128},
 * {@code sha-256-120}), e.g. {@code ni:///sha-256;UyaQV-Ev4rdLoHyJJWCi11OHfrYv9E1aGQAlMO2X_-Q}. A presented key
 * matches when its digest, computed with the algorithm this identifier names, is the same.
 *
 * @param algorithm one of sha-256, sha-256-128, sha-256-120
 * @param digest the (truncated) digest
 */
public record RawPublicKeyId(String algorithm, byte[] digest) {
    private static final Pattern NI =
            Pattern.compile("ni://[A-Za-z0-9.:\\[\\]-]*/(sha-256(?:-128|-120)?);([A-Za-z0-9_-]+)");

    public RawPublicKeyId {
        int expected = length(algorithm);
        if (digest == null || digest.length != expected) {
            throw new IllegalArgumentException(algorithm + " needs a " + expected + "-byte digest");
        }
        digest = digest.clone();
    }

    /** The sha-256 identifier of a DER SubjectPublicKeyInfo. */
    public static RawPublicKeyId of(byte[] subjectPublicKeyInfo) {
        return new RawPublicKeyId("sha-256", sha256(subjectPublicKeyInfo));
    }

    /** The identifiers TS-0003 allows for one key, longest first: sha-256, sha-256-128, sha-256-120. */
    public static List<RawPublicKeyId> candidates(byte[] subjectPublicKeyInfo) {
        byte[] digest = sha256(subjectPublicKeyInfo);
        return List.of(
                new RawPublicKeyId("sha-256", digest),
                new RawPublicKeyId("sha-256-128", Arrays.copyOf(digest, 16)),
                new RawPublicKeyId("sha-256-120", Arrays.copyOf(digest, 15)));
    }

    /** Parses an {@code ni:} URI (an authority is allowed and ignored; a query is not). */
    public static RawPublicKeyId parse(String ni) {
        Matcher m = NI.matcher(ni == null ? "" : ni.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "a raw public key identifier is an RFC 6920 name such as ni:///sha-256;<base64url digest>"
                            + " (sha-256, sha-256-128 or sha-256-120)");
        }
        byte[] digest;
        try {
            digest = Base64.getUrlDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the digest of " + ni + " is not base64url");
        }
        return new RawPublicKeyId(m.group(1), digest);
    }

    /** Whether this identifier names the given DER SubjectPublicKeyInfo. */
    public boolean matches(byte[] subjectPublicKeyInfo) {
        return MessageDigest.isEqual(digest, Arrays.copyOf(sha256(subjectPublicKeyInfo), digest.length));
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /**
     * The Credential-ID (TS-0003 §10.4, type 30: raw public key). The value alphabet (letters, digits,
     * '.', '_', '-', '@') admits base64url but not the ni URI's ':', '/' and ';', so the value is the
     * base64url digest; its length tells the algorithm.
     */
    public String credentialId() {
        return "30-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    @Override
    public String toString() {
        return "ni:///" + algorithm + ";"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawPublicKeyId other
                && algorithm.equals(other.algorithm)
                && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + Arrays.hashCode(digest);
    }

    private static int length(String algorithm) {
        if (algorithm == null) {
            throw new IllegalArgumentException("no digest algorithm");
        }
        return switch (algorithm) {
            case "sha-256" -> 32;
            case "sha-256-128" -> 16;
            case "sha-256-120" -> 15;
            default ->
                throw new IllegalArgumentException("unsupported ni algorithm " + algorithm
                        + " (TS-0003 allows sha-256, sha-256-128, sha-256-120)");
        };
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
