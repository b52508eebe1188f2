package io.citadel.client.device;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The TLS context of a device towards a server known by its FQDN (the MEF, its CSE). */
final class DeviceTls {
    private DeviceTls() {}

    /** Trusting servers whose certificate chains to {@code anchors} and names {@code fqdn} (TLS and DTLS alike). */
    static X509TrustManager trust(List<X509Certificate> anchors, String fqdn) {
        return new io.citadel.client.tls.NamedServerTrust(pkix(anchors), fqdn);
    }

    /** PKIX path validation to {@code anchors} (no name check of its own). */
    static X509TrustManager pkix(List<X509Certificate> anchors) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, new char[0]);
            for (int i = 0; i < anchors.size(); i++) {
                trusted.setCertificateEntry("anchor-" + i, anchors.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trusted);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("no PKIX trust manager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up the trust anchors: " + e.getMessage(), e);
        }
    }

    /** TLS 1.3/1.2 with {@code key} and {@code chain} as client certificate, trusting servers that name {@code fqdn}. */
    static SSLContext context(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> anchors, String fqdn) {
        try {
            SSLContext tls = SSLContext.getInstance("TLSv1.3");
            tls.init(
                    new javax.net.ssl.KeyManager[] {new OneKey(key, chain)},
                    new TrustManager[] {trust(anchors, fqdn)},
                    new SecureRandom());
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up certificate TLS: " + e.getMessage(), e);
        }
    }

    /**
     * The device's one key and chain as TLS client credentials, wherever the key is (in memory, or a PKCS#11 token's
     * handle: it is never copied into a key store).
     */
    private static final class OneKey extends javax.net.ssl.X509ExtendedKeyManager {
        private static final String ALIAS = "device";
        private final PrivateKey key;
        private final X509Certificate[] chain;

        OneKey(PrivateKey key, List<X509Certificate> chain) {
            this.key = key;
            this.chain = chain.toArray(X509Certificate[]::new);
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(
                String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return new String[0];
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }
}
