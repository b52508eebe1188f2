package io.citadel.mef.http;

import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
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
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The MEF's re-enrolment listener (RFC 7030 §4.2.2): EST over TLS with client certificates issued by the MEF's
 * CA. The enrolee is the one that holds the certificate shown now; an older certificate of it, or one it never
 * held, gets 401 ({@link EstService#simpleReenroll} checks the serial again inside the operation). The MEF
 * proves itself with its FQDN certificate.
 */
public final class ReenrolmentServer implements AutoCloseable {
    private final EstListener listener;

    public ReenrolmentServer(
            InetSocketAddress address,
            EstService est,
            Enrolments enrolments,
            PrivateKey key,
            List<X509Certificate> chain,
            X509Certificate clientCa,
            long handshakeTimeoutMillis)
            throws InterruptedException, SSLException {
        SslContext tls = SslContextBuilder.forServer(key, chain)
                .trustManager(clientCa)
                .clientAuth(ClientAuth.REQUIRE)
                .protocols("TLSv1.3", "TLSv1.2")
                .build();
        listener = new EstListener(
                address,
                est,
                ch -> {
                    SslHandler ssl = tls.newHandler(ch.alloc());
                    ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
                    return ssl;
                },
                ctx -> byCertificate(ctx, enrolments));
    }

    /** The enrolee holding the certificate the client showed in the handshake, with that certificate. */
    static Optional<EstHttpHandler.Enrolee> byCertificate(ChannelHandlerContext ctx, Enrolments enrolments) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        try {
            Certificate[] peer = ssl == null ? null : ssl.engine().getSession().getPeerCertificates();
            if (peer == null || peer.length == 0 || !(peer[0] instanceof X509Certificate cert)) {
                return Optional.empty();
            }
            return enrolments.enroleeHolding(cert.getSerialNumber()).map(id -> new EstHttpHandler.Enrolee(id, cert));
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    public int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
    }
}
