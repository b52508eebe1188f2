package io.citadel.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A hostile HTTP link between two CSE processes: relays every request to the target port, records every byte both
 * ways, keeps the last request that carried {@code m2m:seci} (to replay it), and rewrites a request on demand.
 */
final class RecordingRelay implements AutoCloseable {
    /** A request as it crossed the relay. */
    record Captured(String method, String path, Map<String, List<String>> headers, byte[] body) {}

    private final int targetPort;
    private final HttpServer server;
    private final List<String> relayed = new CopyOnWriteArrayList<>();
    private final AtomicReference<Captured> lastSecurityInfo = new AtomicReference<>();
    private final AtomicReference<UnaryOperator<String>> tamper = new AtomicReference<>();

    RecordingRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String text = new String(body, StandardCharsets.UTF_8);
                relayed.add(exchange.getRequestURI() + " " + exchange.getRequestHeaders() + " " + text);
                if (text.contains("m2m:seci")) {
                    lastSecurityInfo.set(new Captured(
                            exchange.getRequestMethod(),
                            exchange.getRequestURI().toString(),
                            Map.copyOf(exchange.getRequestHeaders()),
                            body));
                }
                UnaryOperator<String> rewrite = tamper.get();
                String rewritten = rewrite == null ? null : rewrite.apply(text);
                if (rewritten != null && tamper.compareAndSet(rewrite, null)) {
                    body = rewritten.getBytes(StandardCharsets.UTF_8);
                }
                HttpResponse<byte[]> r = forward(
                        client,
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders(),
                        body);
                relayed.add(new String(r.body(), StandardCharsets.UTF_8));
                r.headers().map().forEach((k, v) -> {
                    if (!k.equalsIgnoreCase("content-length")
                            && !k.equalsIgnoreCase("transfer-encoding")
                            && !k.equalsIgnoreCase("connection")
                            && !k.equalsIgnoreCase(":status")) {
                        exchange.getResponseHeaders().put(k, v);
                    }
                });
                exchange.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                exchange.getResponseBody().write(r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Everything relayed so far: each request (path, headers, body) and each response body. */
    List<String> relayed() {
        return relayed;
    }

    /** The last request that carried {@code m2m:seci}, as it arrived. */
    Captured lastSecurityInfo() {
        return lastSecurityInfo.get();
    }

    /** Rewrites the next request that {@code rewrite} (given its body as text) does not answer null for. */
    void tamperNext(UnaryOperator<String> rewrite) {
        tamper.set(rewrite);
    }

    /** Sends {@code c} once more, straight to the target, as anyone on the link could. */
    HttpResponse<byte[]> replay(Captured c) throws IOException, InterruptedException {
        return forward(HttpClient.newHttpClient(), c.method(), c.path(), c.headers(), c.body());
    }

    private HttpResponse<byte[]> forward(
            HttpClient client, String method, String path, Map<String, List<String>> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + targetPort + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((k, v) -> {
            String lower = k.toLowerCase(java.util.Locale.ROOT);
            if (!List.of("host", "content-length", "connection", "expect", "upgrade")
                    .contains(lower)) {
                v.forEach(value -> b.header(k, value));
            }
        });
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
