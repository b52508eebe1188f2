package io.citadel.mef.http;

import io.citadel.credentials.RawPublicKeyId;
import io.citadel.mef.est.Enrolments;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Who a client certificate proves to the MEF, over TLS or DTLS alike (the handshake has already chained it to one of
 * the listener's anchors). A certificate the MEF issued: the enrolee holding it now, with the certificate (it may
 * re-enrol); an older certificate of that enrolee, or one it never held, proves nobody. A device certificate of a
 * manufacturer (the certificate RSPF, TS-0003 §8.3.2): the enrolee named by its key's RFC 6920 identifier, without a
 * certificate of ours (it may enrol, not re-enrol). Either may also prove FQDNs as an enrolment target
 * ({@link EnrolmentTargets}).
 */
public final class CertificateEnrolees {
    private final Enrolments enrolments;
    private final X509Certificate mefCa;
    private final EnrolmentTargets targets;
    private final java.time.Clock clock;

    /**
     * @param mefCa the MEF's CA certificate
     * @param targetAnchors the anchors of CSE certificates that may fetch their enrolees' keys
     */
    public CertificateEnrolees(Enrolments enrolments, X509Certificate mefCa, List<X509Certificate> targetAnchors) {
        this(enrolments, mefCa, targetAnchors, java.time.Clock.systemUTC());
    }

    /** @param clock what "valid now" means */
    public CertificateEnrolees(
            Enrolments enrolments, X509Certificate mefCa, List<X509Certificate> targetAnchors, java.time.Clock clock) {
        this.clock = clock;
        this.enrolments = enrolments;
        this.mefCa = mefCa;
        this.targets = new EnrolmentTargets(mefCa, targetAnchors, enrolments);
    }

    /** The enrolee of {@code chain} (leaf first); empty when it proves none or its certificate is not valid now. */
    public Optional<Enrolee> of(List<X509Certificate> chain) {
        if (chain == null || chain.isEmpty()) {
            return Optional.empty();
        }
        X509Certificate cert = chain.get(0);
        try { // a session may outlive the certificate it began with
            cert.checkValidity(java.util.Date.from(clock.instant()));
        } catch (java.security.cert.CertificateException e) {
            return Optional.empty();
        }
        List<String> targetNames = targets.namesProven(chain.toArray(Certificate[]::new));
        if (issuedBy(cert, mefCa)) {
            return enrolments.enroleeHolding(cert.getSerialNumber()).map(id -> new Enrolee(id, cert, targetNames));
        }
        return Optional.of(new Enrolee(deviceEnrolee(cert), null, targetNames));
    }

    /** The enrolee ID of a device certificate: its public key's RFC 6920 identifier ({@code ni:///sha-256;...}). */
    public static String deviceEnrolee(X509Certificate deviceCertificate) {
        return RawPublicKeyId.of(deviceCertificate.getPublicKey().getEncoded()).toString();
    }

    static boolean issuedBy(X509Certificate cert, X509Certificate ca) {
        if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
