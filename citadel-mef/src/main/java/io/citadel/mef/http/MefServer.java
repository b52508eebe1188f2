package io.citadel.mef.http;

import io.citadel.credentials.PskStore;
import io.citadel.mef.est.EstService;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.PskTlsHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
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
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The MEF's enrolment listener for the pre-provisioned symmetric key RSPF (TS-0003 §8.3.2): EST over HTTP over
 * TLS-PSK, the enrolee known by the bootstrap key's identity (KpmID) its handshake proved. Failed handshakes count
 * against the peer's address like the CSE's own PSK listeners. A request body is at most 32 KiB; a connection that
 * sends nothing for 30 s is closed; EST work runs on a bounded pool (busy: 503).
 */
public final class MefServer implements AutoCloseable {
    private static final int MAX_BODY = 32 * 1024;

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final ThreadPoolExecutor worker =
            new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256));
    private final Channel channel;

    /**
     * Listens on {@code address} (port 0: any free one).
     *
     * @param bootstrapKeys the KpmID → Kpm keys of the devices that may enrol
     */
    public MefServer(
            InetSocketAddress address,
            EstService est,
            PskStore bootstrapKeys,
            HandshakeThrottle throttle,
            long handshakeTimeoutMillis)
            throws InterruptedException {
        UnaryOperator<String> asIs = UnaryOperator.identity();
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new ReadTimeoutHandler(30))
                                    .addLast(new PskTlsHandler(bootstrapKeys, throttle, asIs, handshakeTimeoutMillis))
                                    .addLast(new HttpServerCodec(4096, 8192, 8192))
                                    .addLast(new HttpObjectAggregator(MAX_BODY))
                                    .addLast(new EstHttpHandler(est, worker, EstHttpHandler::byBootstrapKey));
                        }
                    })
                    .bind(address)
                    .sync()
                    .channel();
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The port it listens on. */
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
