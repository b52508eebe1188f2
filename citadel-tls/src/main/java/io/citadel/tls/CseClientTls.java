package io.citadel.tls;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * TLS for this CSE as a client of other CSEs (registration, forwarding, notifications): its own
 * CSE-ID certificate as client certificate (from PEM files or a key vault), TLS 1.3/1.2 with the same
 * suites as the server side, and per peer a context that accepts only a server whose certificate names
 * that peer's CSE-ID ({@link PeerCseTrust}).
 */
public final class CseClientTls {
    private final SslContextBuilder template;
    private final ConstrainedTrustManager chains;
    private final String spDomain;
    private final UnaryOperator<String> normalize;
    private final Map<String, SSLContext> byPeer = new ConcurrentHashMap<>();

    private CseClientTls(
            SslContextBuilder template,
            ConstrainedTrustManager chains,
            String spDomain,
            UnaryOperator<String> normalize) {
        this.template = template;
        this.chains = chains;
        this.spDomain = spDomain;
        this.normalize = normalize;
    }

    /** With the key and chain in PEM files (the key encrypted when {@code password} is given). */
    public static CseClientTls fromPem(
            File chain,
            File key,
            String password,
            File trustAnchors,
            RevocationList crls,
            String spDomain,
            UnaryOperator<String> normalize)
            throws SSLException {
        return new CseClientTls(
                SslContextBuilder.forClient().keyManager(chain, key, password),
                trust(trustAnchors, crls),
                spDomain,
                normalize);
    }

    /** With the key in a vault (PKCS#11 token or encrypted PKCS#12): it never leaves it. */
    public static CseClientTls fromKeyManager(
            KeyManagerFactory keys,
            File trustAnchors,
            RevocationList crls,
            String spDomain,
            UnaryOperator<String> normalize)
            throws SSLException {
        return new CseClientTls(
                SslContextBuilder.forClient().keyManager(keys), trust(trustAnchors, crls), spDomain, normalize);
    }

    private static ConstrainedTrustManager trust(File anchors, RevocationList crls) throws SSLException {
        try {
            return new ConstrainedTrustManager(anchors, crls);
        } catch (IOException | GeneralSecurityException e) {
            throw new SSLException("cannot read the trust anchors " + anchors + ": " + e.getMessage(), e);
        }
    }

    /**
     * A context for talking to the service {@code fqdn} (a MEF or MAF) with this CSE's own certificate: the server
     * must chain to {@code anchors} and name {@code fqdn}.
     */
    public SSLContext forService(String fqdn, File anchors) throws SSLException {
        ConstrainedTrustManager serviceChains = trust(anchors, null);
        synchronized (template) {
            JdkSslContext ctx = (JdkSslContext) template.sslProvider(SslProvider.JDK)
                    .trustManager(new io.citadel.client.tls.NamedServerTrust(serviceChains, fqdn))
                    .protocols(CertificateTls.PROTOCOLS)
                    .ciphers(CertificateTls.CIPHERS)
                    .build();
            return ctx.context();
        }
    }

    /** The context for talking to the CSE {@code peerCseId} (normalised, e.g. {@code /id-in}). */
    public SSLContext forPeer(String peerCseId) {
        return byPeer.computeIfAbsent(peerCseId, peer -> {
            synchronized (template) { // the builder is shared and mutable
                try {
                    JdkSslContext ctx = (JdkSslContext) template.sslProvider(SslProvider.JDK)
                            .trustManager(new PeerCseTrust(chains, peer, spDomain, normalize))
                            .protocols(CertificateTls.PROTOCOLS)
                            .ciphers(CertificateTls.CIPHERS)
                            .build();
                    return ctx.context();
                } catch (SSLException e) {
                    throw new IllegalStateException("cannot make a TLS context for " + peer + ": " + e.getMessage(), e);
                }
            }
        });
    }
}
