package io.citadel.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.tls.PskTlsClient;
import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.PskCredential;
import io.citadel.security.HandshakeThrottle;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live TLS-PSK session ends when the credential store announces that its credential is revoked, by this store
 * or by another writer (the CLI), and not when the credential was only rotated: the store still vouches for the
 * identity then, as before the listener replaced the per-session polling. Real sockets, {@link PskTlsHandler}
 * on Netty with an echo behind it, a Bouncy Castle TLS 1.3 client.
 */
class PskSessionRevocationTest {
    private static final String IDENTITY = "dev@psk.example";
    private static final PskCredential DEV = new PskCredential(IDENTITY, List.of("Cdev"), null);

    @TempDir
    Path dir;

    EncryptedFilePskStore store;
    EventLoopGroup group;
    Channel server;

    @BeforeEach
    void start() throws Exception {
        store = EncryptedFilePskStore.open(dir, "pw".toCharArray());
        HandshakeThrottle throttle = new HandshakeThrottle(
                100,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofHours(1),
                100,
                java.time.Clock.systemUTC());
        group = new NioEventLoopGroup(1);
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new PskTlsHandler(store, throttle, s -> s, 30_000))
                                .addLast(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        ctx.writeAndFlush(msg); // echo
                                    }
                                });
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0)
                .sync()
                .channel();
    }

    @AfterEach
    void stop() throws Exception {
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static byte[] newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** A connected TLS 1.3 session with {@code key}; reads time out after 15 s. */
    private TlsClientProtocol session(Socket socket, byte[] key) throws IOException {
        socket.connect(server.localAddress(), 10_000);
        socket.setSoTimeout(15_000);
        TlsClientProtocol tls = new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
        tls.connect(new PskTlsClient(new BcTlsCrypto(), IDENTITY.getBytes(StandardCharsets.UTF_8), key.clone()));
        return tls;
    }

    private static String echo(TlsClientProtocol tls, String text) throws IOException {
        tls.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        tls.getOutputStream().flush();
        byte[] back = tls.getInputStream().readNBytes(text.length());
        return new String(back, StandardCharsets.UTF_8);
    }

    /** -1 once the server closed the session (close_notify), within the read timeout. */
    private static int readAfterClose(TlsClientProtocol tls) {
        try {
            InputStream in = tls.getInputStream();
            return in.read();
        } catch (IOException closedWithoutNotify) {
            return -1;
        }
    }

    @Test
    void a_rotated_key_leaves_the_session_open_a_revocation_here_ends_it() throws Exception {
        byte[] key = newKey();
        store.put(DEV, key);
        try (Socket socket = new Socket()) {
            TlsClientProtocol tls = session(socket, key);
            assertThat(echo(tls, "before")).isEqualTo("before");

            store.put(DEV, newKey()); // rotated: the store still vouches for the identity
            assertThat(echo(tls, "rotated")).isEqualTo("rotated");

            store.revoke(IDENTITY);
            assertThat(readAfterClose(tls)).isEqualTo(-1);
        }
    }

    @Test
    void a_revocation_by_another_writer_ends_the_session() throws Exception {
        byte[] key = newKey();
        store.put(DEV, key);
        try (Socket socket = new Socket()) {
            TlsClientProtocol tls = session(socket, key);
            assertThat(echo(tls, "before")).isEqualTo("before");
            EncryptedFilePskStore.open(dir, "pw".toCharArray()).revoke(IDENTITY); // the CLI, say
            assertThat(readAfterClose(tls)).isEqualTo(-1);
        }
    }
}
