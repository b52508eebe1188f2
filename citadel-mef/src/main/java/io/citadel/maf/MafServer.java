package io.citadel.maf;

import io.citadel.credentials.KeyDerivation;
import io.citadel.credentials.PskStore;
import io.citadel.credentials.SecurityAssociation;
import io.citadel.mef.http.ServiceListener;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.CertificateTls;
import io.citadel.tls.ChannelIdentity;
import io.citadel.tls.PskTlsHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;

/**
 * The M2M Authentication Function as a service (TS-0003 §8.8): the MAF handshake over TLS-PSK with a client's Km
 * ({@code psk_identity} = KmID; the session exports Kc) and over TLS with certificates (a CSE retrieving keys with its
 * CSE certificate, under {@code clientTrust}); both serve the key procedures of {@link MafHttpHandler}. The client is
 * the one AE-ID or CSE-ID its handshake proved.
 */
public final class MafServer implements AutoCloseable {
    private final ServiceListener psk;
    private final ServiceListener certificates;

    public MafServer(
            InetSocketAddress pskAddress,
            InetSocketAddress certificateAddress,
            MafKeys keys,
            MafClients clients,
            String fqdn,
            PskStore clientKeys,
            HandshakeThrottle throttle,
            PrivateKey key,
            List<X509Certificate> chain,
            List<X509Certificate> clientTrust,
            String spDomain,
            long handshakeTimeoutMillis)
            throws InterruptedException, SSLException {
        UnaryOperator<String> asIs = UnaryOperator.identity();
        psk = new ServiceListener(
                pskAddress,
                ch -> new PskTlsHandler(clientKeys, throttle, asIs, handshakeTimeoutMillis)
                        .exporting(Map.of(KeyDerivation.CONNECTION_EXPORTER, KeyDerivation.EXPORT_LENGTH)),
                worker -> new MafHttpHandler(keys, clients, fqdn, worker, MafServer::byKey));
        ServiceListener second = null;
        try {
            SslContext tls = SslContextBuilder.forServer(key, chain)
                    .trustManager(clientTrust)
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
            second = new ServiceListener(
                    certificateAddress,
                    ch -> {
                        SslHandler ssl = tls.newHandler(ch.alloc());
                        ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
                        return ssl;
                    },
                    worker -> new MafHttpHandler(keys, clients, fqdn, worker, ctx -> byCertificate(ctx, spDomain)));
        } finally {
            certificates = second;
            if (second == null) {
                psk.close();
            }
        }
    }

    /** The one originator the client's Km is bound to. */
    static Optional<String> byKey(ChannelHandlerContext ctx) {
        SecurityAssociation sa = ctx.channel().attr(ChannelIdentity.ASSOCIATION).get();
        return sa == null || sa.identities().size() != 1
                ? Optional.empty()
                : Optional.of(sa.identities().iterator().next());
    }

    /** The one AE-ID or CSE-ID the client certificate names, SP-relative when in this SP ({@code /id-in}). */
    static Optional<String> byCertificate(ChannelHandlerContext ctx, String spDomain) {
        try {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            Certificate[] peer = ssl == null ? null : ssl.engine().getSession().getPeerCertificates();
            if (peer == null || peer.length == 0 || !(peer[0] instanceof X509Certificate cert)) {
                return Optional.empty();
            }
            String absolute = "//" + spDomain + "/";
            SecurityAssociation sa = CertificateTls.identityOf(
                    cert, spDomain, id -> id.startsWith(absolute) ? id.substring(absolute.length() - 1) : id);
            return sa.identities().size() == 1
                    ? Optional.of(sa.identities().iterator().next())
                    : Optional.empty();
        } catch (javax.net.ssl.SSLPeerUnverifiedException | java.security.cert.CertificateParsingException e) {
            return Optional.empty();
        }
    }

    public int pskPort() {
        return psk.port();
    }

    public int certificatePort() {
        return certificates.port();
    }

    @Override
    public void close() {
        psk.close();
        if (certificates != null) {
            certificates.close();
        }
    }
}
