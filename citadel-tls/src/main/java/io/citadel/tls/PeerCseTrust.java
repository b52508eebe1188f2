package io.citadel.tls;

import io.citadel.credentials.SecurityAssociation;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.function.UnaryOperator;

/**
 * For this CSE as a TLS client of one particular CSE: the server's chain must pass the trust anchors
 * (name constraints, revocation) and its certificate must name exactly that CSE-ID. This replaces host
 * name checking: a CSE is reached at a poa that may be an IP address, and what matters is which CSE
 * answers. Failing here stops the handshake, so nothing is sent to the wrong peer.
 */
final class PeerCseTrust extends io.citadel.client.tls.ServerTrust {
    private final String expectedCseId;
    private final String spDomain;
    private final UnaryOperator<String> normalize;

    PeerCseTrust(
            ConstrainedTrustManager chains, String expectedCseId, String spDomain, UnaryOperator<String> normalize) {
        super(chains);
        this.expectedCseId = expectedCseId;
        this.spDomain = spDomain;
        this.normalize = normalize;
    }

    @Override
    protected void checkNames(X509Certificate server) throws CertificateException {
        SecurityAssociation proven;
        try {
            proven = CertificateTls.identityOf(server, spDomain, normalize);
        } catch (CertificateParsingException e) {
            throw new CertificateException("the server certificate's names cannot be read", e);
        }
        if (!proven.allows(expectedCseId)) {
            throw new CertificateException(
                    "the server is not " + expectedCseId + " (its certificate names " + proven.identities() + ")");
        }
    }
}
