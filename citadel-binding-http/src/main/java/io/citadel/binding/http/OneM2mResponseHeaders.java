package io.citadel.binding.http;

import io.citadel.protocol.ResponseStatusCode;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The last line of the oneM2M HTTP binding: every final response leaving the connection carries
 * {@code X-M2M-RSC}, and {@code X-M2M-RI} when its request had one, whoever wrote it (the engine, Netty's
 * aggregator, the WebSocket handshake). Responses are matched to requests in order, as HTTP/1.1
 * pipelining requires. A response that had to be completed here is logged: it means a path that should
 * have built a oneM2M error did not.
 */
final class OneM2mResponseHeaders extends ChannelDuplexHandler {
    private static final System.Logger LOG = System.getLogger("citadel.http");
    private static final String NONE = "";
    private final Queue<String> requestIds = new ArrayDeque<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            requestIds.add(request.headers().get("X-M2M-RI", NONE));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            String rqi = requestIds.poll();
            if (!response.headers().contains("X-M2M-RSC")) {
                ResponseStatusCode rsc = statusFor(response.status());
                LOG.log(Level.DEBUG, "HTTP " + response.status().code() + " completed with X-M2M-RSC " + rsc.code());
                response.headers().set("X-M2M-RSC", rsc.code());
            }
            if (rqi != null && !rqi.isEmpty() && !response.headers().contains("X-M2M-RI")) {
                response.headers().set("X-M2M-RI", rqi);
            }
        } else if (msg instanceof HttpResponse response && response.status().code() == 101) {
            requestIds.poll();
        }
        ctx.write(msg, promise);
    }

    /** The oneM2M status for an HTTP status some other layer chose. */
    static ResponseStatusCode statusFor(HttpResponseStatus status) {
        return switch (status.codeClass()) {
            case SUCCESS -> ResponseStatusCode.OK;
            case SERVER_ERROR ->
                status.code() == 501 ? ResponseStatusCode.NOT_IMPLEMENTED : ResponseStatusCode.INTERNAL_SERVER_ERROR;
            default -> status.code() == 404 ? ResponseStatusCode.NOT_FOUND : ResponseStatusCode.BAD_REQUEST;
        };
    }
}
