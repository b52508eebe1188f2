package io.citadel.tls;

import io.citadel.credentials.LevelOfAssurance;
import io.citadel.credentials.SecurityAssociation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * The certification authorities an operator trusts to vouch that a certified key is kept in hardware (its MEF's CA,
 * which issues {@link LevelOfAssurance#HARDWARE_KEY_POLICY} only to enrolees it was told hold their keys so): a
 * certificate that states the policy reaches level of assurance 4 only when one of them signed it. The chain itself
 * was validated by the TLS trust manager before this is asked; any other certificate keeps the level of its kind.
 */
public final class HardwareKeyIssuers {
    /** No authority may vouch: no certificate reaches level 4. */
    public static final HardwareKeyIssuers NONE = new HardwareKeyIssuers(List.of());

    private final List<X509Certificate> issuers;

    private HardwareKeyIssuers(List<X509Certificate> issuers) {
        this.issuers = List.copyOf(issuers);
    }

    /**
     * The CA certificates in the PEM file {@code pem}.
     *
     * @throws IllegalArgumentException when the file cannot be read, holds no certificate, or holds one that is not a
     *     certification authority's
     */
    public static HardwareKeyIssuers load(Path pem) {
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(pem)) {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                X509Certificate cert = (X509Certificate) c;
                if (cert.getBasicConstraints() < 0) {
                    throw new IllegalArgumentException(pem + " holds a certificate that is not a CA's: "
                            + cert.getSubjectX500Principal().getName());
                }
                out.add(cert);
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot read the CA certificates in " + pem);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(pem + " holds no certificate");
        }
        return new HardwareKeyIssuers(out);
    }

    /** {@code association}, at level 4 when {@code leaf} states the hardware-key policy and one of these signed it. */
    public SecurityAssociation levelOf(X509Certificate leaf, SecurityAssociation association) {
        if (issuers.isEmpty() || !statesHardwareKey(leaf)) {
            return association;
        }
        for (X509Certificate issuer : issuers) {
            if (issuer.getSubjectX500Principal().equals(leaf.getIssuerX500Principal()) && signed(issuer, leaf)) {
                return association.withAssurance(LevelOfAssurance.HARDWARE_KEY);
            }
        }
        return association;
    }

    /** Whether {@code cert}'s certificate policies include {@link LevelOfAssurance#HARDWARE_KEY_POLICY}. */
    public static boolean statesHardwareKey(X509Certificate cert) {
        byte[] value = cert.getExtensionValue(Extension.certificatePolicies.getId());
        if (value == null) {
            return false;
        }
        try {
            ASN1Primitive policies = JcaX509ExtensionUtils.parseExtensionValue(value);
            for (PolicyInformation p : CertificatePolicies.getInstance(policies).getPolicyInformation()) {
                if (p.getPolicyIdentifier().getId().equals(LevelOfAssurance.HARDWARE_KEY_POLICY)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | IllegalArgumentException e) {
            return false; // an unreadable policies extension states nothing
        }
    }

    private static boolean signed(X509Certificate issuer, X509Certificate leaf) {
        try {
            leaf.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
