package io.citadel.binding.http;

import io.citadel.engine.pipeline.InboundPort;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.Serialization;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The oneM2M HTTP binding server on Netty; it also accepts oneM2M WebSocket connections (TS-0020) on the same port. */
public final class HttpBinding implements AutoCloseable {
    /** The keep-alive handler's name in each connection's pipeline. */
    static final String KEEP_ALIVE = "keep-alive";

    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup loops = new NioEventLoopGroup();
    private final Channel channel;
    private static final System.Logger LOG = System.getLogger("citadel.http");
    private final io.citadel.security.ConnectionLimiter limiter;

    public HttpBinding(InboundPort port, HttpSettings settings, UpperTester upperTester) throws InterruptedException {
        this(port, settings, upperTester, null);
    }

    /**
     * @param port where decoded requests go (the caller opens it with the pool size of {@code settings} and
     *     closes it after this binding)
     * @param security makes the handler that secures each new connection (e.g. TLS-PSK), first in the
     *     pipeline; null for plain HTTP
     */
    public HttpBinding(
            InboundPort port,
            HttpSettings settings,
            UpperTester upperTester,
            java.util.function.Supplier<io.netty.channel.ChannelHandler> security)
            throws InterruptedException {
        this.limiter = new io.citadel.security.ConnectionLimiter(
                settings.maxConnections(),
                settings.maxConnectionsPerPeer(),
                settings.maxConnectionsPerLoopbackPeer(),
                settings.loopbackReserve());
        HttpRequestHandler handler = new HttpRequestHandler(port, upperTester);
        WebSocketUpgrade webSocket = new WebSocketUpgrade(port, settings.maxBodyBytes());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, loops)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetAddress peer = ch.remoteAddress().getAddress();
                        if (!limiter.tryAcquire(peer)) {
                            LOG.log(Level.DEBUG, () -> "connection limit reached; refused " + peer.getHostAddress());
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> limiter.release(peer));
                        if (security != null) {
                            ch.pipeline().addLast("security", security.get());
                        }
                        RequestHeadDeadlines deadlines = new RequestHeadDeadlines(
                                TimeUnit.SECONDS.toMillis(settings.headerTimeoutSeconds()),
                                TimeUnit.SECONDS.toMillis(settings.keepAliveIdleSeconds()),
                                TimeUnit.SECONDS.toMillis(settings.bodyTimeoutSeconds()));
                        StrictRequestFraming framing = new StrictRequestFraming();
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, 0, settings.idleTimeoutSeconds(), TimeUnit.SECONDS))
                                .addLast("head-deadline", deadlines.bytes())
                                // encoder first: the WebSocket handshake puts its frame encoder before this one,
                                // so frames its decoder writes (a 1009 close) are encoded too
                                .addLast("http-encoder", framing.encoder())
                                .addLast("http-decoder", framing.decoder(8192, 16384, 8192))
                                .addLast("exchange-deadline", deadlines.exchanges())
                                .addLast("onem2m-headers", new OneM2mResponseHeaders())
                                .addLast(KEEP_ALIVE, new HttpServerKeepAliveHandler())
                                .addLast(new OneM2mAggregator(settings.maxBodyBytes()))
                                .addLast(webSocket)
                                .addLast(handler);
                    }
                });
        this.channel = b.bind(settings.host(), settings.port()).sync().channel();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** An aggregator whose answer to an oversized body is a oneM2M error response. */
    private static final class OneM2mAggregator extends HttpObjectAggregator {
        private final int max;

        OneM2mAggregator(int max) {
            super(max);
            this.max = max;
        }

        /**
         * The answer to {@code Expect: 100-continue}: Netty's own refusals (417, 413) are bare HTTP; ours are
         * oneM2M errors that close the connection, since the client may send the body anyway.
         */
        @Override
        protected Object newContinueResponse(
                io.netty.handler.codec.http.HttpMessage start,
                int maxContentLength,
                io.netty.channel.ChannelPipeline pipeline) {
            Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
            if (answer instanceof io.netty.handler.codec.http.HttpResponse r
                    && r.status().codeClass() != io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
                io.netty.util.ReferenceCountUtil.release(answer);
                String message = r.status().code() == 417
                        ? "the only expectation supported is 100-continue"
                        : "request body exceeds " + max + " bytes";
                var response = HttpResponses.encode(
                        ResponsePrimitive.error(
                                ResponseStatusCode.BAD_REQUEST,
                                start.headers().get("X-M2M-RI"),
                                start.headers().get("X-M2M-RVI"),
                                message),
                        Serialization.JSON);
                response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, "close");
                return response;
            }
            return answer;
        }

        @Override
        protected boolean closeAfterContinueResponse(Object msg) {
            return msg instanceof io.netty.handler.codec.http.HttpResponse r
                    && r.status().codeClass() != io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL;
        }

        @Override
        protected void handleOversizedMessage(
                ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage oversized) {
            String rqi = oversized.headers().get("X-M2M-RI");
            String rvi = oversized.headers().get("X-M2M-RVI");
            var response = HttpResponses.encode(
                    ResponsePrimitive.error(
                            ResponseStatusCode.BAD_REQUEST, rqi, rvi, "request body exceeds " + max + " bytes"),
                    Serialization.JSON);
            response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, "close");
            // written past the keep-alive handler, which would close at once on "Connection: close"
            ChannelHandlerContext keepAlive = ctx.pipeline().context(KEEP_ALIVE);
            LingeringClose.after(ctx, (keepAlive != null ? keepAlive : ctx).writeAndFlush(response));
        }
    }
}
