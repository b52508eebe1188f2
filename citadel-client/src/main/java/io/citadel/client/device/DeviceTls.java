package io.citadel.client.device;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The TLS context of a device towards a server known by its FQDN (the MEF, its CSE). */
final class DeviceTls {
    private DeviceTls() {}

    /** Trusting servers whose certificate chains to {@code anchors} and names {@code fqdn} (TLS and DTLS alike). */
    static X509TrustManager trust(List<X509Certificate> anchors, String fqdn) {
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
                    return new io.citadel.client.tls.NamedServerTrust(x, fqdn);
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
            char[] none = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, none);
            keys.setKeyEntry("device", key, none, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, none);
            SSLContext tls = SSLContext.getInstance("TLSv1.3");
            tls.init(kmf.getKeyManagers(), new TrustManager[] {trust(anchors, fqdn)}, new SecureRandom());
            return tls;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up certificate TLS: " + e.getMessage(), e);
        }
    }
}
