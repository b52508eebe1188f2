package io.citadel.client.coap;

import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.CertificateMessage;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.CertificateVerificationResult;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.x509.NewAdvancedCertificateVerifier;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * Scandium's check of the peer's credential. A certificate is checked by the same trust manager as the TLS
 * listener's (name constraints of the trust anchors, CRLs, OCSP), so a certificate refused over TLS is
 * refused over DTLS: a client's as a client certificate, a server's (when this side connects, e.g. to send a
 * notification) as a server certificate. A raw public key (RFC 7250) must be one the credential store trusts
 * (by its RFC 6920 identifier); an unknown key gets no session.
 */
public final class PeerCredentialVerifier implements NewAdvancedCertificateVerifier {
    private final X509TrustManager trust;
    private final Predicate<byte[]> trustedRawKey;

    /** @param trustedRawKey the test of a raw public key (DER SubjectPublicKeyInfo), or null to accept X.509 only */
    public PeerCredentialVerifier(X509TrustManager trust, Predicate<byte[]> trustedRawKey) {
        this.trust = trust;
        this.trustedRawKey = trustedRawKey;
    }

    @Override
    public List<CertificateType> getSupportedCertificateTypes() {
        return trustedRawKey == null
                ? List.of(CertificateType.X_509)
                : List.of(CertificateType.RAW_PUBLIC_KEY, CertificateType.X_509);
    }

    @Override
    public CertificateVerificationResult verifyCertificate(
            ConnectionId cid,
            ServerNames serverName,
            InetSocketAddress remotePeer,
            boolean clientUsage,
            boolean verifySubject,
            boolean truncateCertificatePath,
            CertificateMessage message) {
        PublicKey raw = message.getPublicKey();
        if (message.getCertificateChain() == null && raw != null) {
            if (trustedRawKey != null && trusted(raw)) {
                return new CertificateVerificationResult(cid, raw, null);
            }
            return new CertificateVerificationResult(
                    cid,
                    new HandshakeException(
                            "raw public key not trusted",
                            new AlertMessage(
                                    AlertMessage.AlertLevel.FATAL, AlertMessage.AlertDescription.BAD_CERTIFICATE)),
                    null);
        }
        var path = message.getCertificateChain();
        if (path == null || path.getCertificates().isEmpty()) {
            return new CertificateVerificationResult(
                    cid,
                    new HandshakeException(
                            "a certificate is required",
                            new AlertMessage(
                                    AlertMessage.AlertLevel.FATAL, AlertMessage.AlertDescription.BAD_CERTIFICATE)),
                    null);
        }
        X509Certificate[] chain =
                path.getCertificates().stream().map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
        try {
            if (clientUsage) {
                trust.checkClientTrusted(chain, "ECDHE_ECDSA");
            } else {
                trust.checkServerTrusted(chain, "ECDHE_ECDSA");
            }
            return new CertificateVerificationResult(cid, path, null);
        } catch (CertificateException | RuntimeException e) {
            return new CertificateVerificationResult(
                    cid,
                    new HandshakeException(
                            "certificate refused: " + e.getMessage(),
                            new AlertMessage(
                                    AlertMessage.AlertLevel.FATAL, AlertMessage.AlertDescription.BAD_CERTIFICATE)),
                    null);
        }
    }

    /** A key store that cannot be read trusts no key. */
    private boolean trusted(PublicKey raw) {
        try {
            return trustedRawKey.test(raw.getEncoded());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public List<X500Principal> getAcceptedIssuers() {
        return List.of(trust.getAcceptedIssuers()).stream()
                .map(X509Certificate::getSubjectX500Principal)
                .toList();
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // answers synchronously
    }
}
