package io.citadel.mef.http;

import io.citadel.mef.est.EstService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One EST listener of the MEF: a TLS handler (which the caller chooses: bootstrap key or certificates), HTTP with
 * bodies of at most 32 KiB, a connection closed after 30 s without a byte, and the EST operations on a bounded
 * pool of two workers (busy: 503).
 */
final class EstListener implements AutoCloseable {
    private static final int MAX_BODY = 32 * 1024;

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final ThreadPoolExecutor worker =
            new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256));
    private final Channel channel;

    /**
     * @param security      makes the TLS handler of a new connection
     * @param authenticated who that connection's handshake proved
     */
    EstListener(
            InetSocketAddress address,
            EstService est,
            KeyRoutes keys,
            Function<SocketChannel, ChannelHandler> security,
            Function<ChannelHandlerContext, Optional<EstHttpHandler.Enrolee>> authenticated)
            throws InterruptedException {
        Channel bound = null;
        try {
            bound = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new ReadTimeoutHandler(30))
                                    .addLast(security.apply(ch))
                                    .addLast(new HttpServerCodec(4096, 8192, 8192))
                                    .addLast(new HttpObjectAggregator(MAX_BODY))
                                    .addLast(new EstHttpHandler(est, keys, worker, authenticated));
                        }
                    })
                    .bind(address)
                    .sync()
                    .channel();
        } finally {
            channel = bound;
            if (bound == null) {
                close();
            }
        }
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        worker.shutdownNow();
    }
}
