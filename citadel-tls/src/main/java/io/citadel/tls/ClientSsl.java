package io.citadel.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS client socket factory (TLS 1.3 and 1.2 only) for clients that take one, such as Paho's MQTT client:
 * the server must chain to the given PEM trust anchors (the JDK's when none), and the client shows its
 * PEM certificate when one is given.
 */
public final class ClientSsl {
    /** The protocol versions a client offers: TLS 1.3 and 1.2. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ClientSsl() {}

    /**
     * @param certificate PEM chain of this client, or null for none (then {@code key} is ignored)
     * @param key unencrypted PEM private key of this client
     * @param trustAnchors PEM file of trusted CA certificates, or null for the JDK's
     */
    public static SSLSocketFactory socketFactory(Path certificate, Path key, Path trustAnchors) {
        SSLContext context = context(
                certificate == null ? null : PemKeys.privateKey(key),
                certificate == null ? List.of() : PemKeys.chain(certificate),
                trustAnchors == null ? null : PemKeys.chain(trustAnchors));
        return new ProtocolLimitedFactory(context.getSocketFactory(), PROTOCOLS);
    }

    /**
     * A TLS client context showing {@code chain} (none when {@code key} is null) and trusting
     * {@code trustAnchors} (the JDK's when null); for clients that take a context (the JDK's HTTP and
     * WebSocket clients). Protocol versions are the caller's to limit ({@link #PROTOCOLS}).
     */
    public static SSLContext context(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustAnchors) {
        try {
            KeyManagerFactory kmf = null;
            if (key != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                char[] transientPassword = new char[0];
                ks.setKeyEntry("client", key, transientPassword, chain.toArray(X509Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, transientPassword);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    kmf == null ? null : kmf.getKeyManagers(),
                    trustAnchors == null ? null : new javax.net.ssl.TrustManager[] {trustManager(trustAnchors)},
                    null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("TLS client configuration unusable: " + e.getMessage());
        }
    }

    /** A trust manager that accepts what chains to {@code trustAnchors} (PKIX, no name checks: the caller's). */
    public static javax.net.ssl.X509TrustManager trustManager(List<X509Certificate> trustAnchors) {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (X509Certificate ca : trustAnchors) {
                ts.setCertificateEntry("anchor-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            return (javax.net.ssl.X509TrustManager) tmf.getTrustManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("trust anchors unusable: " + e.getMessage());
        }
    }

    /** Restricts every socket it makes to the given protocol versions. */
    private static final class ProtocolLimitedFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final String[] protocols;

        ProtocolLimitedFactory(SSLSocketFactory delegate, String[] protocols) {
            this.delegate = delegate;
            this.protocols = protocols;
        }

        private java.net.Socket limit(java.net.Socket s) {
            if (s instanceof javax.net.ssl.SSLSocket ssl) {
                ssl.setEnabledProtocols(protocols);
            }
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public java.net.Socket createSocket() throws IOException {
            return limit(delegate.createSocket());
        }

        @Override
        public java.net.Socket createSocket(java.net.Socket s, String host, int port, boolean autoClose)
                throws IOException {
            return limit(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return limit(delegate.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort)
                throws IOException {
            return limit(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            return limit(delegate.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(
                java.net.InetAddress address, int port, java.net.InetAddress localAddress, int localPort)
                throws IOException {
            return limit(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
