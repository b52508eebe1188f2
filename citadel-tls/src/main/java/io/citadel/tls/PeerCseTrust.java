package io.citadel.tls;

import io.citadel.credentials.SecurityAssociation;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * For this CSE as a TLS client of one particular CSE: the server's chain must pass the trust anchors
 * (name constraints, revocation) and its certificate must name exactly that CSE-ID. This replaces host
 * name checking: a CSE is reached at a poa that may be an IP address, and what matters is which CSE
 * answers. Failing here stops the handshake, so nothing is sent to the wrong peer.
 */
final class PeerCseTrust extends X509ExtendedTrustManager {
    private final ConstrainedTrustManager chains;
    private final String expectedCseId;
    private final String spDomain;
    private final UnaryOperator<String> normalize;

    PeerCseTrust(
            ConstrainedTrustManager chains, String expectedCseId, String spDomain, UnaryOperator<String> normalize) {
        this.chains = chains;
        this.expectedCseId = expectedCseId;
        this.spDomain = spDomain;
        this.normalize = normalize;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        chains.checkServerTrusted(chain, authType);
        SecurityAssociation proven;
        try {
            proven = CertificateTls.identityOf(chain[0], spDomain, normalize);
        } catch (CertificateParsingException e) {
            throw new CertificateException("the server certificate's names cannot be read", e);
        }
        if (!proven.allows(expectedCseId)) {
            throw new CertificateException(
                    "the server is not " + expectedCseId + " (its certificate names " + proven.identities() + ")");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager checks a peer CSE acting as server only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chains.getAcceptedIssuers();
    }
}
