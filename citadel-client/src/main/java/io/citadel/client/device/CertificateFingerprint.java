package io.citadel.client.device;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A certificate fingerprint as a [trustAnchorCred] ({@code cfp}) or an [authenticationProfile] ({@code mcfp}) gives
 * it: the SHA-256 of the certificate's DER, either as an RFC 6920 name ({@code ni:///sha-256;<base64url>}) or in hex,
 * with or without colons (what {@code openssl x509 -fingerprint -sha256} prints after its {@code =}).
 */
final class CertificateFingerprint {
    private static final String NI = "ni:///sha-256;";

    private CertificateFingerprint() {}

    /** The SHA-256 a fingerprint names; an {@link IllegalArgumentException} when it is neither form. */
    static byte[] digest(String fingerprint) {
        if (fingerprint.startsWith(NI)) {
            try {
                byte[] d = Base64.getUrlDecoder().decode(fingerprint.substring(NI.length()));
                if (d.length == 32) {
                    return d;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
        } else {
            String hex = fingerprint.replace(":", "");
            if (hex.matches("[0-9a-fA-F]{64}")) {
                return HexFormat.of().parseHex(hex);
            }
        }
        throw new IllegalArgumentException(
                "not a SHA-256 certificate fingerprint (ni:///sha-256;<base64url> or 64 hex digits)");
    }

    static boolean matches(String fingerprint, X509Certificate certificate) {
        return MessageDigest.isEqual(digest(fingerprint), sha256(certificate));
    }

    /** The RFC 6920 name of a certificate's SHA-256. */
    static String of(X509Certificate certificate) {
        return NI + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(certificate));
    }

    private static byte[] sha256(X509Certificate certificate) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot hash a certificate", e);
        }
    }
}
