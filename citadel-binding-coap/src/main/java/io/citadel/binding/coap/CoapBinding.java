package io.citadel.binding.coap;

import io.citadel.engine.pipeline.InboundPort;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;

/**
 * The oneM2M CoAP binding (TS-0008) on Eclipse Californium: plain CoAP and CoAP over DTLS 1.2 (Scandium)
 * with pre-shared keys from the CSE's credential store and, when configured, certificates and raw public keys. Block-wise
 * transfers (RFC 7959) are Californium's; payloads are bounded by {@link CoapSettings#maxBodyBytes()}.
 */
public final class CoapBinding implements AutoCloseable {

    /**
     * The DTLS side: PSK keys by identity (or null), this CSE's certificate with the check of client
     * certificates (or null), the identity look-up for each request, and the guard against online guessing
     * of the pre-shared keys (failed handshakes per peer address; null for none).
     */
    public record Dtls(Function<String, Optional<byte[]>> pskKeys, Certificates certificates, PeerIdentities identities,
                       io.citadel.security.HandshakeThrottle throttle) {
        /** Without a guard against online guessing (no pre-shared keys to guess). */
        public Dtls(Function<String, Optional<byte[]>> pskKeys, Certificates certificates, PeerIdentities identities) {
            this(pskKeys, certificates, identities, null);
        }
    }

    /**
     * This CSE's private key and chain, the trust manager client certificates must satisfy, and the test of
     * a client's raw public key (DER SubjectPublicKeyInfo; null to refuse RFC 7250 keys). With raw keys, this
     * CSE presents its certificate's public key alone to clients that ask for a raw key.
     */
    public record Certificates(PrivateKey key, List<X509Certificate> chain, X509TrustManager clientTrust,
                               Predicate<byte[]> trustedRawKey) {
    }

