package io.citadel.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Certificate TLS on Bouncy Castle ({@link CertificateTlsHandler}) on a real socket, with a handler behind it that
 * answers each read with the keying material the session exported and the client certificate's subject. Refusals
 * first: no client certificate, one under no trusted anchor, an expired one, garbage instead of a ClientHello, a
 * handshake that stalls; then the JDK's TLS client over TLS 1.3 and 1.2, and a Bouncy Castle client that exports the
 * same keying material as the server.
 */
class CertificateTlsHandlerTest {
    static final String LABEL = "EXPORTER-oneM2M-Bootstrap";
    static final long HANDSHAKE_TIMEOUT = 1_500;

    static CertificateAuthority ca;
    static CertificateAuthority.Issued server;
    static CertificateAuthority.Issued client;
    static EventLoopGroup group;
    static Channel listener;
    /** What reached the handler behind the TLS handler. */
    static final Queue<String> delivered = new ConcurrentLinkedQueue<>();

    final Queue<LogRecord> logged = new ConcurrentLinkedQueue<>();
    /** One permit per line logged: the signal a test waits for. */
    final java.util.concurrent.Semaphore arrived = new java.util.concurrent.Semaphore(0);

    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
            arrived.release();
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeAll
    static void start() throws Exception {
        ca = CertificateAuthority.create("citadel.example", Duration.ofDays(1));
        server = ca.issueServer("mef.citadel.example", List.of(), Duration.ofDays(1));
        client = ca.issueAe("Cdev1", "/id-in", "citadel.example", Duration.ofDays(1));
        CertificateTlsHandler.Settings settings = CertificateTlsHandler.Settings.of(
                server.key(), List.of(server.certificate(), ca.certificate()), List.of(ca.certificate()));
        group = new NioEventLoopGroup(1);
        listener = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(settings.newHandler(HANDSHAKE_TIMEOUT).exporting(Map.of(LABEL, 48)))
                                .addLast(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        delivered.add(((ByteBuf) msg).toString(StandardCharsets.UTF_8));
                                        ((ByteBuf) msg).release();
                                        KeyingMaterial km = ctx.channel()
                                                .attr(ChannelIdentity.KEYING_MATERIAL)
                                                .get();
                                        List<X509Certificate> chain = ctx.channel()
                                                .attr(ChannelIdentity.PEER_CERTIFICATES)
                                                .get();
                                        String answer = HexFormat.of().formatHex(km.export(LABEL, 48)) + " "
                                                + chain.get(0)
                                                        .getSubjectX500Principal()
                                                        .getName() + "\n";
                                        ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8));
                                    }
                                });
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0)
                .sync()
                .channel();
    }

    @AfterAll
    static void stop() throws Exception {
        listener.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @BeforeEach
    void listen() {
        delivered.clear();
        Logger.getLogger("citadel.security").addHandler(capture);
    }

    @AfterEach
    void unlisten() {
        Logger.getLogger("citadel.security").removeHandler(capture);
    }

    static int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The JDK's TLS client with {@code certificate} (none: null), trusting the test CA. */
    static SSLSocket jdkClient(CertificateAuthority.Issued certificate, String protocol) throws Exception {
        char[] none = new char[0];
        KeyManagerFactory kmf = null;
        if (certificate != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, none);
            keys.setKeyEntry(
                    "c", certificate.key(), none, new X509Certificate[] {certificate.certificate(), certificate.ca()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, none);
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, none);
        trusted.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket();
        socket.setEnabledProtocols(new String[] {protocol});
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 10_000);
        socket.setSoTimeout(15_000);
        return socket;
    }

    /** The server's answer to one line, or null when the session failed (an alert, or the connection closed). */
    static String exchange(SSLSocket socket) {
        try {
            socket.startHandshake();
            socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            byte[] answer = readLine(socket.getInputStream());
            return answer == null ? null : new String(answer, StandardCharsets.UTF_8);
        } catch (IOException refused) {
            return null;
        }
    }

    static byte[] readLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return null;
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    /** The log lines of citadel.security, once at least {@code n} arrived (within 10 s). */
    List<LogRecord> awaitLogged(int n) throws InterruptedException {
        if (arrived.tryAcquire(n, 10, TimeUnit.SECONDS)) {
            arrived.release(n); // what arrived stays counted until the test clears it
        }
        return List.copyOf(logged);
    }

    /** One line saying why, no stack trace. */
    void assertOneLogLine(String reason) throws InterruptedException {
        List<LogRecord> lines = awaitLogged(1);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).getMessage())
                .contains("certificate TLS handshake failed")
                .contains(reason);
        assertThat(lines.get(0).getThrown()).isNull();
    }

    @Test
    void a_server_key_that_is_not_ec_or_no_client_anchor_is_refused_at_start() throws Exception {
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        List<X509Certificate> chain = List.of(server.certificate(), ca.certificate());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CertificateTlsHandler.Settings.of(
                        rsa.generateKeyPair().getPrivate(), chain, List.of(ca.certificate())))
                .isInstanceOf(javax.net.ssl.SSLException.class)
                .hasMessage("the server's key must be an EC (P-256) key");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> CertificateTlsHandler.Settings.of(server.key(), chain, List.of()))
                .isInstanceOf(javax.net.ssl.SSLException.class)
                .hasMessageContaining("at least one client trust anchor");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void a_client_without_a_certificate_gets_no_session(String protocol) throws Exception {
        try (SSLSocket socket = jdkClient(null, protocol)) {
            assertThat(exchange(socket)).isNull();
        }
        assertThat(delivered).isEmpty();
        assertOneLogLine("no client certificate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void a_certificate_under_no_trusted_anchor_gets_no_session(String protocol) throws Exception {
        // an impostor CA with the trusted CA's name, and a CA of another name
        for (String sp : List.of("citadel.example", "rogue.example")) {
            CertificateAuthority other = CertificateAuthority.create(sp, Duration.ofDays(1));
            try (SSLSocket socket = jdkClient(other.issueAe("Cdev1", "/id-in", sp, Duration.ofDays(1)), protocol)) {
                assertThat(exchange(socket)).isNull();
            }
            assertThat(delivered).isEmpty();
            assertOneLogLine("under no trusted anchor");
            logged.clear();
            arrived.drainPermits();
        }
    }

    @Test
    void an_expired_certificate_gets_no_session() throws Exception {
        Instant now = Instant.now();
        CertificateAuthority.Issued expired = ca.issue(
                "CN=Cold",
                List.of(new GeneralName(GeneralName.uniformResourceIdentifier, "onem2m://citadel.example/id-in/Cold")),
                now.minusSeconds(7200),
                now.minusSeconds(3600),
                false,
                true);
        try (SSLSocket socket = jdkClient(expired, "TLSv1.3")) {
            assertThat(exchange(socket)).isNull();
        }
        assertThat(delivered).isEmpty();
        assertOneLogLine("expired");
    }

    @Test
    void a_server_certificate_is_no_client_certificate() throws Exception {
        CertificateAuthority.Issued serverOnly = ca.issueServer("other.citadel.example", List.of(), Duration.ofDays(1));
        try (SSLSocket socket = jdkClient(serverOnly, "TLSv1.3")) {
            assertThat(exchange(socket)).isNull();
        }
        assertThat(delivered).isEmpty();
        assertOneLogLine("client certificate refused");
    }

    @Test
    void plain_http_instead_of_a_client_hello_gets_the_connection_closed() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().readAllBytes())
                    .as("nothing: Bouncy Castle answers nothing before a valid ClientHello")
                    .isEmpty();
        }
        assertThat(delivered).isEmpty();
        assertOneLogLine("reason=unexpected_message");
    }

    @Test
    void a_malformed_client_hello_gets_the_connection_closed() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(15_000);
            // a handshake record holding a ClientHello of one garbage byte
            socket.getOutputStream().write(new byte[] {22, 3, 1, 0, 5, 1, 0, 0, 1, (byte) 0xff});
            assertThat(socket.getInputStream().readAllBytes()).isEmpty();
        }
        assertThat(delivered).isEmpty();
        assertOneLogLine("reason=decode_error");
    }

    @Test
    void a_client_hello_without_a_suite_in_common_gets_an_alert_and_the_connection_closed() throws Exception {
        javax.net.ssl.SSLEngine engine = SSLContext.getDefault().createSSLEngine();
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {"TLSv1.2"});
        engine.setEnabledCipherSuites(new String[] {"TLS_RSA_WITH_AES_128_CBC_SHA"});
        engine.beginHandshake();
        java.nio.ByteBuffer hello =
                java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(java.nio.ByteBuffer.allocate(0), hello);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(hello.array(), 0, hello.position());
            byte[] answer = socket.getInputStream().readAllBytes();
            assertThat(answer).hasSize(7);
            assertThat(answer[0]).as("an alert record").isEqualTo((byte) 21);
            assertThat(answer[6]).as("handshake_failure").isEqualTo((byte) 40);
        }
        assertThat(delivered).isEmpty();
        assertOneLogLine("reason=handshake_failure");
    }

    @Test
    void a_handshake_that_stalls_is_closed_after_the_timeout() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(new byte[] {22, 3, 1, 0, 100, 1}); // the start of a ClientHello, no more
            assertThat(socket.getInputStream().read())
                    .as("closed by the server")
                    .isEqualTo(-1);
        }
        assertThat(delivered).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void the_jdk_client_with_a_trusted_certificate_gets_a_session_and_the_chain_is_on_the_channel(String protocol)
            throws Exception {
        try (SSLSocket socket = jdkClient(client, protocol)) {
            String answer = exchange(socket);
            assertThat(answer).isNotNull().endsWith(" CN=Cdev1");
            assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(server.certificate());
        }
        assertThat(delivered).containsExactly("hello\n");
        assertThat(logged).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void client_and_server_export_the_same_keying_material(String protocol) throws Exception {
        ProtocolVersion version = protocol.equals("TLSv1.3") ? ProtocolVersion.TLSv13 : ProtocolVersion.TLSv12;
        ExportingClient bc = new ExportingClient(version);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(15_000);
            TlsClientProtocol tls = new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
            tls.connect(bc);
            tls.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            String answer = new String(readLine(tls.getInputStream()), StandardCharsets.UTF_8);
            assertThat(answer.split(" ")[0]).isEqualTo(HexFormat.of().formatHex(bc.exported));
            tls.close();
        }
    }

    /** A Bouncy Castle TLS client with the test client certificate that exports keying material after the handshake. */
    static final class ExportingClient extends DefaultTlsClient {
        private final ProtocolVersion version;
        byte[] exported;

        ExportingClient(ProtocolVersion version) {
            super(new BcTlsCrypto(new SecureRandom()));
            this.version = version;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return version.only();
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    byte[] leaf = serverCertificate
                            .getCertificate()
                            .getCertificateAt(0)
                            .getEncoded();
                    try {
                        assertThat(leaf).isEqualTo(server.certificate().getEncoded());
                    } catch (java.security.cert.CertificateEncodingException e) {
                        throw new IOException(e);
                    }
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    BcTlsCrypto crypto = (BcTlsCrypto) getCrypto();
                    try {
                        TlsCertificate leaf =
                                crypto.createCertificate(client.certificate().getEncoded());
                        Certificate chain = TlsUtils.isTLSv13(context)
                                ? new Certificate(
                                        request.getCertificateRequestContext(),
                                        new CertificateEntry[] {new CertificateEntry(leaf, null)})
                                : new Certificate(new TlsCertificate[] {leaf});
                        return new BcDefaultTlsCredentialedSigner(
                                new TlsCryptoParameters(context),
                                crypto,
                                PrivateKeyFactory.createKey(client.key().getEncoded()),
                                chain,
                                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                    } catch (java.security.cert.CertificateEncodingException e) {
                        throw new IOException(e);
                    }
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            exported = context.exportKeyingMaterial(LABEL, null, 48);
        }
    }
}
