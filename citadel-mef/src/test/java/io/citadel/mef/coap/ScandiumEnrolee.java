package io.citadel.mef.coap;

import io.citadel.client.coap.PeerCredentialVerifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;

/**
 * A constrained device in the tests: a Scandium DTLS client with a bootstrap key (from a given loopback address) or a
 * certificate, that can export keying material from its session, as a device does for the enrolment exchange.
 */
final class ScandiumEnrolee implements AutoCloseable {
    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private final DTLSConnector connector;
    private final CoapEndpoint endpoint;
    private final InetSocketAddress mef;

    /**
     * @param quickToGiveUp a handshake the MEF refuses ends after 0.2 + 0.4 + 0.8 + 1.6 s of retransmissions instead
     *                      of Scandium's half minute (for clients that are meant to fail)
     */
    ScandiumEnrolee(String identity, byte[] key, String localAddress, int mefPort, boolean quickToGiveUp)
            throws Exception {
        this(
                CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
                b -> b.setAdvancedPskStore(new AdvancedSinglePskStore(identity, key)),
                localAddress,
                mefPort,
                quickToGiveUp);
    }

    /**
     * A device proved by a certificate ({@code chain}, leaf first, for {@code key}): a manufacturer's, or one the MEF
     * issued; the MEF's certificate must chain to {@code mefCa}.
     */
    static ScandiumEnrolee withCertificate(
            PrivateKey key, List<X509Certificate> chain, X509Certificate mefCa, int mefPort, boolean quickToGiveUp)
            throws Exception {
        return withCertificate(key, chain, mefCa, "127.0.0.1", mefPort, quickToGiveUp);
    }

    /** As above, from {@code localAddress}. */
    static ScandiumEnrolee withCertificate(
            PrivateKey key,
            List<X509Certificate> chain,
            X509Certificate mefCa,
            String localAddress,
            int mefPort,
            boolean quickToGiveUp)
            throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("mef-ca", mefCa);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(anchors);
        X509TrustManager trust = (X509TrustManager) tmf.getTrustManagers()[0];
        return new ScandiumEnrolee(
                CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
                b -> b.setCertificateIdentityProvider(new SingleCertificateProvider(
                                key, chain.toArray(X509Certificate[]::new), CertificateType.X_509))
                        .setAdvancedCertificateVerifier(new PeerCredentialVerifier(trust, null)),
                localAddress,
                mefPort,
                quickToGiveUp);
    }

    private ScandiumEnrolee(
            CipherSuite suite,
            java.util.function.Consumer<DtlsConnectorConfig.Builder> credential,
            String localAddress,
            int mefPort,
            boolean quickToGiveUp)
            throws Exception {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        config.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        config.setAsList(DtlsConfig.DTLS_CIPHER_SUITES, suite);
        config.set(DtlsConfig.DTLS_SUPPORT_KEY_MATERIAL_EXPORT, true);
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, 64 * 1024);
        if (quickToGiveUp) {
            config.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 200, TimeUnit.MILLISECONDS);
            config.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 3);
        }
        DtlsConnectorConfig.Builder b = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        credential.accept(b);
        connector = new DTLSConnector(b.build());
        endpoint = CoapEndpoint.builder()
                .setConfiguration(config)
                .setConnector(connector)
                .build();
        endpoint.start();
        mef = new InetSocketAddress(InetAddress.getLoopbackAddress(), mefPort);
    }

    /** Sends {@code request} to {@code path} at the MEF; its response, or null when none came (no session). */
    Response send(Request request, String path) throws InterruptedException {
        request.setURI("coaps://127.0.0.1:" + mef.getPort() + path);
        endpoint.sendRequest(request);
        Response r = request.waitForResponse(60_000);
        if (r == null && request.getSendError() == null && !request.isTimedOut()) {
            throw new AssertionError("no response and no error within 60 s");
        }
        return r;
    }

    Response get(String path) throws InterruptedException {
        return send(Request.newGet(), path);
    }

    /** The 48 bytes this side of the current session exports with {@code label} (RFC 5705, no context value). */
    byte[] export(String label) {
        DTLSContext context = connector.getDtlsContextByAddress(mef);
        return context.exportKeyMaterial(label.getBytes(StandardCharsets.US_ASCII), null, 48);
    }

    @Override
    public void close() {
        endpoint.destroy();
    }
}
