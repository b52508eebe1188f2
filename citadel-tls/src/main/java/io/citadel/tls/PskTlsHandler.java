package io.citadel.tls;

import io.citadel.engine.SecurityAssociation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * TLS-PSK for one Netty channel with Bouncy Castle's non-blocking TLS API (the JDK has no PSK, Netty has no
 * PSK): ciphertext in → {@code offerInput} → plaintext up the pipeline; plaintext down → {@code
 * writeApplicationData} → ciphertext out. Application data is held back until the handshake completes;
 * a handshake that does not complete within the timeout closes the connection (slowloris).
 * After the handshake the channel carries a {@link SecurityAssociation} ({@link ChannelIdentity#ASSOCIATION}).
 */
public final class PskTlsHandler extends ChannelDuplexHandler {
    public static final AttributeKey<String> PSK_IDENTITY = AttributeKey.valueOf("citadel.psk-identity");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PskStore store;
    private final UnaryOperator<String> normalize;
    private final long handshakeTimeoutMillis;
    private final Queue<Object[]> pendingWrites = new ArrayDeque<>();
    private TlsServerProtocol protocol;
    private boolean handshakeComplete;
    private byte[] pskIdentity;
    private boolean failed;
    private ScheduledFuture<?> timeout;
    private ScheduledFuture<?> revocationCheck;

    /**
     * @param normalize turns configured AE-IDs/CSE-IDs into the engine's normalised form
     */
    public PskTlsHandler(PskStore store, UnaryOperator<String> normalize, long handshakeTimeoutMillis) {
        this.store = store;
        this.normalize = normalize;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        protocol = new TlsServerProtocol();
        protocol.accept(new PskTlsServer(new BcTlsCrypto(RANDOM), store, id -> {
            pskIdentity = id;
            handshakeComplete = true;
        }));
        timeout = ctx.executor().schedule(() -> {
            if (!handshakeComplete) {
                ctx.close();
            }
        }, handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (revocationCheck != null) {
            revocationCheck.cancel(false);
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
        boolean wasHandshaking = !handshakeComplete;
        try {
            protocol.offerInput(bytes);
        } catch (IOException e) {
            failed = true;
            flushOutput(ctx, null); // the alert, if Bouncy Castle produced one
            ctx.close();
            return;
        }
        flushOutput(ctx, null);
        if (wasHandshaking && handshakeComplete) {
            established(ctx);
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

    private void established(ChannelHandlerContext ctx) {
        timeout.cancel(false);
        String identity = new String(pskIdentity, StandardCharsets.UTF_8);
        SecurityAssociation association = store.association(identity, Instant.now(), normalize).orElse(null);
        if (association == null) {
            ctx.close(); // revoked between key lookup and now
            return;
        }
        ctx.channel().attr(PSK_IDENTITY).set(identity);
        // a credential revoked or expired while the session lives ends the session within a second
        revocationCheck = ctx.executor().scheduleAtFixedRate(() -> {
            boolean usable;
            try {
                usable = store.lookup(identity, Instant.now()).isPresent();
            } catch (RuntimeException e) {
                usable = false; // a store that cannot be read cannot vouch for the session: fail closed
            }
            if (!usable) {
                ctx.close();
            }
        }, 1, 1, TimeUnit.SECONDS);
        ctx.channel().attr(ChannelIdentity.ASSOCIATION).set(association);
        ctx.fireUserEventTriggered(new Established(identity));
        while (!pendingWrites.isEmpty()) {
            Object[] w = pendingWrites.poll();
            write(ctx, w[0], (ChannelPromise) w[1]);
        }
        ctx.flush();
    }

    /** Fired up the pipeline once the association exists. */
    public record Established(String pskIdentity) {
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
