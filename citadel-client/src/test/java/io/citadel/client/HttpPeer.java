package io.citadel.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP/1.1 peer that records each request (head and body, as bytes on the wire) and answers it with
 * {@link #answer}, then closes the connection.
 */
final class HttpPeer implements AutoCloseable {
    /** One request as it arrived: the request line, the header lines, the body. */
    record Received(String requestLine, String head, byte[] body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }
    }

    private final ServerSocket server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    /** The raw response head (status line and headers, without Content-Length) and body to send. */
    volatile String answerHead = "HTTP/1.1 200 OK\r\nX-M2M-RSC: 2000\r\n";

    volatile byte[] answerBody = new byte[0];

    HttpPeer() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::serve, "http-peer");
        t.setDaemon(true);
        t.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    void answer(String head, String body) {
        answerHead = head;
        answerBody = body.getBytes(StandardCharsets.UTF_8);
    }

    /** Forgets the requests received so far. */
    void drain() {
        received.clear();
    }

    Received next() throws InterruptedException {
        return received.poll(5, TimeUnit.SECONDS);
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.write(b);
                }
                String text = head.toString(StandardCharsets.ISO_8859_1);
                int length = 0;
                for (String line : text.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                byte[] body = in.readNBytes(length);
                received.add(new Received(text.substring(0, text.indexOf("\r\n")), text, body));
                byte[] answer = answerBody;
                OutputStream out = s.getOutputStream();
                out.write((answerHead + "Content-Length: " + answer.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(answer);
                out.flush();
            } catch (IOException e) {
                // closed by the test, or the client gave up: next connection
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
