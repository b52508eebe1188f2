package io.citadel.tls;

import io.citadel.credentials.Credential;
import io.citadel.credentials.CredentialListener;
import io.citadel.credentials.CredentialStore;
import io.citadel.credentials.SecurityAssociation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.TlsServer;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Server-side TLS for one Netty channel with Bouncy Castle's non-blocking TLS API, for what the JDK cannot do
 * (PSK, raw public keys, exporting keying material on Java 17): ciphertext in → {@code offerInput} → plaintext up the pipeline; plaintext down →
 * {@code writeApplicationData} → ciphertext out. Application data is held back until the handshake
 * completes; a handshake that does not complete within the timeout closes the connection (slowloris). After
 * the handshake the channel carries the {@link SecurityAssociation} the credential proves
 * ({@link ChannelIdentity#ASSOCIATION}); when the credential store announces that credential
 * ({@link CredentialListener}: revoked, replaced, expired, unreadable store), the credential is looked up again
 * and the session closed unless the store still vouches for it (fail closed). Subclasses may refuse a peer
 * before any handshake and hear of failed and completed handshakes (to throttle guessing).
 */
public abstract class BcTlsHandler extends ChannelDuplexHandler {
    static final SecureRandom RANDOM = new SecureRandom();

    private final long handshakeTimeoutMillis;
    private final Queue<Object[]> pendingWrites = new ArrayDeque<>();
    private TlsServerProtocol protocol;
    private boolean handshakeComplete;
    private boolean failed;
    private ScheduledFuture<?> timeout;
    private CredentialListener revocations;
    /** The Credential-ID the handshake proved, once known (read by the store's announcing thread). */
    private volatile String proven;

    private InetSocketAddress peer;
    private TlsServer server;
    /** Handshake bytes held while {@link #beforeInput} is waiting (null when nothing is held). */
    private Queue<byte[]> held;

    protected BcTlsHandler(long handshakeTimeoutMillis) {
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** A fresh Bouncy Castle server for this connection; it calls {@code handshakeDone} when the handshake completes. */
    protected abstract TlsServer server(BcTlsCrypto crypto, Runnable handshakeDone);

    /** What the finished handshake proves; empty when the credential is no longer usable (the session is closed). */
    protected abstract Optional<SecurityAssociation> association();

    /**
     * The store of the credential this session's handshake proves, whose announcements can end the session; null when
     * no store vouches for it (a certificate, checked at the handshake).
     */
    protected abstract CredentialStore<?> store();

    /** Called once the association is bound, to put on the channel what else the handshake proved. */
    protected void established(io.netty.channel.Channel channel) {}

    /** The peer's address (known before {@link #server} is called), or null when the channel has none. */
    protected final InetSocketAddress peer() {
        return peer;
    }

    /** Whether a handshake from {@code peer} may start (a throttled peer is disconnected at once); true by default. */
    protected boolean admits(InetSocketAddress peer) {
        return true;
    }

    /** The peer's handshake failed with {@code cause} (not a timeout, not a peer that just went away). */
    protected void handshakeFailed(InetSocketAddress peer, IOException cause) {}

    /** The peer's handshake completed. */
    protected void handshakeSucceeded(InetSocketAddress peer) {}

    /**
     * Called with each read of the handshake before Bouncy Castle sees it; a stage returned holds these bytes and
     * the following ones (reading paused) until it completes (a key fetched from a broker, say). Null: go on.
     */
    protected CompletionStage<Void> beforeInput(byte[] handshakeBytes) {
        return null;
    }

    /** The reason a handshake failed, for a log line: the TLS alert's name, never key material. */
    protected static String reason(IOException cause) {
        if (cause instanceof org.bouncycastle.tls.TlsFatalAlert alert) {
            return org.bouncycastle.tls.AlertDescription.getName(alert.getAlertDescription());
        }
        if (cause instanceof org.bouncycastle.tls.TlsFatalAlertReceived alert) {
            return "peer sent " + org.bouncycastle.tls.AlertDescription.getName(alert.getAlertDescription());
        }
        return cause.getClass().getSimpleName();
    }

    private static InetSocketAddress peer(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        peer = peer(ctx);
        if (peer != null && !admits(peer)) {
            failed = true; // shut out after failed handshakes: no TLS at all
            ctx.close();
            return;
        }
        protocol = new TlsServerProtocol();
        server = server(new BcTlsCrypto(RANDOM), () -> handshakeComplete = true);
        protocol.accept(server);
        timeout = ctx.executor()
                .schedule(
                        () -> {
                            if (!handshakeComplete) {
                                ctx.close();
                            }
                        },
                        handshakeTimeoutMillis,
                        TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (revocations != null) {
            store().removeListener(revocations);
        }
        failPending(new IOException("TLS connection closed"));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (failed) {
            in.release();
            return;
        }
        byte[] bytes = new byte[in.readableBytes()];
        in.readBytes(bytes);
        in.release();
        if (held != null) {
            held.add(bytes);
            return;
        }
        if (!handshakeComplete) {
            CompletionStage<Void> wait = beforeInput(bytes);
            if (wait != null) {
                held = new ArrayDeque<>();
                held.add(bytes);
                ctx.channel().config().setAutoRead(false);
                wait.whenComplete((done, error) -> ctx.executor().execute(() -> resume(ctx)));
                return;
            }
        }
        offer(ctx, bytes);
    }

    /** Hands the held bytes to Bouncy Castle and reads on. */
    private void resume(ChannelHandlerContext ctx) {
        Queue<byte[]> bytes = held;
        held = null;
        if (bytes == null || failed || !ctx.channel().isActive()) {
            return;
        }
        ctx.channel().config().setAutoRead(true);
        while (!bytes.isEmpty() && !failed && held == null) {
            offer(ctx, bytes.poll());
        }
        if (held != null) {
            held.addAll(bytes); // waiting again: keep the order
        }
    }

    private void offer(ChannelHandlerContext ctx, byte[] bytes) {
        boolean wasHandshaking = !handshakeComplete;
        try {
            protocol.offerInput(bytes);
        } catch (IOException e) {
            failed = true;
            flushOutput(ctx, null); // the alert, if Bouncy Castle produced one
            ctx.close();
            InetSocketAddress peer = peer(ctx);
            if (wasHandshaking && peer != null) {
                handshakeFailed(peer, e);
            }
            return;
        }
        flushOutput(ctx, null);
        if (wasHandshaking && handshakeComplete && !established(ctx)) {
            failed = true; // refused: what came with the last handshake flight is never read
            return;
        }
        int available = protocol.getAvailableInputBytes();
        if (available > 0) {
            byte[] plain = new byte[available];
            protocol.readInput(plain, 0, available);
            ctx.fireChannelRead(Unpooled.wrappedBuffer(plain));
        }
        if (protocol.isClosed()) {
            ctx.close();
        }
    }

    /** Binds the association the finished handshake proved; false (the session closing) when there is none. */
    private boolean established(ChannelHandlerContext ctx) {
        timeout.cancel(false);
        InetSocketAddress peer = peer(ctx);
        if (peer != null) {
            handshakeSucceeded(peer);
        }
        // listening before the look-up: a revocation after it is heard, one before it makes it come back empty
        CredentialStore<?> store = store();
        if (store != null) {
            revocations = revoked -> endUnlessVouched(ctx, revoked);
            store.addListener(revocations);
        }
        SecurityAssociation association = vouched().orElse(null);
        if (association == null) {
            ctx.close(); // revoked between the handshake's look-up and now
            return false;
        }
        proven = association.credentialId();
        ctx.channel().attr(ChannelIdentity.ASSOCIATION).set(association);
        established(ctx.channel());
        if (server instanceof KeyingMaterial exporter) {
            ctx.channel().attr(ChannelIdentity.KEYING_MATERIAL).set(exporter);
        }
        while (!pendingWrites.isEmpty()) {
            Object[] w = pendingWrites.poll();
            write(ctx, w[0], (ChannelPromise) w[1]);
        }
        ctx.flush();
        return true;
    }

    /**
     * Closes the session when the store announced its credential and no longer vouches for it (an announced
     * credential that was only replaced, a rotated key's say, leaves the session open as before).
     */
    private void endUnlessVouched(ChannelHandlerContext ctx, Credential revoked) {
        String mine = proven;
        if (mine != null && !mine.equals(revoked.credentialId())) {
            return;
        }
        if (vouched().isEmpty()) {
            ctx.channel().close(); // through this handler's close: the client gets close_notify
        }
    }

    /** What the store vouches for now; empty when nothing, or when it cannot be read (fail closed). */
    private Optional<SecurityAssociation> vouched() {
        try {
            return association();
        } catch (RuntimeException e) {
            return Optional.empty(); // a store that cannot be read cannot vouch for the session
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf out)) {
            ctx.write(msg, promise);
            return;
        }
        if (!handshakeComplete) {
            pendingWrites.add(new Object[] {msg, promise});
            return;
        }
        try {
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            protocol.writeApplicationData(bytes, 0, bytes.length);
            flushOutput(ctx, promise);
        } catch (IOException e) {
            promise.tryFailure(e);
            ctx.close();
        } finally {
            out.release();
        }
    }

    /**
     * Sends close_notify, then closes once it is written: a close requested while Netty is flushing (a
     * "Connection: close" response's write listener) would otherwise drop the alert, and a strict client
     * reports the missing close_notify as a truncation.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (protocol != null && !protocol.isClosed() && handshakeComplete) {
            try {
                protocol.close(); // close_notify
                int n = protocol.getAvailableOutputBytes();
                if (n > 0 && ctx.channel().isActive()) {
                    byte[] alert = new byte[n];
                    protocol.readOutput(alert, 0, n);
                    ScheduledFuture<?> bound = ctx.executor().schedule(() -> ctx.close(promise), 1, TimeUnit.SECONDS);
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(alert)).addListener(f -> {
                        if (bound.cancel(false)) {
                            ctx.close(promise);
                        }
                    });
                    return;
                }
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        ctx.close(promise);
    }

    private void flushOutput(ChannelHandlerContext ctx, ChannelPromise promise) {
        int n = protocol.getAvailableOutputBytes();
        if (n > 0) {
            byte[] out = new byte[n];
            protocol.readOutput(out, 0, n);
            if (promise != null) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(out), promise);
            } else {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(out));
            }
        } else if (promise != null) {
            promise.trySuccess();
        }
    }

    private void failPending(Throwable cause) {
        while (!pendingWrites.isEmpty()) {
            Object[] w = pendingWrites.poll();
            ReferenceCountUtil.release(w[0]);
            ((ChannelPromise) w[1]).tryFailure(cause);
        }
    }
}
