package io.citadel.client.coap;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;

/**
 * The server side of DTLS 1.2 as Citadel runs it, for the CSE's CoAP binding and for an AE's notification
 * receiver: the cipher suites, the connection limits and the check of the client's credential. The CSE adds
 * its pre-shared keys, its guard against guessing and its session watch to the builder.
 */
public final class DtlsServerConfig {
    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        CoapOptions.install();
    }

    private DtlsServerConfig() {}

    /**
     * The DTLS settings on top of {@code base}: server role, the PSK suites when {@code psk}, the certificate
     * suites when {@code certificates} is not null, connection IDs, HelloVerifyRequest, bounded connections and
     * pending handshakes, a client credential required.
     */
    public static Configuration configuration(Configuration base, boolean psk, DtlsCertificates certificates) {
        Configuration config = new Configuration(base);
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
        config.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        List<CipherSuite> suites = new ArrayList<>();
        if (psk) {
            suites.addAll(DtlsCipherSuites.PSK);
        }
        if (certificates != null) {
            suites.addAll(DtlsCipherSuites.CERTIFICATE);
        }
        config.setAsList(DtlsConfig.DTLS_CIPHER_SUITES, suites.toArray(CipherSuite[]::new));
        config.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 6);
        config.set(DtlsConfig.DTLS_USE_HELLO_VERIFY_REQUEST, true);
        config.set(DtlsConfig.DTLS_USE_HELLO_VERIFY_REQUEST_FOR_PSK, true);
        config.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 20_000);
        config.set(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, 30, TimeUnit.MINUTES);
        config.set(DtlsConfig.DTLS_MAX_PENDING_HANDSHAKE_RESULT_JOBS, 256);
        config.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED);
        return config;
    }

    /**
     * A connector configuration (to be completed and built) with {@code config} listening on {@code address},
     * presenting {@code certificates} (when not null) and checking the client's certificate or raw key with them; a
     * client that offers a PSK suite gets one ({@link PskFirstCipherSuiteSelector}).
     */
    public static DtlsConnectorConfig.Builder builder(
            Configuration config, InetSocketAddress address, DtlsCertificates certificates) {
        DtlsConnectorConfig.Builder b = DtlsConnectorConfig.builder(config)
                .setAddress(address)
                .setCipherSuiteSelector(new PskFirstCipherSuiteSelector());
        if (certificates != null) {
            CertificateType[] types = certificates.trustedRawKey() == null
                    ? new CertificateType[] {CertificateType.X_509}
                    : new CertificateType[] {CertificateType.RAW_PUBLIC_KEY, CertificateType.X_509};
            b.setCertificateIdentityProvider(new SingleCertificateProvider(
                    certificates.key(), certificates.chain().toArray(X509Certificate[]::new), types));
            b.setAdvancedCertificateVerifier(
                    new PeerCredentialVerifier(certificates.clientTrust(), certificates.trustedRawKey()));
        }
        return b;
    }

    /**
     * A CoAP server endpoint (not started) over DTLS with {@code certificates} only, requiring a client
     * certificate that their trust manager accepts: an AE's notification receiver.
     */
    public static CoapEndpoint certificateEndpoint(InetSocketAddress address, DtlsCertificates certificates) {
        Configuration config = Configuration.createStandardWithoutFile();
        return CoapEndpoint.builder()
                .setConfiguration(config)
                .setConnector(
                        new DTLSConnector(builder(configuration(config, false, certificates), address, certificates)
                                .build()))
                .build();
    }
}
