package io.citadel.tls;

import io.citadel.credentials.CertificateCredential;
import io.citadel.credentials.SecurityAssociation;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The Certificate-Based SAEF on TCP (TS-0003 §8.2.2.2): TLS 1.3 and 1.2 with ECDHE-ECDSA (the oneM2M-mandatory
 * TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 and AEAD suites), client certificates validated against the
 * configured trust anchors with RFC 5280 path validation (name constraints included). The client
 * certificate's subjectAltName becomes the session's identity (digest §3.6): an AE-ID URI
 * ({@code onem2m://sp/cse/ae} or {@code //sp/cse/ae}) or a CSE-ID dNSName ({@code <cse>.<sp-domain>}).
 */
public final class CertificateTls {
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");

    static {
        // client-initiated TLS 1.2 renegotiation is a CPU DoS vector (testssl: "Secure Client-Initiated
        // Renegotiation VULNERABLE"); the JDK reads this before its first TLS context
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }

    private CertificateTls() {}

    /**
     * @param chain PEM: this CSE's certificate then its CA chain
     * @param key PEM: PKCS#8 private key (encrypted when {@code keyPassword} is given)
     * @param spDomain this SP's domain (e.g. {@code citadel.example}), to read CSE-ID dNSNames
     */
    public static Supplier<ChannelHandler> server(
            File chain,
            File key,
            String keyPassword,
            ClientAuthentication auth,
            String spDomain,
            UnaryOperator<String> normalize,
            long handshakeTimeoutMillis)
            throws SSLException {
        return handlers(
                SslContextBuilder.forServer(chain, key, keyPassword),
                auth,
                spDomain,
                normalize,
                handshakeTimeoutMillis);
    }

    /**
     * The same with the server key held by a key vault (e.g. a PKCS#11 token: the TLS signature is computed
     * in the token, the key never leaves it).
     */
    public static Supplier<ChannelHandler> server(
            javax.net.ssl.KeyManagerFactory keys,
            ClientAuthentication auth,
            String spDomain,
            UnaryOperator<String> normalize,
            long handshakeTimeoutMillis)
            throws SSLException {
        return handlers(SslContextBuilder.forServer(keys), auth, spDomain, normalize, handshakeTimeoutMillis);
    }

    /**
     * Several server identities on one port chosen by SNI (RFC 6066): {@code names} maps a host name to its
     * PEM chain and key; a client that sends no or an unknown name gets {@code defaultChain}/{@code defaultKey}.
     */
    public static Supplier<ChannelHandler> serverWithSni(
            File defaultChain,
            File defaultKey,
            String keyPassword,
            java.util.Map<String, File[]> names,
            ClientAuthentication auth,
            String spDomain,
            UnaryOperator<String> normalize,
            long handshakeTimeoutMillis)
            throws SSLException {
        ConstrainedTrustManager trust = trustManager(auth);
        SslContext fallback = context(SslContextBuilder.forServer(defaultChain, defaultKey, keyPassword), trust, auth);
        io.netty.util.DomainWildcardMappingBuilder<SslContext> mapping =
                new io.netty.util.DomainWildcardMappingBuilder<>(fallback);
        for (java.util.Map.Entry<String, File[]> e : names.entrySet()) {
            mapping.add(
                    e.getKey(),
                    context(SslContextBuilder.forServer(e.getValue()[0], e.getValue()[1], keyPassword), trust, auth));
        }
        io.netty.util.Mapping<String, SslContext> byName = mapping.build();
        RevocationList crls = auth.crls();
        return () -> new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline()
                        .addLast("tls", new io.netty.handler.ssl.SniHandler(byName, 16 * 1024, handshakeTimeoutMillis) {
                            @Override
                            protected SslHandler newSslHandler(
                                    SslContext context, io.netty.buffer.ByteBufAllocator allocator) {
                                SslHandler ssl = super.newSslHandler(context, allocator);
                                ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
                                return ssl;
                            }
                        })
                        .addLast(
                                "tls-identity",
                                new IdentityFromCertificate(spDomain, normalize, crls, trust, auth.hardwareKeys()));
            }
        };
    }

    private static SslContext context(
            SslContextBuilder builder, ConstrainedTrustManager trust, ClientAuthentication auth) throws SSLException {
        return builder.sslProvider(SslProvider.JDK)
                .trustManager(trust)
                .clientAuth(auth.required() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                .protocols(PROTOCOLS)
                .ciphers(CIPHERS)
                .build();
    }

    /**
     * The check of client certificates as the TLS listener does it (name constraints, CRLs, OCSP), for
     * other transports (DTLS).
     */
    public static javax.net.ssl.X509TrustManager clientTrust(ClientAuthentication auth) throws SSLException {
        return trustManager(auth);
    }

    private static ConstrainedTrustManager trustManager(ClientAuthentication auth) throws SSLException {
        try {
            return new ConstrainedTrustManager(auth.trustAnchors(), auth.crls(), auth.ocsp());
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new SSLException("cannot read the trust anchors " + auth.trustAnchors() + ": " + e.getMessage(), e);
        }
    }

    private static Supplier<ChannelHandler> handlers(
            SslContextBuilder builder,
            ClientAuthentication auth,
            String spDomain,
            UnaryOperator<String> normalize,
            long handshakeTimeoutMillis)
            throws SSLException {
        RevocationList crls = auth.crls();
        ConstrainedTrustManager trust = trustManager(auth);
        SslContext context = builder.sslProvider(SslProvider.JDK)
                .trustManager(trust)
                .clientAuth(auth.required() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                .protocols(PROTOCOLS)
                .ciphers(CIPHERS)
                .build();
        return () -> new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                SslHandler ssl = context.newHandler(ch.alloc());
                ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
                ch.pipeline()
                        .addLast("tls", ssl)
                        .addLast(
                                "tls-identity",
                                new IdentityFromCertificate(spDomain, normalize, crls, trust, auth.hardwareKeys()));
            }
        };
    }

    /** Sets {@link ChannelIdentity#ASSOCIATION} from the verified client certificate once the handshake is done. */
    static final class IdentityFromCertificate extends ChannelInboundHandlerAdapter {
        private final String spDomain;
        private final UnaryOperator<String> normalize;
        private final RevocationList crls;
        private final ConstrainedTrustManager trust;
        private final HardwareKeyIssuers hardwareKeys;
        private java.util.concurrent.ScheduledFuture<?> revocationCheck;
        private Object anchorsSeen;

        IdentityFromCertificate(
                String spDomain,
                UnaryOperator<String> normalize,
                RevocationList crls,
                ConstrainedTrustManager trust,
                HardwareKeyIssuers hardwareKeys) {
            this.spDomain = spDomain.toLowerCase(Locale.ROOT);
            this.normalize = normalize;
            this.crls = crls;
            this.trust = trust;
            this.hardwareKeys = hardwareKeys;
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (revocationCheck != null) {
                revocationCheck.cancel(false);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                if (!done.isSuccess()) {
                    ctx.close();
                    return;
                }
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                try {
                    Certificate[] peer = ssl.engine().getSession().getPeerCertificates();
                    if (peer.length > 0 && peer[0] instanceof X509Certificate leaf) {
                        ctx.channel().attr(ChannelIdentity.ASSOCIATION).set(associationOf(leaf));
                        X509Certificate[] chain = java.util.Arrays.stream(peer)
                                .map(X509Certificate.class::cast)
                                .toArray(X509Certificate[]::new);
                        anchorsSeen = trust.anchorGeneration();
                        // a certificate revoked, expired, or whose CA is no longer trusted ends its session within a
                        // second
                        revocationCheck = ctx.executor()
                                .scheduleAtFixedRate(
                                        () -> {
                                            if (crls != null && crls.isRevoked(leaf)
                                                    || !stillAnchored(chain)
                                                    || expired(leaf)) {
                                                ctx.channel().close();
                                            }
                                        },
                                        1,
                                        1,
                                        java.util.concurrent.TimeUnit.SECONDS);
                    }
                } catch (SSLPeerUnverifiedException noClientCertificate) {
                    // optional client authentication and none given: a TLS session without an identity
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        private static boolean expired(X509Certificate leaf) {
            try {
                leaf.checkValidity();
                return false;
            } catch (java.security.cert.CertificateException e) {
                return true;
            }
        }

        /** Re-validated only when the trust anchors changed since the last check. */
        private boolean stillAnchored(X509Certificate[] chain) {
            Object now = trust.anchorGeneration();
            if (now == anchorsSeen) {
                return true;
            }
            anchorsSeen = now;
            return trust.stillAnchored(chain);
        }

        SecurityAssociation associationOf(X509Certificate cert) throws CertificateParsingException {
            return hardwareKeys.levelOf(cert, identityOf(cert, spDomain, normalize));
        }
    }

    /**
     * What a certificate proves per the oneM2M profile ({@link CertificateCredential}): the AE-ID of a
     * subjectAltName URI {@code onem2m://sp/cse/ae}, the CSE-ID of a dNSName {@code <cse-id>.<sp>}, normalised.
     */
    public static SecurityAssociation identityOf(X509Certificate cert, String spDomain, UnaryOperator<String> normalize)
            throws CertificateParsingException {
        return SecurityAssociation.of(CertificateCredential.of(cert, spDomain), normalize);
    }
}
