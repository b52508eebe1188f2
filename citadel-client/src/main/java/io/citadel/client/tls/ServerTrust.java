package io.citadel.client.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A trust manager for the client side of TLS that decides by what the server's certificate names, not by the address
 * connected to: the chain is checked by {@code chains}, then {@link #checkNames} by the subclass. The JDK's own
 * endpoint identification is not applied (this manager replaces it). It checks servers only.
 */
public abstract class ServerTrust extends X509ExtendedTrustManager {
    private final X509TrustManager chains;

    protected ServerTrust(X509TrustManager chains) {
        this.chains = chains;
    }

    /** Refuses a server whose (chain-checked) certificate does not name the peer expected. */
    protected abstract void checkNames(X509Certificate server) throws CertificateException;

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        chains.checkServerTrusted(chain, authType);
        checkNames(chain[0]);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager checks servers only");
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public final X509Certificate[] getAcceptedIssuers() {
        return chains.getAcceptedIssuers();
    }
}
