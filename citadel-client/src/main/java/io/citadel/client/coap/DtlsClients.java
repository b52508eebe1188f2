package io.citadel.client.coap;

import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;

/**
 * CoAP client endpoints over DTLS 1.2 (not started), bound to the given local address (the one toward the
 * target, see {@link ClientEndpoints#localAddressToward}; never the wildcard): with a certificate or a raw public key, the peer
 * presenting a certificate the given trust manager accepts as a server's, or with a pre-shared key. The CSE uses the
 * first for {@code coaps://} notification targets; the AE SDK uses both.
 */
public final class DtlsClients {
    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        CoapOptions.install();
    }

    private DtlsClients() {}

    /** ECDHE-ECDSA (CCM_8 first) with this side's certificate; the server's is checked by {@code certificates.clientTrust()}. */
    public static CoapEndpoint certificate(DtlsCertificates certificates, InetSocketAddress local) {
        Configuration config = clientConfig(DtlsCipherSuites.CERTIFICATE.toArray(CipherSuite[]::new));
        DTLSConnector connector = new DTLSConnector(DtlsConnectorConfig.builder(config)
                .setAddress(local)
                .setCertificateIdentityProvider(new SingleCertificateProvider(
                        certificates.key(),
                        certificates.chain().toArray(X509Certificate[]::new),
                        CertificateType.X_509))
                .setAdvancedCertificateVerifier(new PeerCredentialVerifier(certificates.clientTrust(), null))
                .build());
        return clientOnly(CoapEndpoint.builder()
                .setConfiguration(config)
                .setConnector(connector)
                .build());
    }

    /**
     * ECDHE-ECDSA with a raw public key (RFC 7250) as this side's credential; the server's certificate is
     * checked by {@code serverTrust}.
     */
    public static CoapEndpoint rawPublicKey(KeyPair keys, X509TrustManager serverTrust, InetSocketAddress local) {
        Configuration config = clientConfig(DtlsCipherSuites.CERTIFICATE.toArray(CipherSuite[]::new));
        DTLSConnector connector = new DTLSConnector(DtlsConnectorConfig.builder(config)
                .setAddress(local)
                .setCertificateIdentityProvider(new SingleCertificateProvider(keys.getPrivate(), keys.getPublic()))
                .setAdvancedCertificateVerifier(new PeerCredentialVerifier(serverTrust, null))
                .build());
        return clientOnly(CoapEndpoint.builder()
                .setConfiguration(config)
                .setConnector(connector)
                .build());
    }

    /** PSK (TLS_PSK_WITH_AES_128_CCM_8 first, then CBC_SHA256) with {@code key} for {@code identity}. */
    public static CoapEndpoint psk(String identity, byte[] key, InetSocketAddress local) {
        Configuration config =
                clientConfig(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256);
        DTLSConnector connector = new DTLSConnector(DtlsConnectorConfig.builder(config)
                .setAddress(local)
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, key))
                .build());
        return clientOnly(CoapEndpoint.builder()
                .setConfiguration(config)
                .setConnector(connector)
                .build());
    }

    /** Requests nobody asked for are dropped quietly (see {@link ClientEndpoints#CLIENT_ONLY}). */
    private static CoapEndpoint clientOnly(CoapEndpoint endpoint) {
        endpoint.setMessageDeliverer(ClientEndpoints.CLIENT_ONLY);
        return endpoint;
    }

    private static Configuration clientConfig(CipherSuite... suites) {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        config.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        config.setAsList(DtlsConfig.DTLS_CIPHER_SUITES, suites);
        return config;
    }
}
