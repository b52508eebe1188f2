package io.citadel.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * For this CSE as a TLS client of a service known by its FQDN (a MEF or MAF that brokers keys): the server's chain
 * must pass the trust anchors and its certificate must name that FQDN (dNSName), whatever address it is reached at.
 */
final class ServiceTrust extends X509ExtendedTrustManager {
    private final ConstrainedTrustManager chains;
    private final String fqdn;

    ServiceTrust(ConstrainedTrustManager chains, String fqdn) {
        this.chains = chains;
        this.fqdn = fqdn;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        chains.checkServerTrusted(chain, authType);
        java.util.Collection<java.util.List<?>> names;
        try {
            names = chain[0].getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new CertificateException("the server certificate's names cannot be read", e);
        }
        boolean named = names != null
                && names.stream()
                        .anyMatch(n -> Integer.valueOf(2).equals(n.get(0))
                                && n.get(1) instanceof String dns
                                && dns.equalsIgnoreCase(fqdn));
        if (!named) {
            throw new CertificateException("the server certificate does not name " + fqdn);
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
        throw new CertificateException("this trust manager checks a service acting as server only");
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
