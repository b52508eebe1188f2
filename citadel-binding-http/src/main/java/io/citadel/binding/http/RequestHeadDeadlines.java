package io.citadel.binding.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines that keep a client from holding a connection without asking anything (slowloris):
 * <ul>
 * <li>a new connection must deliver a complete request head (request line and headers) within the
 * header deadline, its TLS handshake included;</li>
 * <li>after a response, the connection may stay idle for the keep-alive deadline; once the first byte
 * of the next head arrives, that head must be complete within the header deadline;</li>
 * <li>once a head is complete, its body must be complete within the body deadline.</li>
 * </ul>
 * While the engine answers and after a WebSocket upgrade, these deadlines are off and the listener's idle
 * timeout applies. One instance per connection; it gives
 * two handlers: {@link #bytes()} sits before the HTTP decoder (after TLS) and sees the first byte of a
 * head, {@link #exchanges()} sits after it and sees complete heads and final responses. All state is
 * touched on the connection's event loop only.
 */
final class RequestHeadDeadlines {
    private static final System.Logger LOG = System.getLogger("citadel.http");

    private enum Phase {
        HEAD,
        BODY,
        IDLE,
        BUSY,
        UPGRADED
    }

    private final long headerMillis;
    private final long keepAliveIdleMillis;
    private final long bodyMillis;
    private Phase phase = Phase.HEAD;
    private int inFlight;
    private ScheduledFuture<?> timer;

    RequestHeadDeadlines(long headerMillis, long keepAliveIdleMillis, long bodyMillis) {
        this.headerMillis = headerMillis;
        this.keepAliveIdleMillis = keepAliveIdleMillis;
        this.bodyMillis = bodyMillis;
    }

    ChannelHandler bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) throws Exception {
                arm(ctx, Phase.HEAD, headerMillis);
                super.channelActive(ctx);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (phase == Phase.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
                    arm(ctx, Phase.HEAD, headerMillis);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                cancel();
                phase = Phase.UPGRADED;
                super.channelInactive(ctx);
            }
        };
    }

    ChannelHandler exchanges() {
        return new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest && phase != Phase.UPGRADED) {
                    inFlight++;
                    arm(ctx, Phase.BODY, bodyMillis);
                }
                if (msg instanceof LastHttpContent && phase == Phase.BODY) {
                    cancel();
                    phase = Phase.BUSY;
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                    if (r.status().code() == 101) {
                        cancel();
                        phase = Phase.UPGRADED;
                    }
                } else if (msg instanceof LastHttpContent
                        && (phase == Phase.BUSY || phase == Phase.BODY)
                        && --inFlight <= 0) {
                    inFlight = 0;
                    arm(ctx, Phase.IDLE, keepAliveIdleMillis);
                }
                ctx.write(msg, promise);
            }
        };
    }

    private void arm(ChannelHandlerContext ctx, Phase next, long millis) {
        cancel();
        phase = next;
        timer = ctx.executor().schedule(() -> expire(ctx, next), millis, TimeUnit.MILLISECONDS);
    }

    private void expire(ChannelHandlerContext ctx, Phase armed) {
        if (phase != armed) {
            return;
        }
        LOG.log(
                Level.DEBUG,
                () -> (armed == Phase.HEAD
                                ? "no complete request head in time from "
                                : armed == Phase.BODY
                                        ? "request body not complete in time, closing the connection of "
                                        : "keep-alive connection idle, closing it: ")
                        + HttpRequestHandler.peer(ctx));
        ctx.channel().close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
