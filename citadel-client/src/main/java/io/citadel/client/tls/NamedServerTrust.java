package io.citadel.client.tls;

import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * For a TLS client of a server known by its FQDN (a MEF, a MAF, a device's CSE): the server's chain must pass
 * {@code chains} and its certificate must name that FQDN (dNSName), whatever address it is reached at (certificates
 * of the oneM2M profile name no IP address).
 */
public final class NamedServerTrust extends ServerTrust {
    private final String fqdn;

    public NamedServerTrust(X509TrustManager chains, String fqdn) {
        super(chains);
        this.fqdn = fqdn;
    }

    @Override
    protected void checkNames(X509Certificate server) throws CertificateException {
        Collection<List<?>> names;
        try {
            names = server.getSubjectAlternativeNames();
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
}