    /**
     * The suites TS-0003 §10.2.1 asks for on DTLS: the PSK ones (CCM_8 and CBC_SHA256, which Scandium's
     * recommended-only filter would drop, so that filter is off on purpose) and ECDHE-PSK; with a
     * certificate, ECDHE-ECDSA with AES-128-CCM_8 (TS-0003's certificate suite for DTLS), GCM and CBC-SHA256.
     * No NULL or export suite is ever listed.
     */
    static final List<CipherSuite> PSK_SUITES = List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
            CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256);
    static final List<CipherSuite> CERTIFICATE_SUITES = List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256);

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        CoapOptions.install();
    }

    private final CoapServer server;
    private final ScheduledExecutorService timer;
    private final Endpoint plain;
    private final Endpoint secure;

    /**
     * @param port where decoded requests go (the caller opens it with the pool size of {@code settings} and
     *     closes it after this binding)
     */
    public CoapBinding(InboundPort port, CoapSettings settings, Dtls dtls) {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, settings.maxBodyBytes());
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 2);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "citadel-coap-timer");
            t.setDaemon(true);
            return t;
        });
        this.server = new CoapServer(config);
        Endpoint plainEndpoint = null;
        if (settings.port() != null) {
            plainEndpoint = CoapEndpoint.builder().setConfiguration(config)
                    .setDataSerializerAndParser(new UdpDataSerializer(), MalformedRequests.parser())
                    .setInetSocketAddress(new InetSocketAddress(settings.host(), settings.port())).build();
            plainEndpoint.addInterceptor(MalformedRequests.answers());
            server.addEndpoint(plainEndpoint);
        }
        DTLSConnector connector = null;
        DtlsSessionWatch watch = null;
        Endpoint secureEndpoint = null;
        if (settings.securePort() != null) {
            if (dtls == null) {
                throw new IllegalArgumentException("a DTLS port needs pre-shared keys or a certificate");
            }
            watch = new DtlsSessionWatch(dtls.identities());
            connector = new DTLSConnector(dtlsConfig(config, new InetSocketAddress(settings.host(), settings.securePort()), dtls,
                    watch));
            secureEndpoint = CoapEndpoint.builder().setConfiguration(config).setConnector(connector)
                    .setDataSerializerAndParser(new UdpDataSerializer(), MalformedRequests.parser()).build();
            secureEndpoint.addInterceptor(MalformedRequests.answers());
            server.addEndpoint(secureEndpoint);
        }
        this.plain = plainEndpoint;
        this.secure = secureEndpoint;
        DTLSConnector sessions = connector;
        if (watch != null) {
            watch.start(timer, sessions::close);
        }
        server.setMessageDeliverer(new OneM2mDeliverer(port, timer,
                dtls == null ? PeerIdentities.NONE : dtls.identities(), peer -> {
                    if (sessions != null && peer != null) {
                        sessions.close(peer);
                    }
                }));
        server.start();
    }

    /**
     * A CoAP server endpoint (not started) over DTLS with {@code certificates} only, requiring a client
     * certificate that their trust manager accepts: an AE's notification receiver (the AE SDK's).
     */
    public static CoapEndpoint certificateServerEndpoint(InetSocketAddress address, Certificates certificates) {
        Configuration config = Configuration.createStandardWithoutFile();
        return CoapEndpoint.builder().setConfiguration(config).setConnector(new DTLSConnector(
                dtlsConfig(config, address, new Dtls(null, certificates, PeerIdentities.NONE), null))).build();
    }

    private static DtlsConnectorConfig dtlsConfig(Configuration base, InetSocketAddress address, Dtls dtls,
                                                  DtlsSessionWatch watch) {
        Configuration config = new Configuration(base);
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
        config.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        List<CipherSuite> suites = new java.util.ArrayList<>();
        if (dtls.pskKeys() != null) {
            suites.addAll(PSK_SUITES);
        }
        if (dtls.certificates() != null) {
            suites.addAll(CERTIFICATE_SUITES);
        }
        config.setAsList(DtlsConfig.DTLS_CIPHER_SUITES, suites.toArray(CipherSuite[]::new));
        config.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 6);
        config.set(DtlsConfig.DTLS_USE_HELLO_VERIFY_REQUEST, true);
        config.set(DtlsConfig.DTLS_USE_HELLO_VERIFY_REQUEST_FOR_PSK, true);
        config.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 20_000);
        config.set(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, 30, TimeUnit.MINUTES);
        config.set(DtlsConfig.DTLS_MAX_PENDING_HANDSHAKE_RESULT_JOBS, 256);
        config.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED);
        DtlsConnectorConfig.Builder b = DtlsConnectorConfig.builder(config).setAddress(address);
        if (watch != null) {
            b.setConnectionListener(watch);
        }
        DtlsHandshakeGuard guard = dtls.throttle() == null ? null : new DtlsHandshakeGuard(dtls.throttle());
        if (guard != null) {
            b.setSessionListener(guard.sessions());
            b.setDatagramFilter(guard.filter(config));
        }
        if (dtls.pskKeys() != null) {
            b.setAdvancedPskStore(new DtlsPskStore(dtls.pskKeys(), guard == null ? cid -> true : guard::admitsKeyLookup));
        }
        if (dtls.certificates() != null) {
            Certificates c = dtls.certificates();
            CertificateType[] types = c.trustedRawKey() == null ? new CertificateType[] {CertificateType.X_509}
                    : new CertificateType[] {CertificateType.RAW_PUBLIC_KEY, CertificateType.X_509};
            b.setCertificateIdentityProvider(new SingleCertificateProvider(c.key(), c.chain().toArray(X509Certificate[]::new), types));
            b.setAdvancedCertificateVerifier(new PeerCredentialVerifier(c.clientTrust(), c.trustedRawKey()));
        }
        return b.build();
    }

    /** The plain CoAP port, or -1 when there is none. */
    public int port() {
        return plain == null ? -1 : plain.getAddress().getPort();
    }

    /** The DTLS port, or -1 when there is none. */
    public int securePort() {
        return secure == null ? -1 : secure.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop();
        server.destroy();
        timer.shutdownNow();
    }
}
