package io.citadel.binding.http;

import io.citadel.engine.Cse;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.Serialization;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The oneM2M HTTP binding server on Netty; it also accepts oneM2M WebSocket connections (TS-0020) on the same port. */
public final class HttpBinding implements AutoCloseable {
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup loops = new NioEventLoopGroup();
    private final ThreadPoolExecutor workers;
    private final Channel channel;
    private final AtomicInteger connections = new AtomicInteger();

    public HttpBinding(Cse cse, HttpSettings settings, UpperTester upperTester) throws InterruptedException {
        this(cse, settings, upperTester, null);
    }

    /**
     * @param security makes the handler that secures each new connection (e.g. TLS-PSK), first in the
     *     pipeline; null for plain HTTP
     */
    public HttpBinding(Cse cse, HttpSettings settings, UpperTester upperTester,
                       java.util.function.Supplier<io.netty.channel.ChannelHandler> security) throws InterruptedException {
        this.workers = io.citadel.engine.WorkerPool.create("citadel-worker", settings.workerThreads(), 16_384);
        HttpRequestHandler handler = new HttpRequestHandler(cse, workers, upperTester);
        WebSocketUpgrade webSocket = new WebSocketUpgrade(cse, workers, settings.maxBodyBytes());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, loops)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (connections.incrementAndGet() > settings.maxConnections()) {
                            connections.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> connections.decrementAndGet());
                        if (security != null) {
                            ch.pipeline().addLast("security", security.get());
                        }
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, 0, settings.idleTimeoutSeconds(), TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec(8192, 16384, 8192))
                                .addLast(new HttpServerKeepAliveHandler())
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
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An aggregator whose answer to an oversized body is a oneM2M error response. */
    private static final class OneM2mAggregator extends HttpObjectAggregator {
        private final int max;

        OneM2mAggregator(int max) {
            super(max);
            this.max = max;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage oversized) {
            String rqi = oversized.headers().get("X-M2M-RI");
            String rvi = oversized.headers().get("X-M2M-RVI");
            var response = HttpResponses.encode(ResponsePrimitive.error(ResponseStatusCode.BAD_REQUEST, rqi, rvi,
                    "request body exceeds " + max + " bytes"), Serialization.JSON);
            response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

}
