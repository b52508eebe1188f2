package io.citadel.mef.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a client may take to send what the server answers (slowloris: a byte every few seconds defeats an
 * idle timeout): once the client sends anything, it must have sent all the server needs (its next handshake flight,
 * a whole request) within the deadline, or the connection is closed. A client that sends nothing is
 * left to the idle timeout. First in the pipeline, so it sees the bytes on the wire.
 */
final class AnswerDeadline extends ChannelDuplexHandler {
    private final long millis;
    private ScheduledFuture<?> clock;

    AnswerDeadline(long millis) {
        this.millis = millis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (clock == null) {
            clock = ctx.executor().schedule(() -> ctx.close(), millis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        stop(); // the server answers: the client has sent what it needed
        ctx.write(msg, promise);
    }

    /**
     * A handler for after the request aggregator: a whole request has arrived, so the clock stops there (the time the
     * server then takes is not the client's).
     */
    io.netty.channel.ChannelInboundHandler requestReceived() {
        return new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                stop();
                ctx.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        if (clock != null) {
            clock.cancel(false);
            clock = null;
        }
    }
}
