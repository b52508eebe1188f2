package io.citadel.client.device;

import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * What an enrolled device holds: its private key and certificate chain (certificate, then the MEF's CA), the
 * enrolment key Ke with its KeID and expiry, and the usage-constrained key it derived for its CSE (TLS-PSK,
 * identity = KeID). Key material is handed out as copies; {@link #toString} shows none.
 */
public final class DeviceCredentials {
    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;
    private final X509Certificate mefCa;
    private final String keyId;
    private final Instant keyNotAfter;
    private final byte[] ke;
    private final byte[] cseKey;
    private final String cseFqdn;
    private final String keyAlias;

    DeviceCredentials(
            PrivateKey privateKey,
            List<X509Certificate> chain,
            X509Certificate mefCa,
            String keyId,
            Instant keyNotAfter,
            byte[] ke,
            byte[] cseKey,
            String cseFqdn,
            String keyAlias) {
        this.privateKey = privateKey;
        this.chain = List.copyOf(chain);
        this.mefCa = mefCa;
        this.keyId = keyId;
        this.keyNotAfter = keyNotAfter;
        this.ke = ke.clone();
        this.cseKey = cseKey.clone();
        this.cseFqdn = cseFqdn;
        this.keyAlias = keyAlias;
    }

    /** The same Ke, KeID and CSE key with a renewed private key and chain (kept under {@code alias} in a token). */
    DeviceCredentials renewed(PrivateKey key, List<X509Certificate> newChain, String alias) {
        return new DeviceCredentials(key, newChain, mefCa, keyId, keyNotAfter, ke, cseKey, cseFqdn, alias);
    }

    /** The alias of the private key in the device's PKCS#11 token; null when the key is in its state. */
    public String keyAlias() {
        return keyAlias;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The certificate, then the CA that issued it. */
    public List<X509Certificate> chain() {
        return chain;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The MEF's CA (from {@code /cacerts}): the trust anchor of the MEF's certificate listener. */
    public X509Certificate mefCa() {
        return mefCa;
    }

    /** The KeID ({@code hex(RelativeKeID)@MEF-FQDN}): the TLS-PSK identity at the CSE. */
    public String keyId() {
        return keyId;
    }

    /** Until when the MEF vouches for Ke. */
    public Instant keyNotAfter() {
        return keyNotAfter;
    }

    /** A copy of Ke (the caller zeroes it). */
    public byte[] enrolmentKey() {
        return ke.clone();
    }

    /** A copy of the usage-constrained key for the CSE {@link #cseFqdn} (SUID 22; the caller zeroes it). */
    public byte[] cseKey() {
        return cseKey.clone();
    }

    /**
     * The pairwise ESPrim key with the device's CSE (SUID 23: the usage-constrained key of Ke for {@link #cseFqdn},
     * TS-0003 §8.4.2), whose ID is the KeID; the caller zeroes it.
     */
    public byte[] esprimKey() {
        return io.citadel.credentials.KeyDerivation.usageConstrainedKey(ke, 23, cseFqdn);
    }

    /** The public domain name of the device's CSE ({@code id-in.citadel.example}). */
    public String cseFqdn() {
        return cseFqdn;
    }

    /** The AE-ID the certificate proves ({@code Cdev1}). */
    public String aeId() {
        String[] path = identity().getPath().split("/");
        return path[path.length - 1];
    }

    /** The CSE-ID of the device's registrar ({@code /id-in}). */
    public String cseId() {
        String[] path = identity().getPath().split("/");
        return "/" + path[1];
    }

    /** The oneM2M SP domain of the certificate ({@code citadel.example}). */
    public String spDomain() {
        return identity().getHost();
    }

    /** The certificate's AE-ID URI, {@code onem2m://<sp>/<cse>/<ae-id>}. */
    URI identity() {
        return aeIdentity(certificate());
    }

    /** The public domain name of the CSE an AE-ID URI names: {@code <cse-id>.<sp>}. */
    static String cseFqdn(URI aeIdentity) {
        return aeIdentity.getPath().split("/")[1] + "." + aeIdentity.getHost();
    }

    /** When renewal is due: once two thirds of the certificate's lifetime have passed. */
    public Instant renewalDue() {
        Instant from = certificate().getNotBefore().toInstant();
        Instant to = certificate().getNotAfter().toInstant();
        return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
    }

    /** The AE-ID URI SAN of a certificate of the oneM2M profile; an {@link EnrolmentException} if it has none. */
    static URI aeIdentity(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new EnrolmentException("the certificate's names cannot be read");
        }
        if (names != null) {
            for (List<?> n : names) {
                if (Integer.valueOf(6).equals(n.get(0)) && n.get(1) instanceof String uri) {
                    try {
                        URI u = URI.create(uri);
                        if ("onem2m".equals(u.getScheme())
                                && u.getHost() != null
                                && u.getPath() != null
                                && u.getPath().matches("/[^/]+/[^/]+")) {
                            return u;
                        }
                    } catch (IllegalArgumentException ignored) {
                        // not an AE-ID URI
                    }
                }
            }
        }
        throw new EnrolmentException("the certificate names no AE-ID (onem2m://<sp>/<cse-id>/<ae-id>)");
    }

    /** Overwrites the symmetric keys held here. */
    public void destroy() {
        Arrays.fill(ke, (byte) 0);
        Arrays.fill(cseKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "DeviceCredentials[" + aeId() + ", serial "
                + certificate().getSerialNumber().toString(16) + ", keID " + keyId + "]";
    }
}
