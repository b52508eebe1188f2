package io.citadel.mef.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One listener of the MEF or the MAF: a client that started sending must have sent what is answered within 30 s
 * ({@link AnswerDeadline}), at most 16 connections per peer address (1024 in all; see
 * {@link io.citadel.security.ConnectionLimiter}), a TLS handler (which the caller chooses: a pre-shared key or
 * certificates), HTTP with bodies of at most 32 KiB, a connection closed after 30 s without a byte, and the service's
 * handler, which does its work on a bounded pool of two workers (busy: 503).
 */
public final class ServiceListener implements AutoCloseable {
    private static final int MAX_BODY = 32 * 1024;

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final ThreadPoolExecutor worker =
            new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256));
    private final Channel channel;
    /** 1024 connections, 16 per peer address (its /64 for IPv6), the last 32 for loopback peers. */
    private final io.citadel.security.ConnectionLimiter limiter =
            new io.citadel.security.ConnectionLimiter(1024, 16, 64, 32);

    /**
     * @param security makes the TLS handler of a new connection
     * @param service  makes the HTTP handler of a new connection, given the bounded worker pool
     */
    public ServiceListener(
            InetSocketAddress address,
            Function<SocketChannel, ChannelHandler> security,
            Function<Executor, ChannelHandler> service)
            throws InterruptedException {
        this(address, security, service, 30_000);
    }

    /** @param answerDeadlineMillis how long a client that started sending may take to send what is answered */
    ServiceListener(
            InetSocketAddress address,
            Function<SocketChannel, ChannelHandler> security,
            Function<Executor, ChannelHandler> service,
            long answerDeadlineMillis)
            throws InterruptedException {
        Channel bound = null;
        try {
            bound = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            java.net.InetAddress peer = ch.remoteAddress().getAddress();
                            if (!limiter.tryAcquire(peer)) {
                                ch.close(); // this peer holds its share already, or the listener is full
                                return;
                            }
                            ch.closeFuture().addListener(f -> limiter.release(peer));
                            AnswerDeadline deadline = new AnswerDeadline(answerDeadlineMillis);
                            ch.pipeline()
                                    .addLast(deadline)
                                    .addLast(new ReadTimeoutHandler(30))
                                    .addLast(security.apply(ch))
                                    .addLast(new HttpServerCodec(4096, 8192, 8192))
                                    .addLast(new HttpObjectAggregator(MAX_BODY))
                                    .addLast(deadline.requestReceived())
                                    .addLast(service.apply(worker))
                                    .addLast(new ConnectionFailures());
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

    public int port() {
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
