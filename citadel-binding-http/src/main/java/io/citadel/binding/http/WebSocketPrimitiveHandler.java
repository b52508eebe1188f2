package io.citadel.binding.http;

import io.citadel.engine.hierarchy.EntityConnections;
import io.citadel.engine.pipeline.InboundPort;
import io.citadel.engine.pipeline.PendingResponses;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.pipeline.TwoWayConnection;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import io.citadel.tls.ChannelIdentity;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.timeout.IdleStateEvent;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One oneM2M WebSocket connection (TS-0020): every text or binary message is a whole primitive in the
 * subprotocol's serialization. Requests go through the same engine as HTTP requests, with the same
 * security association; responses go back on the same socket. The connection also carries requests
 * from the CSE to the entity that registered (or first spoke successfully) over it, notifications
 * above all, and matches their responses by request identifier.
 */
final class WebSocketPrimitiveHandler extends SimpleChannelInboundHandler<WebSocketFrame>
        implements EntityConnections.Connection {
    private static final System.Logger LOG = System.getLogger("citadel.websocket");
    private static final int MAX_PENDING = 1024;
    private final InboundPort port;
    private final TwoWayConnection twoWay = new TwoWayConnection(this);
    private final WebSocketServerHandshaker handshaker;
    private final Serialization serialization;
    private final ContentCodec codec;
    private final PendingResponses pending = new PendingResponses(MAX_PENDING);
    private volatile Channel channel;
    private boolean awaitingPong;

    WebSocketPrimitiveHandler(InboundPort port, WebSocketServerHandshaker handshaker, Serialization serialization) {
        this.port = port;
        this.handshaker = handshaker;
        this.serialization = serialization;
        this.codec = ContentCodec.of(serialization);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof CloseWebSocketFrame close) {
            handshaker.close(ctx.channel(), close.retain());
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof PongWebSocketFrame) {
            awaitingPong = false;
        } else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            primitive(ctx, ByteBufUtil.getBytes(frame.content()));
        }
    }

    private void primitive(ChannelHandlerContext ctx, byte[] bytes) {
        Instant now = Instant.now();
        Map<String, Object> document;
        try {
            document = PrimitiveCodec.document(bytes, serialization);
        } catch (OneM2mException e) {
            write(ctx, ResponsePrimitive.error(e.status(), null, null, e.getMessage()), null);
            return;
        }
        if (PrimitiveCodec.isResponse(document)) {
            response(document);
            return;
        }
        String rqi = document.get("rqi") instanceof String s ? s : null;
        String rvi = document.get("rvi") instanceof String s ? s : null;
        RequestPrimitive request;
        try {
            request = PrimitiveCodec.decodeRequest(document, now);
        } catch (OneM2mException e) {
            write(ctx, ResponsePrimitive.error(e.status(), rqi, rvi, e.getMessage()), null);
            return;
        }
        RequestContext context = new RequestContext(
                HttpRequestHandler.peer(ctx),
                ctx.channel().attr(ChannelIdentity.ASSOCIATION).get(),
                codec.isTextual(),
                now);
        port.submit(request, context, twoWay, rsp -> write(ctx, rsp, request.from()));
    }

    private void response(Map<String, Object> document) {
        ResponsePrimitive rsp;
        try {
            rsp = PrimitiveCodec.decodeResponse(document);
        } catch (OneM2mException e) {
            LOG.log(Level.DEBUG, "ignoring a malformed response primitive: " + e.getMessage());
            return;
        }
        if (!pending.complete(rsp)) {
            LOG.log(Level.DEBUG, "ignoring a response to no request of ours");
        }
    }

    @Override
    public CompletableFuture<ResponsePrimitive> send(RequestPrimitive request, Duration timeout) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the WebSocket is closed"));
        }
        CompletableFuture<ResponsePrimitive> answer = pending.expect(request, timeout);
        if (answer.isDone()) {
            return answer;
        }
        ch.writeAndFlush(frame(PrimitiveCodec.encode(request))).addListener(f -> {
            if (!f.isSuccess()) {
                answer.completeExceptionally(f.cause());
            }
        });
        return answer;
    }

    @Override
    public boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    private void write(ChannelHandlerContext ctx, ResponsePrimitive rsp, String originator) {
        ctx.writeAndFlush(frame(PrimitiveCodec.encode(rsp, originator)));
    }

    private WebSocketFrame frame(Map<String, Object> primitive) {
        byte[] bytes = PrimitiveCodec.serialize(primitive, serialization);
        return serialization == Serialization.CBOR
                ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))
                : new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes));
    }

    /** An idle connection is probed with a ping; one that did not answer the previous ping is closed. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (awaitingPong) {
                ctx.close();
            } else {
                awaitingPong = true;
                ctx.writeAndFlush(new PingWebSocketFrame());
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        port.closed(twoWay);
        pending.failAll("the WebSocket closed");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, "WebSocket error: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
        ctx.close();
    }
}
