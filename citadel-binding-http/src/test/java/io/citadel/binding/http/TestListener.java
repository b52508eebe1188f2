package io.citadel.binding.http;

import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.InboundPort;
import io.citadel.store.jdbc.JdbcResourceStore;
import io.citadel.store.jdbc.StoreSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A real engine on the embedded store behind one {@link HttpBinding}, plus raw-socket helpers for tests. */
final class TestListener implements AutoCloseable {
    static final String ADMIN = "CAdminHttpTest";
    private final JdbcResourceStore store;
    private final Cse cse;
    private final InboundPort port;
    final HttpBinding binding;

    TestListener(Path dataDir, java.util.function.UnaryOperator<HttpSettings> limits) throws InterruptedException {
        this(dataDir, limits, null);
    }

    TestListener(
            Path dataDir,
            java.util.function.UnaryOperator<HttpSettings> limits,
            java.util.function.Supplier<io.netty.channel.ChannelHandler> security)
            throws InterruptedException {
        store = new JdbcResourceStore(StoreSettings.embedded(dataDir, false));
        cse = Cse.builder(
                        new CseSettings(
                                "/id-in", "cse-in", "//citadel.example", 1, ADMIN, List.of("C*"), List.of(), 100),
                        store)
                .build();
        HttpSettings settings = limits.apply(HttpSettings.defaults("127.0.0.1", 0, 4096, 4));
        port = InboundPort.open(cse, cse.connections(), "test-worker", settings.workerThreads(), 16_384);
        binding = new HttpBinding(port, settings, null, security);
    }

    int port() {
        return binding.port();
    }

    /** A retrieve of the CSEBase as the administrator, with request ID {@code rqi}. */
    static String retrieve(String rqi) {
        return "GET /cse-in HTTP/1.1\r\nHost: localhost\r\nX-M2M-Origin: " + ADMIN + "\r\nX-M2M-RI: " + rqi
                + "\r\nX-M2M-RVI: 3\r\nAccept: application/json\r\n\r\n";
    }

    /** Opens a connection from {@code localAddress} (any 127.x.y.z works on Linux). */
    Socket connect(String localAddress) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port(), InetAddress.getByName(localAddress), 0);
        s.setSoTimeout(30_000);
        return s;
    }

    /** Writes {@code request} and reads one response head and body (by Content-Length). */
    static String exchange(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return readResponse(s.getInputStream());
    }

    /** One response, or "" when the peer closed (or reset) the connection first. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
                head.write(b);
            }
        } catch (SocketException reset) {
            return head.toString(StandardCharsets.ISO_8859_1);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Everything until the peer closes; fails (SocketTimeoutException) if it never does. */
    static String readToEnd(Socket s) throws IOException {
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketException reset) {
            return "";
        }
    }

    static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The value of header {@code name} in a raw response, or null. */
    static String header(String response, String name) {
        for (String line : response.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    @Override
    public void close() {
        binding.close();
        port.close();
        cse.close();
        store.close();
    }
}
