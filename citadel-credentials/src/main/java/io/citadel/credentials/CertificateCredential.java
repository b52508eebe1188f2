package io.citadel.credentials;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a verified X.509 certificate proves per the oneM2M profile (digest §3.6): the AE-ID of a subjectAltName
 * URI {@code onem2m://sp/cse/ae} (or {@code //sp/cse/ae}), the CSE-ID of a dNSName {@code <cse-id>.<sp-domain>}.
 * The certificate itself is checked elsewhere (trust anchors, name constraints, revocation); this describes it.
 *
 * @param credentialId {@code 33-<sp/cse/ae>} for an AE-ID URI, {@code 32-<dns name>} for a CSE-ID, else
 *        {@code 30-<serial in hex>}
 * @param subject the subject's X.500 name (RFC 2253)
 * @param issuer the issuer's X.500 name (RFC 2253)
 * @param fingerprint the SHA-256 of the DER certificate, 64 lower-case hex digits
 * @param allowed the absolute AE-IDs and CSE-IDs the certificate names (not normalised), possibly none
 * @param notBefore start of validity
 * @param notAfter end of validity
 */
public record CertificateCredential(
        String credentialId,
        String subject,
        String issuer,
        String fingerprint,
        List<String> allowed,
        Instant notBefore,
        Instant notAfter)
        implements Credential {

    public CertificateCredential {
        if (credentialId == null || credentialId.isBlank()) {
            throw new IllegalArgumentException("a certificate credential needs its Credential-ID");
        }
        if (subject == null || issuer == null) {
            throw new IllegalArgumentException("a certificate credential needs its subject and issuer");
        }
        if (fingerprint == null || !fingerprint.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a certificate fingerprint is 64 lower-case hex digits (SHA-256)");
        }
        if (notBefore == null || notAfter == null || notAfter.isBefore(notBefore)) {
            throw new IllegalArgumentException("a certificate credential's validity must end after it starts");
        }
        allowed = List.copyOf(allowed);
    }

    /**
     * The credential {@code cert} proves, reading CSE-ID dNSNames under {@code spDomain} (this SP's domain,
     * e.g. {@code citadel.example}; compared in lower case).
     *
     * @throws CertificateParsingException when the certificate's names cannot be read
     */
    public static CertificateCredential of(X509Certificate cert, String spDomain) throws CertificateParsingException {
        Set<String> ids = new LinkedHashSet<>();
        String credential = null;
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        for (List<?> n : names == null ? List.<List<?>>of() : names) {
            int type = (Integer) n.get(0);
            String value = String.valueOf(n.get(1));
            if (type == 6) { // URI: the absolute AE-ID
                String absolute = absoluteAeId(value);
                if (absolute != null) {
                    ids.add(absolute);
                    credential = credential == null ? "33-" + absolute.substring(2) : credential;
                }
            } else if (type == 2) { // dNSName: <cse-id>.<sp-domain>
                String dns = value.toLowerCase(Locale.ROOT);
                if (dns.endsWith("." + spDomain) && dns.indexOf('.') == dns.length() - spDomain.length() - 1) {
                    String cse = value.substring(0, value.length() - spDomain.length() - 1);
                    ids.add("//" + spDomain + "/" + cse);
                    credential = credential == null ? "32-" + dns : credential;
                }
            }
        }
        return new CertificateCredential(
                credential == null ? "30-" + cert.getSerialNumber().toString(16) : credential,
                cert.getSubjectX500Principal().getName(),
                cert.getIssuerX500Principal().getName(),
                fingerprint(cert),
                List.copyOf(ids),
                cert.getNotBefore().toInstant(),
                cert.getNotAfter().toInstant());
    }

    /** {@code onem2m://sp/cse/ae} or {@code //sp/cse/ae} → {@code //sp/cse/ae}; anything else → null. */
    public static String absoluteAeId(String uri) {
        try {
            URI u = URI.create(uri);
            if (u.getHost() == null || u.getPath() == null || u.getPath().length() < 2) {
                return null;
            }
            return "//" + u.getHost() + u.getPath();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Valid from {@code notBefore} to {@code notAfter}, both included (as {@link X509Certificate#checkValidity}). */
    @Override
    public boolean validAt(Instant when) {
        return !when.isBefore(notBefore) && !when.isAfter(notAfter);
    }

    @Override
    public Kind kind() {
        return Kind.CERTIFICATE;
    }

    private static String fingerprint(X509Certificate cert) throws CertificateParsingException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new CertificateParsingException("the certificate cannot be encoded", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
