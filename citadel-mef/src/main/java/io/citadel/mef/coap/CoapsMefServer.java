package io.citadel.mef.coap;

import io.citadel.client.coap.DtlsCertificates;
import io.citadel.client.coap.DtlsServerConfig;
import io.citadel.credentials.PskStore;
import io.citadel.mef.est.EstService;
import io.citadel.mef.http.CertificateEnrolees;
import io.citadel.mef.http.KeyRoutes;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.KeyingMaterial;
import io.citadel.tls.dtls.DtlsHandshakeGuard;
import io.citadel.tls.dtls.DtlsPskStore;
import io.citadel.tls.dtls.PeerLimitedConnectionStore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.DtlsEndpointContext;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.DTLSContext;

/**
 * The MEF's listener for constrained devices (TS-0003 §8.3.2, both RSPFs over DTLS): CoAP over DTLS 1.2 with
 * pre-shared keys (the bootstrap keys, KpmID as psk_identity) and, when given {@link Certificates}, with certificates
 * (a device's manufacturer certificate, or one the MEF issued, checked as on the TLS certificate listener: same
 * anchors, name constraints, clientAuth), with the suites and connection limits of the CSE's CoAP binding
 * ({@link DtlsServerConfig}); EST over CoAP (RFC 9148), the enrolment exchange, MEF client registration and the key
 * procedures ({@link MefCoapDeliverer}). Failed handshakes count against the peer's address in the same
 * {@link HandshakeThrottle} as the TLS-PSK listener's; a peer address holds at most 16 connections (64 for loopback),
 * a new one replacing its least recently used ({@link PeerLimitedConnectionStore}), within Scandium's 20,000 with
 * HelloVerifyRequest and bounded handshake jobs. Block-wise transfers (RFC 7959) are Californium's, bounded to
 * {@link #MAX_BODY} bytes per request, and an upload must be completed within 30 s. The work runs on two workers with a
 * queue of 256 (then 5.03), as on the HTTP listeners.
 */
public final class CoapsMefServer implements AutoCloseable {
    /** The largest request body, as on the HTTP listener. */
    static final int MAX_BODY = 32 * 1024;

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private final ThreadPoolExecutor worker =
            new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256));
    private final DTLSConnector connector;
    private final CoapServer server;
    private final CoapEndpoint endpoint;

    /**
     * The certificate side of the listener: the MEF's FQDN certificate and the check of a client's chain
     * ({@link DtlsCertificates}, raw public keys refused), and who a checked chain proves.
     */
    public record Certificates(DtlsCertificates dtls, CertificateEnrolees enrolees) {}

    /** A listener for bootstrap keys only (DTLS-PSK). */
    public CoapsMefServer(
            InetSocketAddress address,
            EstService est,
            KeyRoutes keys,
            PskStore bootstrapKeys,
            HandshakeThrottle throttle,
            Clock clock) {
        this(address, est, keys, bootstrapKeys, null, throttle, clock);
    }

    /**
     * Listens on {@code address} (port 0: any free one).
     *
     * @param bootstrapKeys the KpmID → Kpm keys of the devices that may enrol
     * @param certificates  the certificate suites' side (a device's manufacturer certificate, a certificate the MEF
     *                      issued), or null for bootstrap keys only
     * @param throttle      the guard against PSK guessing, shared with the TLS-PSK listener
     */
    public CoapsMefServer(
            InetSocketAddress address,
            EstService est,
            KeyRoutes keys,
            PskStore bootstrapKeys,
            Certificates certificates,
            HandshakeThrottle throttle,
            Clock clock) {
        if (certificates != null && certificates.dtls().trustedRawKey() != null) {
            throw new IllegalArgumentException("the MEF takes no raw public keys");
        }
        DtlsCertificates dtlsCertificates = certificates == null ? null : certificates.dtls();
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, MAX_BODY);
        config.set(CoapConfig.BLOCKWISE_STATUS_LIFETIME, 30, TimeUnit.SECONDS);
        // block-wise uploads under way (each up to MAX_BODY) and message-ID state: bounded
        config.set(CoapConfig.MAX_ACTIVE_PEERS, 1024);
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 2);
        Configuration dtls = DtlsServerConfig.configuration(config, true, dtlsCertificates);
        dtls.set(DtlsConfig.DTLS_SUPPORT_KEY_MATERIAL_EXPORT, true); // the enrolment exchange's Ke
        DtlsHandshakeGuard guard = new DtlsHandshakeGuard(throttle);
        DtlsConnectorConfig.Builder b = DtlsServerConfig.builder(dtls, address, dtlsCertificates)
                .setSessionListener(guard.sessions())
                .setDatagramFilter(guard.filter(dtls))
                .setAdvancedPskStore(new DtlsPskStore(
                        id -> bootstrapKeys.key(id, clock.instant()), guard::admitsKeyLookup, null, guard::noKey));
        // 16 connections per peer address (64 for loopback), as on the TCP listeners; a new one replaces the peer's
        // least recently used
        this.connector = PeerLimitedConnectionStore.connector(b.build(), 16, 64);
        this.endpoint = CoapEndpoint.builder()
                .setConfiguration(config)
                .setConnector(connector)
                .build();
        endpoint.addInterceptor(new LibraryAnswers(MAX_BODY));
        this.server = new CoapServer(config);
        server.addEndpoint(endpoint);
        server.setMessageDeliverer(new MefCoapDeliverer(
                new EstOverCoap(est),
                keys,
                bootstrapKeys,
                certificates == null ? null : certificates.enrolees(),
                this::session,
                worker,
                clock));
        try {
            server.start();
        } catch (RuntimeException e) { // Californium's text says which endpoint; ours says where
            close();
            throw new IllegalStateException("cannot listen for CoAPS on UDP " + address, e);
        }
    }

    /**
     * The keying material of the DTLS session a request came in (RFC 5705 without a context value), or null when the
     * peer's current session is another one (a new handshake since) or none.
     */
    private KeyingMaterial session(EndpointContext source) {
        if (source == null) {
            return null;
        }
        DTLSContext context = connector.getDtlsContextByAddress(source.getPeerAddress());
        Long handshake = source.get(DtlsEndpointContext.KEY_HANDSHAKE_TIMESTAMP);
        Bytes sessionId = source.get(DtlsEndpointContext.KEY_SESSION_ID);
        if (context == null
                || handshake == null
                || handshake != context.getLastHandshakeTime()
                || (sessionId != null
                        && !Arrays.equals(
                                sessionId.getBytes(),
                                context.getSession().getSessionIdentifier().getBytes()))) {
            return null;
        }
        return (label, length) -> context.exportKeyMaterial(label.getBytes(StandardCharsets.US_ASCII), null, length);
    }

    /** The UDP port it listens on. */
    public int port() {
        return endpoint.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop();
        server.destroy();
        worker.shutdownNow();
    }
}
