package io.citadel.binding.coap;

import io.citadel.client.coap.CoapOptions;
import io.citadel.client.coap.DtlsCertificates;
import io.citadel.client.coap.DtlsServerConfig;
import io.citadel.credentials.CredentialStore;
import io.citadel.engine.pipeline.InboundPort;
import io.citadel.tls.dtls.DtlsHandshakeGuard;
import io.citadel.tls.dtls.DtlsPskStore;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
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

/**
 * The oneM2M CoAP binding (TS-0008) on Eclipse Californium: plain CoAP and CoAP over DTLS 1.2 (Scandium)
 * with pre-shared keys from the CSE's credential store and, when configured, certificates and raw public keys. Block-wise
 * transfers (RFC 7959) are Californium's; payloads are bounded by {@link CoapSettings#maxBodyBytes()}.
 */
public final class CoapBinding implements AutoCloseable {

    /**
     * The DTLS side: PSK keys by identity (or null), this CSE's certificate with the check of client
     * certificates and raw public keys (or null), the identity look-up for each request, the guard against
     * online guessing of the pre-shared keys (failed handshakes per peer address; null for none), and the
     * credential stores whose revocations end the live sessions their credentials proved, and what fetches a key
     * held elsewhere before it is looked up (a MEF's or MAF's; null for none).
     */
    public record Dtls(
            Function<String, Optional<byte[]>> pskKeys,
            DtlsCertificates certificates,
            PeerIdentities identities,
            io.citadel.security.HandshakeThrottle throttle,
            List<CredentialStore<?>> stores,
            io.citadel.credentials.PskPrefetch pskPrefetch) {
        public Dtls {
            stores = List.copyOf(stores);
        }

        public Dtls(
                Function<String, Optional<byte[]>> pskKeys,
                DtlsCertificates certificates,
                PeerIdentities identities,
                io.citadel.security.HandshakeThrottle throttle,
                List<CredentialStore<?>> stores) {
            this(pskKeys, certificates, identities, throttle, stores, null);
        }

        /** Without a guard against online guessing (no pre-shared keys to guess) and without stores to listen to. */
        public Dtls(
                Function<String, Optional<byte[]>> pskKeys, DtlsCertificates certificates, PeerIdentities identities) {
            this(pskKeys, certificates, identities, null, List.of());
        }
    }

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
    private final DtlsSessionWatch watch;

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
            plainEndpoint = CoapEndpoint.builder()
                    .setConfiguration(config)
                    .setDataSerializerAndParser(new UdpDataSerializer(), MalformedRequests.parser())
                    .setInetSocketAddress(new InetSocketAddress(settings.host(), settings.port()))
                    .build();
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
            connector = new DTLSConnector(
                    dtlsConfig(config, new InetSocketAddress(settings.host(), settings.securePort()), dtls, watch));
            secureEndpoint = CoapEndpoint.builder()
                    .setConfiguration(config)
                    .setConnector(connector)
                    .setDataSerializerAndParser(new UdpDataSerializer(), MalformedRequests.parser())
                    .build();
            secureEndpoint.addInterceptor(MalformedRequests.answers());
            server.addEndpoint(secureEndpoint);
        }
        this.plain = plainEndpoint;
        this.secure = secureEndpoint;
        DTLSConnector sessions = connector;
        if (watch != null) {
            watch.start(dtls.stores(), sessions::close);
        }
        this.watch = watch;
        server.setMessageDeliverer(
                new OneM2mDeliverer(port, timer, dtls == null ? PeerIdentities.NONE : dtls.identities(), peer -> {
                    if (sessions != null && peer != null) {
                        sessions.close(peer);
                    }
                }));
        server.start();
    }

    private static DtlsConnectorConfig dtlsConfig(
            Configuration base, InetSocketAddress address, Dtls dtls, DtlsSessionWatch watch) {
        Configuration config = DtlsServerConfig.configuration(base, dtls.pskKeys() != null, dtls.certificates());
        DtlsConnectorConfig.Builder b = DtlsServerConfig.builder(config, address, dtls.certificates());
        if (watch != null) {
            b.setConnectionListener(watch);
        }
        DtlsHandshakeGuard guard = dtls.throttle() == null ? null : new DtlsHandshakeGuard(dtls.throttle());
        if (guard != null) {
            b.setSessionListener(guard.sessions());
            b.setDatagramFilter(guard.filter(config));
        }
        if (dtls.pskKeys() != null) {
            b.setAdvancedPskStore(new DtlsPskStore(
                    dtls.pskKeys(),
                    guard == null ? cid -> true : guard::admitsKeyLookup,
                    dtls.pskPrefetch(),
                    guard == null ? (cid, id) -> {} : guard::noKey,
                    guard == null ? cid -> null : guard::peerOf));
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
        if (watch != null) {
            watch.stop();
        }
        server.stop();
        server.destroy();
        timer.shutdownNow();
    }
}
