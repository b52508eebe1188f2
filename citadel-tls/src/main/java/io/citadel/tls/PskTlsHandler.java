package io.citadel.tls;

import io.citadel.credentials.CredentialStore;
import io.citadel.credentials.PskStore;
import io.citadel.credentials.SecurityAssociation;
import io.citadel.security.HandshakeThrottle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.bouncycastle.tls.TlsServer;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * TLS-PSK for one Netty channel (the JDK has no PSK, Netty has no PSK): {@link PskTlsServer} behind
 * {@link BcTlsHandler}. The session's identity is what the credential store binds to the client's
 * psk_identity; revoking or expiring that credential closes the session (the store announces it). Failed
 * handshakes are logged and throttled per peer address by the {@link HandshakeThrottle} the store's listeners
 * share, which is asked when the connection opens and again before the key is looked up.
 */
public final class PskTlsHandler extends BcTlsHandler {
    private final PskStore store;
    private final HandshakeThrottle throttle;
    private final UnaryOperator<String> normalize;
    private String identity;
    private PskTlsServer server;
    private final PskIdentitySniffer sniffer;
    /** The broker's fetches were all taken when this peer offered its identity (its failure is not counted). */
    private volatile boolean brokerBusy;
    /** A refused brokered identity of this connection was counted already. */
    private volatile boolean charged;

    private java.util.Map<String, Integer> exports = java.util.Map.of();

    /**
     * @param throttle the guard against online guessing of the store's keys, shared by every listener that uses
     *        the store (TLS-PSK, DTLS-PSK)
     * @param normalize turns configured AE-IDs/CSE-IDs into the engine's normalised form
     */
    public PskTlsHandler(
            PskStore store, HandshakeThrottle throttle, UnaryOperator<String> normalize, long handshakeTimeoutMillis) {
        super(handshakeTimeoutMillis);
        this.store = store;
        this.throttle = throttle;
        this.normalize = normalize;
        this.sniffer = store instanceof io.citadel.credentials.PskPrefetch ? new PskIdentitySniffer() : null;
    }

    /**
     * Exports keying material for these labels (→ length) when the handshake completes, for the channel's
     * {@link ChannelIdentity#KEYING_MATERIAL} (a MEF's Ke, TS-0003 §10.3).
     */
    public PskTlsHandler exporting(java.util.Map<String, Integer> labels) {
        this.exports = java.util.Map.copyOf(labels);
        return this;
    }

    /**
     * With a store that fetches brokered keys: once the client's psk_identity is on the wire, the handshake waits
     * for the fetch (never the event loop), so the key look-up finds the key. Not for a peer that is shut out.
     */
    @Override
    protected java.util.concurrent.CompletionStage<Void> beforeInput(byte[] handshakeBytes) {
        if (sniffer == null) {
            return null;
        }
        io.citadel.credentials.PskPrefetch brokered = (io.citadel.credentials.PskPrefetch) store;
        java.net.InetSocketAddress peer = peer();
        java.util.List<java.util.concurrent.CompletableFuture<Void>> fetches = new java.util.ArrayList<>();
        for (String offered : sniffer.offer(handshakeBytes)) {
            if (peer != null && !throttle.admit("TLS-PSK", peer.getAddress())) {
                return null; // the look-up refuses it anyway
            }
            java.util.Optional<java.util.concurrent.CompletionStage<Void>> fetch =
                    brokered.prefetch(offered, peer == null ? null : peer.getAddress());
            if (fetch.isEmpty() && brokered.saturated()) {
                brokerBusy = true; // the handshake fails for want of a key, which is no guess of the peer's
            }
            fetch.ifPresent(f -> fetches.add(f.toCompletableFuture().whenComplete((done, error) -> {
                if (peer != null && store.lookup(offered, Instant.now()).isEmpty()) {
                    charged = true; // counted now, even when the peer has gone already (it cannot dodge the count)
                    throttle.failed("TLS-PSK", peer.getAddress(), offered, "identity refused by its key broker");
                }
            })));
        }
        return fetches.isEmpty()
                ? null
                : java.util.concurrent.CompletableFuture.allOf(
                        fetches.toArray(new java.util.concurrent.CompletableFuture<?>[0]));
    }

    @Override
    protected TlsServer server(BcTlsCrypto crypto, Runnable handshakeDone) {
        java.net.InetSocketAddress peer = peer();
        java.util.function.BooleanSupplier admitted =
                () -> peer == null || throttle.admit("TLS-PSK", peer.getAddress());
        server = new PskTlsServer(crypto, store, admitted, id -> {
            identity = new String(id, StandardCharsets.UTF_8);
            handshakeDone.run();
        });
        server.exportOnCompletion(exports);
        return server;
    }

    @Override
    public void handlerRemoved(io.netty.channel.ChannelHandlerContext ctx) {
        super.handlerRemoved(ctx);
        if (server != null) {
            server.wipe(); // exported keying material the session did not use
        }
    }

    /** A peer shut out after failed handshakes (online guessing of keys) is disconnected before any handshake. */
    @Override
    protected boolean admits(java.net.InetSocketAddress peer) {
        return throttle.admit("TLS-PSK", peer.getAddress());
    }

    /**
     * Logs the failure (identity, peer, reason; never the key) and counts it against the peer's address; a
     * handshake refused its key because the peer was shut out meanwhile tried no key and is not counted.
     */
    @Override
    protected void handshakeFailed(java.net.InetSocketAddress peer, java.io.IOException cause) {
        if ((server != null && server.refused()) || brokerBusy || charged) {
            return;
        }
        String offered = server == null ? null : server.offeredIdentity();
        String reason = offered != null && store.lookup(offered, Instant.now()).isEmpty()
                ? "unknown, expired or revoked identity"
                : reason(cause);
        throttle.failed("TLS-PSK", peer.getAddress(), offered, reason);
    }

    @Override
    protected void handshakeSucceeded(java.net.InetSocketAddress peer) {
        throttle.succeeded(peer.getAddress(), identity);
    }

    @Override
    protected Optional<SecurityAssociation> association() {
        return store.association(identity, Instant.now(), normalize);
    }

    @Override
    protected CredentialStore<?> store() {
        return store;
    }
}
