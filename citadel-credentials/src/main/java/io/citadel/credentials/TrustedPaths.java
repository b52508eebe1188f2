package io.citadel.credentials;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;

/**
 * Certificate paths to a set of trust anchors (RFC 5280, the JDK's PKIX) with each anchor's own name constraints
 * enforced over every name of every certificate in the path: the JDK's PKIX ignores the constraints of the anchor
 * itself, so a CA limited to {@code partner.example} could otherwise vouch for {@code citadel.example}. Revocation is
 * left to the caller ({@link Validated#params()} is the base for it).
 */
public final class TrustedPaths {
    private static final String NAME_CONSTRAINTS = "2.5.29.30";

    private final Set<TrustAnchor> anchors;
    private final Map<X509Certificate, NameConstraints> constraints;
    private final List<X509Certificate> issuers;

    /** A path validated: the certificates without any anchor among them (leaf first), its parameters, its anchor. */
    public record Validated(List<X509Certificate> path, PKIXParameters params, X509Certificate anchor) {}

    public TrustedPaths(List<X509Certificate> anchorCertificates) {
        Set<TrustAnchor> a = new HashSet<>();
        Map<X509Certificate, NameConstraints> c = new HashMap<>();
        for (X509Certificate cert : anchorCertificates) {
            byte[] ext = cert.getExtensionValue(NAME_CONSTRAINTS);
            if (ext != null) {
                c.put(
                        cert,
                        NameConstraints.getInstance(
                                ASN1OctetString.getInstance(ext).getOctets()));
            }
            a.add(new TrustAnchor(cert, null)); // the JDK's PKIX cannot take the constraints; enforced below
        }
        this.anchors = Set.copyOf(a);
        this.constraints = Map.copyOf(c);
        this.issuers = List.copyOf(anchorCertificates);
    }

    public boolean isEmpty() {
        return anchors.isEmpty();
    }

    /** The anchors' certificates, as given. */
    public List<X509Certificate> issuers() {
        return issuers;
    }

    /**
     * Validates {@code chain} (leaf first; certificates that are anchors themselves are left out of the path) at
     * {@code at} (null: now), then the anchor's name constraints over the path.
     *
     * @throws GeneralSecurityException when there is no valid path or a name is outside the constraints
     */
    public Validated validate(List<X509Certificate> chain, Date at) throws GeneralSecurityException {
        if (anchors.isEmpty()) {
            throw new CertificateException("no trust anchors are configured");
        }
        List<X509Certificate> path = chain.stream()
                .filter(c -> anchors.stream().noneMatch(t -> t.getTrustedCert().equals(c)))
                .toList();
        PKIXParameters params = new PKIXParameters(anchors);
        params.setRevocationEnabled(false);
        if (at != null) {
            params.setDate(at);
        }
        PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        X509Certificate anchor = result.getTrustAnchor().getTrustedCert();
        NameConstraints nc = constraints.get(anchor);
        if (nc != null) {
            enforce(nc, path);
        }
        return new Validated(path, params, anchor);
    }

    /** The trust anchor's name constraints over every name of every certificate in the path. */
    private static void enforce(NameConstraints nc, List<X509Certificate> path) throws CertificateException {
        PKIXNameConstraintValidator validator = new PKIXNameConstraintValidator();
        if (nc.getPermittedSubtrees() != null) {
            validator.intersectPermittedSubtree(nc.getPermittedSubtrees());
        }
        if (nc.getExcludedSubtrees() != null) {
            for (GeneralSubtree excluded : nc.getExcludedSubtrees()) {
                validator.addExcludedSubtree(excluded);
            }
        }
        for (X509Certificate cert : path) {
            try {
                Collection<List<?>> names = cert.getSubjectAlternativeNames();
                for (List<?> n : names == null ? List.<List<?>>of() : names) {
                    int tag = (Integer) n.get(0);
                    GeneralName name = n.get(1) instanceof String v
                            ? (tag == GeneralName.iPAddress
                                    ? new GeneralName(GeneralName.iPAddress, v)
                                    : new GeneralName(tag, v))
                            : GeneralName.getInstance(n.get(1));
                    validator.checkPermitted(name);
                    validator.checkExcluded(name);
                }
            } catch (NameConstraintValidatorException | RuntimeException | CertificateException e) {
                throw new CertificateException("a name in the certificate is outside its CA's name constraints");
            }
        }
    }
}
