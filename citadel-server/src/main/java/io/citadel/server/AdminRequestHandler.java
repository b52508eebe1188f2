package io.citadel.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;

/**
 * One admin API connection: checks the bearer token (constant time), hands the request to {@link AdminRoutes}
 * on the API's single operations thread, writes the JSON answer. Never answers with a stack trace.
 */
final class AdminRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger AUDIT = Logger.getLogger("citadel.audit");
    private final byte[] tokenDigest;
    private final AdminRoutes routes;
    private final ExecutorService operations;
    private final ExecutorService longOperations;

    /**
     * @param operations runs credential requests, one at a time
     * @param longOperations runs privacy requests (exports, erasures: long work), one at a time, so that they never
     *     hold up a credential revocation
     */
    AdminRequestHandler(
            byte[] tokenDigest, AdminRoutes routes, ExecutorService operations, ExecutorService longOperations) {
        this.tokenDigest = tokenDigest;
        this.routes = routes;
        this.operations = operations;
        this.longOperations = longOperations;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            send(ctx, AdminRoutes.Reply.error(400, "malformed HTTP request"), false);
            return;
        }
        if (!authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            AUDIT.warning("admin API: refused " + request.method() + " " + request.uri() + " from "
                    + ctx.channel().remoteAddress() + " (no valid bearer token)");
            send(
                    ctx,
                    AdminRoutes.Reply.error(401, "a valid 'Authorization: Bearer <admin API token>' is required"),
                    keepAlive);
            return;
        }
        String method = request.method().name();
        String uri = request.uri();
        byte[] body = ByteBufUtil.getBytes(request.content());
        // the idle timeout is for a silent client, not for a request being worked on: off until the answer is sent
        io.netty.channel.ChannelHandler idle = ctx.pipeline().get(AdminApi.IDLE);
        if (idle != null) {
            ctx.pipeline().remove(idle);
        }
        ExecutorService runner = uri.startsWith(PrivacyAdmin.PREFIX) ? longOperations : operations;
        try {
            runner.execute(() -> {
                AdminRoutes.Reply reply = routes.handle(method, uri, body);
                java.util.Arrays.fill(body, (byte) 0); // a body may hold a secret
                ctx.executor().execute(() -> {
                    if (keepAlive && ctx.channel().isActive() && ctx.pipeline().get(AdminApi.IDLE) == null) {
                        ctx.pipeline().addFirst(AdminApi.IDLE, new io.netty.handler.timeout.ReadTimeoutHandler(10));
                    }
                    send(ctx, reply, keepAlive);
                });
            });
        } catch (RejectedExecutionException e) {
            send(ctx, AdminRoutes.Reply.error(503, "the admin API is shutting down"), false);
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = AdminApi.digest(header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(presented, tokenDigest);
    }

    private static void send(ChannelHandlerContext ctx, AdminRoutes.Reply reply, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        if (reply.body().length > 0) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (reply.status() == 401) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"citadel-admin\"");
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof ReadTimeoutException)) {
            Logger.getLogger("citadel.server").fine("admin API connection: " + cause);
        }
        ctx.close();
    }
}
