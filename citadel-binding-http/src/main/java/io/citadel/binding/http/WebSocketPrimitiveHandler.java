package io.citadel.binding.http;

import io.citadel.engine.Cse;
import io.citadel.engine.EntityConnections;
import io.citadel.engine.RequestContext;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

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
    private final Cse cse;
    private final ExecutorService workers;
    private final WebSocketServerHandshaker handshaker;
    private final Serialization serialization;
    private final ContentCodec codec;
    private final Map<String, CompletableFuture<ResponsePrimitive>> pending = new ConcurrentHashMap<>();
    private volatile Channel channel;
    private volatile String boundEntity;
    private boolean awaitingPong;

    WebSocketPrimitiveHandler(Cse cse, ExecutorService workers, WebSocketServerHandshaker handshaker,
                              Serialization serialization) {
        this.cse = cse;
        this.workers = workers;
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
        RequestContext context = new RequestContext(HttpRequestHandler.peer(ctx), ctx.channel().attr(ChannelIdentity.ASSOCIATION).get(),
                codec.isTextual(), now);
        try {
            workers.execute(() -> {
                ResponsePrimitive rsp = cse.handle(request, context);
                bindOnFirstSuccess(request, rsp);
                write(ctx, rsp, request.from());
            });
        } catch (RejectedExecutionException e) {
            write(ctx, ResponsePrimitive.error(ResponseStatusCode.INTERNAL_SERVER_ERROR, rqi, rvi,
                    "the CSE is overloaded; retry later"), request.from());
        }
    }

    private void response(Map<String, Object> document) {
        ResponsePrimitive rsp;
        try {
            rsp = PrimitiveCodec.decodeResponse(document);
        } catch (OneM2mException e) {
            LOG.log(Level.DEBUG, "ignoring a malformed response primitive: " + e.getMessage());
            return;
        }
        CompletableFuture<ResponsePrimitive> waiting = rsp.requestId() == null ? null : pending.remove(rsp.requestId());
        if (waiting != null) {
            waiting.complete(rsp);
        } else {
            LOG.log(Level.DEBUG, "ignoring a response to no request of ours");
        }
    }

    /**
     * The connection reaches the entity that registered over it (the AE-ID the CSE assigned, the CSE-ID of a
     * registering CSE) or, on a connection re-opened after registration, the originator of its first
     * successful request (TS-0020 §6.3: the server routes requests to the registree over this connection).
     */
    private void bindOnFirstSuccess(RequestPrimitive request, ResponsePrimitive rsp) {
        if (boundEntity != null || !rsp.status().isSuccess()) {
            return;
        }
        String entity = request.from();
        if (request.operation() == Operation.CREATE && rsp.content() instanceof Map<?, ?> content) {
            Integer ty = request.resourceType();
            if (ty != null && ty == ResourceType.AE.code() && content.get("m2m:ae") instanceof Map<?, ?> ae
                    && ae.get("aei") instanceof String aei) {
                entity = aei;
            } else if (ty != null && ty == ResourceType.REMOTE_CSE.code() && content.get("m2m:csr") instanceof Map<?, ?> csr
                    && csr.get("csi") instanceof String csi) {
                entity = csi;
            }
        }
        if (entity != null && !entity.isBlank() && !entity.equals("C") && !entity.equals("S")) {
            boundEntity = cse.connections().bind(entity, this);
        }
    }

    @Override
    public CompletableFuture<ResponsePrimitive> send(RequestPrimitive request, Duration timeout) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the WebSocket is closed"));
        }
        if (request.requestId() == null || pending.size() >= MAX_PENDING) {
            return CompletableFuture.failedFuture(new IllegalStateException(request.requestId() == null
                    ? "a request without a request identifier cannot be matched" : "too many requests awaiting answers"));
        }
        CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        if (pending.putIfAbsent(request.requestId(), answer) != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("a request with this identifier is pending"));
        }
        answer.whenComplete((r, e) -> pending.remove(request.requestId(), answer));
        ch.writeAndFlush(frame(PrimitiveCodec.encode(request))).addListener(f -> {
            if (!f.isSuccess()) {
                answer.completeExceptionally(f.cause());
            }
        });
        return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
        return serialization == Serialization.CBOR ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))
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
        cse.connections().unbind(this);
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("the WebSocket closed")));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, "WebSocket error: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
        ctx.close();
    }
}
