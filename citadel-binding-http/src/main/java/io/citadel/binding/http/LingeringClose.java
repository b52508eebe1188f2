package io.citadel.binding.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after an answer sent before the request was read to its end (an oversized body): the
 * output is shut down (the client sees the answer, then end of stream), what the client still sends is read and
 * dropped, and the connection is closed when the client closes it or after {@link #LINGER_SECONDS}. Closing at
 * once would make the kernel answer the rest of the body with a reset, which can destroy the answer before the
 * client has read it (the "lingering close" of Apache httpd and nginx).
 */
final class LingeringClose {
    static final int LINGER_SECONDS = 2;

    private LingeringClose() {}

    /** After {@code written} (the answer) completes, lingers as described, then closes. */
    static void after(ChannelHandlerContext ctx, ChannelFuture written) {
        written.addListener(f -> {
            Channel channel = ctx.channel();
            if (!f.isSuccess() || !(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
                channel.close();
                return;
            }
            channel.pipeline().addFirst("linger-discard", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext c, Object msg) {
                    ReferenceCountUtil.release(msg); // the rest of a body nobody will read
                }
            });
            duplex.shutdownOutput()
                    .addListener(done -> channel.eventLoop()
                            .schedule(
                                    () -> {
                                        channel.close();
                                    },
                                    LINGER_SECONDS,
                                    TimeUnit.SECONDS));
        });
    }
}
