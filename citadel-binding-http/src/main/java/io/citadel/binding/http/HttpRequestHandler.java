package io.citadel.binding.http;

import io.citadel.engine.pipeline.InboundPort;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.Serialization;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * Adapts HTTP to the engine: decodes on the event loop, runs the (blocking) engine on the worker pool,
 * writes the response back on the event loop. Every failure becomes a oneM2M error response.
 */
@ChannelHandler.Sharable
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger("citadel.http");
    private final InboundPort port;
    private final UpperTester upperTester;

    HttpRequestHandler(InboundPort port, UpperTester upperTester) {
        this.port = port;
        this.upperTester = upperTester;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
        boolean keepAlive = HttpUtil.isKeepAlive(http);
        String rqi = http.headers().get("X-M2M-RI");
        String rvi = http.headers().get("X-M2M-RVI");
        if (!http.decoderResult().isSuccess()) {
            String why = undecodable(http.decoderResult().cause());
            LOG.log(Level.DEBUG, () -> "refused a request from " + peer(ctx) + ": " + why);
            send(
                    ctx,
                    ResponsePrimitive.error(ResponseStatusCode.BAD_REQUEST, rqi, rvi, why),
                    Serialization.JSON,
                    false);
            return;
        }
        if (http.uri().equals("/__ut__") || http.uri().startsWith("/__ut__?")) {
            upperTester(ctx, http, keepAlive);
            return;
        }
        Instant now = Instant.now();
        Serialization responseSerialization = Serialization.JSON;
        HttpRequestDecoder.Decoded decoded;
        try {
            decoded = HttpRequestDecoder.decode(http, now);
            responseSerialization =
                    HttpRequestDecoder.accepted(http.headers().get(HttpHeaderNames.ACCEPT), decoded.serialization());
        } catch (OneM2mException e) {
            send(ctx, ResponsePrimitive.error(e.status(), rqi, rvi, e.getMessage()), responseSerialization, keepAlive);
            return;
        }
        RequestContext context = new RequestContext(
                peer(ctx),
                ctx.channel().attr(io.citadel.tls.ChannelIdentity.ASSOCIATION).get(),
                decoded.textual(),
                now);
        Serialization out = responseSerialization;
        port.submit(decoded.primitive(), context, rsp -> {
            // an overloaded answer closes the connection: the peer should back off, not pipeline more
            boolean keep = keepAlive && !InboundPort.isOverloaded(rsp);
            ctx.executor().execute(() -> send(ctx, rsp, out, keep));
        });
    }

    /** Our short message for a request the HTTP decoder refused; never the decoder's own text. */
    static String undecodable(Throwable cause) {
        if (cause instanceof StrictRequestFraming.AmbiguousFramingException framing) {
            return framing.getMessage();
        }
        if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
            return "request line or headers too large";
        }
        return "malformed HTTP request";
    }

    private void upperTester(ChannelHandlerContext ctx, FullHttpRequest http, boolean keepAlive) {
        FullHttpResponse response;
        if (upperTester == null || !HttpMethod.POST.equals(http.method())) {
            response = HttpResponses.encode(
                    ResponsePrimitive.error(
                            ResponseStatusCode.NOT_FOUND, http.headers().get("X-M2M-RI"), null, "no such resource"),
                    Serialization.JSON);
            write(ctx, response, keepAlive);
            return;
        }
        String command = http.headers().get("X-M2M-UTCMD", "");
        port.executor().execute(() -> {
            UpperTester.Result result = upperTester.execute(command);
            FullHttpResponse r = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                    io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                    result.ok()
                            ? io.netty.handler.codec.http.HttpResponseStatus.OK
                            : io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST);
            r.headers().set("X-M2M-UTRSP", result.response());
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.executor().execute(() -> write(ctx, r, keepAlive));
        });
    }

    /** The peer's IP literal, never from a header; "unknown" when the channel has none. */
    static String peer(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress()
                : "unknown";
    }

    private static void send(
            ChannelHandlerContext ctx, ResponsePrimitive rsp, Serialization serialization, boolean keepAlive) {
        write(ctx, HttpResponses.encode(rsp, serialization), keepAlive);
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, "connection error: " + cause.getClass().getSimpleName());
        ctx.close();
    }
}
