package io.citadel.mef.http;

import io.citadel.mef.est.Enrolments;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which FQDNs a client certificate proves as an enrolment target (a CSE that may fetch the keys of its enrolees):
 * the dNSNames of a certificate that chains to the target anchors the operator gave ({@code --target-trust}), or of
 * a CSE certificate the MEF issued and its enrolee still holds. A device certificate of a manufacturer proves none,
 * whatever names it carries: the manufacturer's CA is trusted to name devices, not CSEs.
 */
final class EnrolmentTargets {
    private final X509Certificate mefCa;
    private final Set<TrustAnchor> anchors;
    private final Enrolments enrolments;

    EnrolmentTargets(X509Certificate mefCa, List<X509Certificate> targetAnchors, Enrolments enrolments) {
        this.mefCa = mefCa;
        this.anchors = targetAnchors.stream().map(a -> new TrustAnchor(a, null)).collect(Collectors.toSet());
        this.enrolments = enrolments;
    }

    /** The dNSNames the peer's chain proves as a target; empty when it proves none. */
    List<String> namesProven(Certificate[] chain) {
        if (!(chain[0] instanceof X509Certificate leaf)) {
            return List.of();
        }
        if (CertificateEnrolees.issuedBy(leaf, mefCa)) { // a CSE the MEF enrolled: the name its policy gives, no other
            return enrolments
                    .enroleeHolding(leaf.getSerialNumber())
                    .flatMap(enrolments::policy)
                    .filter(p -> p.subject().type() == io.citadel.mef.est.EnrolmentSubject.Type.CSE_ID)
                    .map(p -> List.of(p.subject().id().replaceFirst("^/", "") + "."
                            + p.subject().spDomain()))
                    .orElse(List.of());
        }
        return chainsToTargetAnchor(chain) ? dnsNames(leaf) : List.of();
    }

    private boolean chainsToTargetAnchor(Certificate[] chain) {
        if (anchors.isEmpty()) {
            return false;
        }
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            List<Certificate> path = Arrays.asList(chain).subList(0, chain.length).stream()
                    .filter(c -> !(c instanceof X509Certificate x && isAnchor(x)))
                    .toList();
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private boolean isAnchor(X509Certificate c) {
        return anchors.stream().anyMatch(a -> a.getTrustedCert().equals(c));
    }

    private static List<String> dnsNames(X509Certificate cert) {
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            return names == null
                    ? List.of()
                    : names.stream()
                            .filter(n -> Integer.valueOf(2).equals(n.get(0)) && n.get(1) instanceof String)
                            .map(n -> (String) n.get(1))
                            .toList();
        } catch (java.security.cert.CertificateParsingException e) {
            return List.of();
        }
    }
}
