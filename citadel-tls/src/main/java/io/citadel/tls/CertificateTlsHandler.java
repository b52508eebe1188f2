package io.citadel.tls;

import io.citadel.credentials.Credential;
import io.citadel.credentials.CredentialStore;
import io.citadel.credentials.SecurityAssociation;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.TlsServer;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Certificate TLS with a required client certificate for one Netty channel, on Bouncy Castle so that the session can
 * export keying material (the JDK's TLS cannot before Java 25): {@link CertificateTlsServer} behind
 * {@link BcTlsHandler}. After the handshake the channel carries the client's validated chain, leaf first
 * ({@link ChannelIdentity#PEER_CERTIFICATES}), the exporter ({@link ChannelIdentity#KEYING_MATERIAL}, with the labels
 * given to {@link #exporting}) and an association of kind certificate whose Credential-ID is {@code 30-<serial in
 * hex>}: it names no AE-ID or CSE-ID (the listener's service decides who the certificate is). The chain is checked
 * once, at the handshake (no revocation list: sessions are short). A failed handshake is one log line.
 */
public final class CertificateTlsHandler extends BcTlsHandler {
    private static final Logger LOG = System.getLogger("citadel.security");

    private final Settings settings;
    private Map<String, Integer> exports = Map.of();
    private CertificateTlsServer server;
    private List<X509Certificate> clientChain;

    private CertificateTlsHandler(Settings settings, long handshakeTimeoutMillis) {
        super(handshakeTimeoutMillis);
        this.settings = settings;
    }

    /** What every connection of one listener shares: the server's key and chain, the trust anchors for clients. */
    public static final class Settings {
        private final List<byte[]> serverChain;
        private final AsymmetricKeyParameter serverKey;
        private final ConstrainedTrustManager clientTrust;

        private Settings(List<byte[]> serverChain, AsymmetricKeyParameter serverKey, List<X509Certificate> anchors) {
            this.serverChain = serverChain;
            this.serverKey = serverKey;
            this.clientTrust = new ConstrainedTrustManager(anchors);
        }

        /**
         * @param key the server certificate's EC private key (P-256)
         * @param chain the server's certificate then its CA chain
         * @param clientAnchors the trust anchors a client's chain must lead to
         * @throws SSLException when the key is not an EC key or a certificate cannot be encoded
         */
        public static Settings of(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> clientAnchors)
                throws SSLException {
            if (chain.isEmpty() || clientAnchors.isEmpty()) {
                throw new SSLException("certificate TLS needs the server's chain and at least one client trust anchor");
            }
            AsymmetricKeyParameter bcKey;
            List<byte[]> der = new java.util.ArrayList<>();
            try {
                bcKey = PrivateKeyFactory.createKey(key.getEncoded());
                for (X509Certificate c : chain) {
                    der.add(c.getEncoded());
                }
            } catch (IOException | CertificateEncodingException | RuntimeException e) {
                throw new SSLException("cannot use the server's key and chain for TLS");
            }
            if (!(bcKey instanceof ECPrivateKeyParameters)) {
                throw new SSLException("the server's key must be an EC (P-256) key");
            }
            return new Settings(List.copyOf(der), bcKey, List.copyOf(clientAnchors));
        }

        /**
         * The check of a client's chain these settings make (anchors with their name constraints, clientAuth when the
         * certificate names its uses), for a DTLS listener of the same service.
         */
        public javax.net.ssl.X509TrustManager clientTrust() {
            return clientTrust;
        }

        /** The handler of one new connection; a handshake that does not complete in time closes it. */
        public CertificateTlsHandler newHandler(long handshakeTimeoutMillis) {
            return new CertificateTlsHandler(this, handshakeTimeoutMillis);
        }
    }

    /**
     * Exports keying material for these labels (→ length) when the handshake completes, for the channel's
     * {@link ChannelIdentity#KEYING_MATERIAL} (a MEF's Ke, TS-0003 §8.3.2.1).
     */
    public CertificateTlsHandler exporting(Map<String, Integer> labels) {
        this.exports = Map.copyOf(labels);
        return this;
    }

    @Override
    protected TlsServer server(BcTlsCrypto crypto, Runnable handshakeDone) {
        server = new CertificateTlsServer(
                crypto, settings.serverChain, settings.serverKey, settings.clientTrust, exports, chain -> {
                    clientChain = chain;
                    handshakeDone.run();
                });
        return server;
    }

    @Override
    protected Optional<SecurityAssociation> association() {
        X509Certificate leaf = clientChain.get(0);
        return Optional.of(new SecurityAssociation(
                "30-" + leaf.getSerialNumber().toString(16), Set.of(), Credential.Kind.CERTIFICATE));
    }

    /** No credential store vouches for a certificate session: nothing announces its end. */
    @Override
    protected CredentialStore<?> store() {
        return null;
    }

    @Override
    protected void established(Channel channel) {
        channel.attr(ChannelIdentity.PEER_CERTIFICATES).set(clientChain);
    }

    @Override
    protected void handshakeFailed(InetSocketAddress peer, IOException cause) {
        String why = server != null && server.refusal() != null ? server.refusal() : reason(cause);
        LOG.log(
                Level.INFO,
                "certificate TLS handshake failed: peer=" + peer.getAddress().getHostAddress() + " reason=" + why);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        super.handlerRemoved(ctx);
        if (server != null) {
            server.wipe(); // exported keying material the session did not use
        }
    }
}
