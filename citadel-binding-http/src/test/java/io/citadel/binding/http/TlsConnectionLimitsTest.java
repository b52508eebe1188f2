package io.citadel.binding.http;

import static io.citadel.binding.http.TestListener.exchange;
import static io.citadel.binding.http.TestListener.header;
import static io.citadel.binding.http.TestListener.retrieve;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, defect 12 on a secured listener: the TLS, TLS-PSK and raw-key listeners are all an
 * {@link HttpBinding} with a security handler first, so the same limits and deadlines hold before and
 * after the handshake. Checked here with certificate TLS.
 */
class TlsConnectionLimitsTest {
    @TempDir
    static Path dataDir;
    /** Where handshakes and exchanges must succeed: a cold JSSE handshake on a loaded machine may take over 1 s. */
    static TestListener listener;
    /** With a one-second deadline, for a test that only waits for the close. */
    static TestListener shortDeadline;

    static SelfSignedCertificate certificate;

    @BeforeAll
    static void start() throws Exception {
        certificate = new SelfSignedCertificate("localhost");
        SslContext server = SslContextBuilder.forServer(certificate.certificate(), certificate.privateKey())
                .build();
        int deadline = ConnectionLimitsTest.HEAD_DEADLINE;
        listener = new TestListener(
                Files.createDirectory(dataDir.resolve("normal")),
                s -> s.withConnectionLimits(8, 4, 2).withDeadlines(deadline, deadline, 120),
                () -> server.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT));
        shortDeadline = new TestListener(
                Files.createDirectory(dataDir.resolve("short")),
                s -> s.withConnectionLimits(8, 4, 2).withDeadlines(1, 1, 120),
                () -> server.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT));
    }

    @AfterAll
    static void stop() {
        listener.close();
        shortDeadline.close();
        certificate.delete();
    }

    private static SSLSocket tls(String localAddress) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) context.getSocketFactory()
                .createSocket(
                        InetAddress.getLoopbackAddress(), listener.port(), InetAddress.getByName(localAddress), 0);
        s.setSoTimeout(30_000);
        return s;
    }

    @Test
    void a_client_that_never_starts_the_handshake_is_closed() throws Exception {
        try (Socket raw = shortDeadline.connect("127.0.0.4")) {
            assertThat(TestListener.readToEnd(raw)).isEmpty();
        }
    }

    @Test
    void a_client_that_completes_the_handshake_but_asks_nothing_is_closed() throws Exception {
        try (SSLSocket s = tls("127.0.0.4")) {
            s.startHandshake();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void a_tls_flood_from_one_address_leaves_room_for_others() throws Exception {
        java.util.List<Socket> flood = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                flood.add(listener.connect("127.0.0.5"));
            }
            try (SSLSocket normal = tls("127.0.0.1")) {
                assertThat(header(exchange(normal, retrieve("tls1")), "X-M2M-RSC"))
                        .isEqualTo("2000");
            }
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }
}
