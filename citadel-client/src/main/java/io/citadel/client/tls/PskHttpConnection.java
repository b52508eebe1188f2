package io.citadel.client.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.SocketFactory;

/**
 * A minimal HTTP/1.1 client on one keep-alive TLS-PSK connection (requests one at a time; a new connection
 * when the server closed the last one, an idempotent request repeated once on it). Enough for oneM2M
 * primitives: Content-Length bodies, no chunking, no redirects.
 */
public final class PskHttpConnection implements AutoCloseable {
    /** An HTTP answer; header names in lower case. */
    public record Reply(int status, Map<String, String> headers, byte[] body) {
        public java.util.Optional<String> header(String name) {
            return java.util.Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    private static final int MAX_HEADER = 16 * 1024;
    private static final int MAX_BODY = 4 * 1024 * 1024;
    private final String host;
    private final int port;
    private final SocketFactory sockets;
    private Socket socket;
    /** What the handshake of the last connection exported, by label (kept after the server closed it). */
    private Map<String, byte[]> lastExports = Map.of();

    private final java.util.Set<String> exportLabels;

    /** A connection (opened at the first exchange) to {@code host:port} with {@code key} (copied) under {@code identity}. */
    public PskHttpConnection(String host, int port, String identity, byte[] key) {
        this(host, port, identity, key, Map.of());
    }

    /**
     * As {@link #PskHttpConnection(String, int, String, byte[])}, each handshake exporting keying material for
     * {@code exports} (label → length), read with {@link #exported}.
     */
    public PskHttpConnection(String host, int port, String identity, byte[] key, Map<String, Integer> exports) {
        this.host = host;
        this.port = port;
        this.sockets = PskClientSockets.factory(identity, key, exports);
        this.exportLabels = java.util.Set.copyOf(exports.keySet());
    }

    /**
     * The keying material exported for {@code label} by the handshake of the connection that carried the last
     * exchange (a copy: the caller zeroes it). A POST is never repeated on a new connection, so after a POST this is
     * the material of the session in which the server handled it.
     */
    public synchronized byte[] exported(String label) {
        byte[] b = lastExports.get(label);
        if (b == null) {
            throw new IllegalStateException("no keying material exported for " + label);
        }
        return b.clone();
    }

    /** One request and its answer; {@code headers} must not include Host or Content-Length. */
    public synchronized Reply exchange(
            String method, String pathAndQuery, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException {
        boolean fresh = socket == null;
        try {
            return once(method, pathAndQuery, headers, body, timeout);
        } catch (IOException e) {
            closeSocket();
            if (fresh || method.equals("POST")) {
                throw e; // a POST may have been carried out: not repeated behind the caller's back
            }
            return once(method, pathAndQuery, headers, body, timeout); // the server closed an idle connection
        }
    }

    private Reply once(String method, String pathAndQuery, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException {
        if (socket == null) {
            Socket s = sockets.createSocket();
            s.connect(new InetSocketAddress(host, port), (int) Math.min(timeout.toMillis(), 10_000));
            socket = s;
            Map<String, byte[]> exports = new HashMap<>();
            for (String label : exportLabels) {
                exports.put(label, PskClientSockets.exported(s, label));
            }
            wipe(lastExports);
            lastExports = exports;
        }
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        StringBuilder head = new StringBuilder(method)
                .append(' ')
                .append(pathAndQuery)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(host)
                .append(':')
                .append(port)
                .append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        InputStream in = socket.getInputStream();
        String[] lines = readHead(in).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + lines[0]);
        }
        Map<String, String> h = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                h.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        int length;
        int code;
        try {
            length = Integer.parseInt(h.getOrDefault("content-length", "0").trim());
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw new IOException("malformed response head: " + lines[0]);
        }
        if (length < 0 || length > MAX_BODY) {
            throw new IOException("response body of " + length + " bytes");
        }
        byte[] content = in.readNBytes(length);
        if (content.length < length) {
            throw new IOException("connection closed inside the response body");
        }
        if ("close".equalsIgnoreCase(h.get("connection"))) {
            closeSocket();
        }
        return new Reply(code, h, content);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before a response");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : b == '\r' ? 1 : 0;
            if (head.size() > MAX_HEADER) {
                throw new IOException("response head too large");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1).trim();
    }

    private static void wipe(Map<String, byte[]> material) {
        material.values().forEach(b -> java.util.Arrays.fill(b, (byte) 0));
    }

    /** Closes the connection and forgets any exported keying material. */
    @Override
    public synchronized void close() {
        closeSocket();
        wipe(lastExports);
        lastExports = Map.of();
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
