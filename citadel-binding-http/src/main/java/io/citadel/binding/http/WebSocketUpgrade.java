package io.citadel.binding.http;

import io.citadel.engine.pipeline.InboundPort;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.Serialization;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.Optional;

/**
 * Turns an HTTP connection into a oneM2M WebSocket (TS-0020) when the request asks for an upgrade: the
 * client must offer one of the oneM2M subprotocols (else 400 with a oneM2M error), the handshake picks
 * the first one it offered, and the connection continues with {@link WebSocketPrimitiveHandler}. Every
 * other request passes on to the HTTP handler. On a TLS or TLS-PSK listener this is {@code wss://}, with
 * the same security association as HTTP requests on that listener.
 */
@ChannelHandler.Sharable
final class WebSocketUpgrade extends ChannelInboundHandlerAdapter {
    private final InboundPort port;
    private final int maxMessageBytes;

    WebSocketUpgrade(InboundPort port, int maxMessageBytes) {
        this.port = port;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest http)
                || !http.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            upgrade(ctx, http);
        } finally {
            http.release();
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest http) {
        if (!HttpMethod.GET.equals(http.method())) {
            refuse(ctx, "a WebSocket opening handshake is a GET request");
            return;
        }
        Optional<String> subprotocol =
                WebSocketSubprotocols.select(http.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        if (subprotocol.isEmpty()) {
            refuse(ctx, "Sec-WebSocket-Protocol must offer one of " + WebSocketSubprotocols.supported());
            return;
        }
        http.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, subprotocol.get());
        boolean secure = ctx.pipeline().get("security") != null;
        String location = (secure ? "wss://" : "ws://") + http.headers().get(HttpHeaderNames.HOST, "localhost") + "/";
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                        location, subprotocol.get(), false, maxMessageBytes)
                .newHandshaker(http);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        Serialization serialization = WebSocketSubprotocols.serialization(subprotocol.get());
        var pipeline = ctx.pipeline();
        pipeline.remove(HttpServerKeepAliveHandler.class);
        pipeline.remove(HttpRequestHandler.class);
        pipeline.addAfter(ctx.name(), "ws-primitives", new WebSocketPrimitiveHandler(port, handshaker, serialization));
        pipeline.addAfter(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(maxMessageBytes));
        pipeline.remove(this);
        handshaker.handshake(ctx.channel(), http).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                f.channel().close();
            }
        });
    }

    private static void refuse(ChannelHandlerContext ctx, String message) {
        var response = HttpResponses.encode(
                ResponsePrimitive.error(ResponseStatusCode.BAD_REQUEST, null, null, message), Serialization.JSON);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
