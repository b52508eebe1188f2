package io.citadel.mef.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.lang.System.Logger.Level;

/**
 * The last handler of a service connection: what failed on it (a TLS handshake refused, a malformed record, a reset)
 * is one line in the log, without a stack trace, and the connection is closed.
 */
final class ConnectionFailures extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger("citadel.security");

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        String message = String.valueOf(reason.getMessage()).replaceAll("[^\\x20-\\x7e]", "?"); // peer bytes
        LOG.log(
                Level.INFO,
                "connection from " + ctx.channel().remoteAddress() + " closed: "
                        + reason.getClass().getSimpleName() + ": "
                        + (message.length() > 200 ? message.substring(0, 200) : message));
        ctx.close();
    }
}
