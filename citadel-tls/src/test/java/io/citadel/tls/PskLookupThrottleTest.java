package io.citadel.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.client.tls.PskTlsClient;
import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.PskCredential;
import io.citadel.credentials.PskStore;
import io.citadel.security.HandshakeThrottle;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.TlsClient;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard against online guessing of pre-shared keys is asked again when the key is looked up (review of
 * issue 14, defect 15): otherwise an attacker opens many connections while it is still admitted and then tries
 * one key on each after its address was shut out. Real sockets, {@link PskTlsHandler} on Netty, Bouncy Castle
 * clients (TLS 1.3 external PSK and TLS 1.2 PSK).
 */
class PskLookupThrottleTest {
    private static final String IDENTITY = "dev@psk.example";
    private static final byte[] KEY = new byte[32];

    @TempDir
    Path dir;

    final HandshakeThrottle throttle = new HandshakeThrottle(
            3, Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofHours(1), 100, java.time.Clock.systemUTC());
    final LinkedBlockingQueue<InetSocketAddress> opened = new LinkedBlockingQueue<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    EventLoopGroup group;
    Channel server;

    @BeforeEach
    void start() throws Exception {
        java.util.Arrays.fill(KEY, (byte) 7);
        PskStore store = EncryptedFilePskStore.open(dir, "pw".toCharArray());
        store.put(new PskCredential(IDENTITY, List.of("Cdev"), null), KEY.clone());
        Logger.getLogger("citadel.security").addHandler(capture);
        group = new NioEventLoopGroup(1);
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new PskTlsHandler(store, throttle, s -> s, 30_000));
                        opened.add(ch.remoteAddress()); // the connection was admitted (or refused) by now
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0)
                .sync()
                .channel();
    }

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger("citadel.security").removeHandler(capture);
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private Socket connect(String from) throws Exception {
        Socket s = new Socket(
                InetAddress.getLoopbackAddress(),
                ((InetSocketAddress) server.localAddress()).getPort(),
                InetAddress.getByName(from),
                0);
        s.setSoTimeout(30_000);
        InetSocketAddress seen = opened.poll(30, TimeUnit.SECONDS);
        assertThat(seen).as("the server took the connection").isNotNull();
        return s;
    }

    private static void handshake(Socket s, TlsClient client) throws IOException {
        TlsClientProtocol protocol = new TlsClientProtocol(s.getInputStream(), s.getOutputStream());
        protocol.connect(client);
        protocol.close();
    }

    private static TlsClient tls13() {
        return new PskTlsClient(new BcTlsCrypto(), IDENTITY.getBytes(StandardCharsets.UTF_8), KEY.clone());
    }

    private static TlsClient tls12() {
        return new PSKTlsClient(new BcTlsCrypto(), new BasicTlsPSKIdentity(IDENTITY, KEY.clone()));
    }

    /** Shuts 127.0.0.1 out as its guesses at another identity would. */
    private void shutOut(InetAddress address) {
        for (int i = 0; i < 3; i++) {
            throttle.failed("TLS-PSK", address, "other@psk.example", "decrypt_error");
        }
        assertThat(throttle.admits(address)).isFalse();
    }

    @Test
    void a_connection_opened_before_its_address_was_shut_out_gets_no_key() throws Exception {
        InetAddress attacker = InetAddress.getByName("127.0.0.1");
        try (Socket early13 = connect("127.0.0.1");
                Socket early12 = connect("127.0.0.1")) {
            shutOut(attacker);
            assertThatThrownBy(() -> handshake(early13, tls13())).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> handshake(early12, tls12())).isInstanceOf(IOException.class);
        }
        group.submit(() -> {}).sync(); // the event loop (one thread) has finished handling both failures
        // refused at the look-up: tried no key, so not counted as more guesses; logged once for the shut-out
        assertThat(throttle.failures(attacker)).isEqualTo(3);
        assertThat(log)
                .filteredOn(l -> l.startsWith("TLS-PSK: refused a handshake from 127.0.0.1 "))
                .hasSize(1);
        assertThat(log)
                .filteredOn(l -> l.startsWith("TLS-PSK handshake failed") && l.contains("identity=" + IDENTITY))
                .isEmpty();
    }

    @Test
    void an_admitted_peer_completes_the_handshake_and_clears_only_its_own_failures() throws Exception {
        InetAddress device = InetAddress.getByName("127.0.0.2");
        throttle.failed("TLS-PSK", device, "other@psk.example", "decrypt_error");
        throttle.failed("TLS-PSK", device, IDENTITY, "decrypt_error");
        try (Socket s = connect("127.0.0.2")) {
            handshake(s, tls13());
        }
        try (Socket s = connect("127.0.0.2")) {
            handshake(s, tls12());
        }
        group.submit(() -> {}).sync(); // the event loop has recorded both successes
        assertThat(throttle.failures(device)).isEqualTo(1); // other@psk.example's guess stays
        assertThat(throttle.admits(device)).isTrue();
    }
}
