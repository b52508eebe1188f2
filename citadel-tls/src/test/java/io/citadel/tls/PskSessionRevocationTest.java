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

    /** What the handler behind the TLS handler was given, in order. */
    final java.util.Queue<String> delivered = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws Exception {
        store = EncryptedFilePskStore.open(dir, "pw".toCharArray());
        server = listen(store);
    }

    private Channel listen(io.citadel.credentials.PskStore keys) throws Exception {
        HandshakeThrottle throttle = new HandshakeThrottle(
                100,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofHours(1),
                100,
                java.time.Clock.systemUTC());
        if (group == null) {
            group = new NioEventLoopGroup(1);
        }
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new PskTlsHandler(keys, throttle, s -> s, 30_000))
                                .addLast(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        delivered.add(((io.netty.buffer.ByteBuf) msg).toString(StandardCharsets.UTF_8));
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

    /**
     * The credential is revoked between the handshake's key look-up and the binding of the session: the session
     * closes, and the data the client sent in the same flight as its Finished never reaches the application (it
     * would have been read as unauthenticated).
     */
    @Test
    void data_sent_with_the_finished_of_a_session_revoked_meanwhile_is_never_read() throws Exception {
        byte[] key = newKey();
        store.put(DEV, key);
        io.citadel.credentials.PskStore revokedAfterLookUp = new RevokedAfterLookUp(store);
        Channel refusing = listen(revokedAfterLookUp);
        try (Socket socket = new Socket()) {
            socket.connect(refusing.localAddress(), 10_000);
            socket.setSoTimeout(15_000);
            org.bouncycastle.tls.TlsClientProtocol tls = new org.bouncycastle.tls.TlsClientProtocol(); // non-blocking
            tls.connect(new PskTlsClient(new BcTlsCrypto(), IDENTITY.getBytes(StandardCharsets.UTF_8), key.clone()));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16_384];
            while (tls.isHandshaking()) {
                flush(tls, socket);
                int n = in.read(buffer);
                assertThat(n).as("the server answered the handshake").isPositive();
                tls.offerInput(java.util.Arrays.copyOf(buffer, n));
            }
            // the client's Finished and a request, in one write
            byte[] request = "GET /cse-in HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.UTF_8);
            tls.writeApplicationData(request, 0, request.length);
            flush(tls, socket);
            // the server closes: end of stream (after a close_notify, perhaps) or a reset
            int read;
            try {
                while ((read = in.read(buffer)) > 0) {
                    tls.offerInput(java.util.Arrays.copyOf(buffer, read));
                }
            } catch (IOException reset) {
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
        } finally {
            refusing.close().sync();
        }
        assertThat(delivered).as("nothing reached the application").isEmpty();
    }

    private static void flush(org.bouncycastle.tls.TlsClientProtocol tls, Socket socket) throws IOException {
        int n = tls.getAvailableOutputBytes();
        if (n > 0) {
            byte[] out = new byte[n];
            tls.readOutput(out, 0, n);
            socket.getOutputStream().write(out);
            socket.getOutputStream().flush();
        }
    }

    /** Gives keys for handshakes but vouches for no session: a revocation between the look-up and the binding. */
    private record RevokedAfterLookUp(io.citadel.credentials.PskStore keys) implements io.citadel.credentials.PskStore {
        @Override
        public java.util.Optional<PskCredential> lookup(String identity, java.time.Instant now) {
            return keys.lookup(identity, now);
        }

        @Override
        public java.util.Optional<byte[]> key(String identity, java.time.Instant now) {
            return keys.key(identity, now);
        }

        @Override
        public java.util.Optional<String> unusable(String identity) {
            return keys.unusable(identity);
        }

        @Override
        public void put(PskCredential credential, byte[] key) {
            keys.put(credential, key);
        }

        @Override
        public boolean revoke(String identity) {
            return keys.revoke(identity);
        }

        @Override
        public java.util.Optional<io.citadel.credentials.SecurityAssociation> association(
                String identity, java.time.Instant now, java.util.function.UnaryOperator<String> normalize) {
            return java.util.Optional.empty();
        }

        @Override
        public List<PskCredential> list() {
            return keys.list();
        }

        @Override
        public void addListener(io.citadel.credentials.CredentialListener listener) {
            keys.addListener(listener);
        }

        @Override
        public void removeListener(io.citadel.credentials.CredentialListener listener) {
            keys.removeListener(listener);
        }
    }
}
