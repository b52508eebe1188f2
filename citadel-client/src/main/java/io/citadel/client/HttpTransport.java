package io.citadel.client;

import com.sun.net.httpserver.HttpServer;
import io.citadel.client.tls.PskHttpConnection;
import io.citadel.client.tls.PskHttpConnection.Reply;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.QueryParameters;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * The HTTP binding (TS-0009) for an AE: primitives mapped to requests with {@code X-M2M-*} headers, sent by
 * the JDK's HTTP client (plain, or TLS with a certificate) or, for TLS-PSK, which the JDK cannot do, over
 * one keep-alive connection of {@link PskHttpConnection}.
 */
public final class HttpTransport implements OneM2mTransport {
    /** One HTTP/1.1 exchange: method, path with query, headers, body; the answer. */
    interface Wire {
        Reply exchange(String method, String pathAndQuery, Map<String, String> headers, byte[] body, Duration timeout)
                throws IOException, InterruptedException;

        default void close() {}
    }

    private final Wire wire;
    private HttpServer receiver;

    private HttpTransport(Wire wire) {
        this.wire = wire;
    }

    /** {@code http://host:port} or, with {@code tls} (client certificate and trust), {@code https://host:port}. */
    public static HttpTransport connect(String baseUri, SSLContext tls) {
        HttpClient.Builder b =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            b.sslContext(tls);
        }
        HttpClient http = b.build();
        String base = baseUri.endsWith("/") ? baseUri.substring(0, baseUri.length() - 1) : baseUri;
        return new HttpTransport((method, pathAndQuery, headers, body, timeout) -> {
            HttpRequest.Builder r =
                    HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout);
            headers.forEach(r::header);
            r.method(
                    method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> rsp = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> h = new java.util.HashMap<>();
            rsp.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            return new Reply(rsp.statusCode(), h, rsp.body());
        });
    }

    /**
     * HTTPS with a pre-shared key (TLS 1.2 PSK suites through Bouncy Castle) to {@code host:port}, as a
     * device with a KpsaID would connect to the CSE's TLS-PSK listener.
     */
    public static HttpTransport psk(String host, int port, String identity, byte[] key) {
        PskHttpConnection connection = new PskHttpConnection(host, port, identity, key);
        return new HttpTransport(new Wire() {
            @Override
            public Reply exchange(
                    String method, String pathAndQuery, Map<String, String> headers, byte[] body, Duration timeout)
                    throws IOException {
                return connection.exchange(method, pathAndQuery, headers, body, timeout);
            }

            @Override
            public void close() {
                connection.close();
            }
        });
    }

    /**
     * TS-0009 §6.2.1: CSE-relative as is, SP-relative under {@code /~}, absolute under {@code /_}; every byte that
     * is not a path character of RFC 3986 percent-encoded, as are {@code %} and {@code +} (a server may read a raw
     * {@code +} as a space), so a target with a space, {@code #}, {@code ?} or non-ASCII letters arrives whole.
     */
    static String path(String to) {
        if (to.startsWith("//")) {
            return "/_" + percentEncode(to.substring(1));
        }
        return to.startsWith("/") ? "/~" + percentEncode(to) : "/" + percentEncode(to);
    }

    private static String percentEncode(String path) {
        StringBuilder out = new StringBuilder(path.length());
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean kept = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~!$&'()*,;=:@/".indexOf(c) >= 0;
            if (kept) {
                out.append((char) c);
            } else {
                out.append('%').append("0123456789ABCDEF".charAt(c >> 4)).append("0123456789ABCDEF".charAt(c & 0xf));
            }
        }
        return out.toString();
    }

    @Override
    public ResponsePrimitive send(RequestPrimitive r, Duration timeout) {
        StringBuilder url = new StringBuilder(path(r.to()));
        char sep = '?';
        for (Map.Entry<String, String> p : QueryParameters.encode(r)) {
            url.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
            sep = '&';
        }
        if (r.responseType() != null) {
            url.append(sep).append("rt=").append(r.responseType());
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (r.requestId() != null) {
            headers.put("X-M2M-RI", r.requestId());
        }
        headers.put("Accept", "application/json");
        if (r.releaseVersion() != null) {
            headers.put("X-M2M-RVI", r.releaseVersion());
        }
        if (r.from() != null) {
            headers.put("X-M2M-Origin", r.from());
        }
        if (r.requestExpiration() != null) {
            headers.put("X-M2M-RET", Timestamps.format(r.requestExpiration()));
        }
        if (r.responseTargets() != null) {
            headers.put("X-M2M-RTU", String.join("&", r.responseTargets()));
        }
        if (!r.tokens().isEmpty()) {
            headers.put("Authorization", String.join("+", r.tokens()));
        }
        byte[] body =
                r.content() == null ? null : ContentCodec.of(Serialization.JSON).encode(r.content());
        if (body != null) {
            headers.put(
                    "Content-Type", "application/json" + (r.resourceType() == null ? "" : ";ty=" + r.resourceType()));
        }
        String method = switch (r.operation()) {
            case CREATE, NOTIFY -> "POST";
            case RETRIEVE -> "GET";
            case UPDATE -> "PUT";
            case DELETE -> "DELETE";
        };
        try {
            Reply rsp = wire.exchange(method, url.toString(), headers, body, timeout);
            String rsc =
                    rsp.header("X-M2M-RSC").orElseThrow(() -> malformed("HTTP " + rsp.status() + " without X-M2M-RSC"));
            ResponseStatusCode status = rsc.strip().matches("[0-9]{1,9}")
                    ? ResponseStatusCode.of(Integer.parseInt(rsc.strip())).orElse(null)
                    : null;
            if (status == null) {
                throw malformed("X-M2M-RSC '" + rsc + "' is not a response status code");
            }
            Object content = null;
            if (rsp.body().length > 0) {
                Serialization s = rsp.header("Content-Type")
                        .flatMap(ct -> Serialization.ofMediaType(ct.split(";")[0]))
                        .orElse(Serialization.JSON);
                try {
                    content = ContentCodec.of(s).decode(rsp.body());
                } catch (OneM2mException e) {
                    throw malformed("the response body is not " + s + ": " + e.getMessage());
                }
            }
            return new ResponsePrimitive(
                    status,
                    rsp.header("X-M2M-RI").orElse(null),
                    rsp.header("X-M2M-RVI").orElse(null),
                    content,
                    null,
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A server answer that is no oneM2M response: an I/O error of this binding, like no answer at all. */
    private static UncheckedIOException malformed(String what) {
        return new UncheckedIOException(new IOException("malformed oneM2M response: " + what));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * Starts the AE's own HTTP server on loopback (an ephemeral port) that turns each POST into a NOTIFY
     * primitive for {@code handler} and answers with its response; returns the server's URL (the AE's poa).
     */
    @Override
    public synchronized String receive(Function<RequestPrimitive, ResponsePrimitive> handler) {
        if (receiver != null) {
            receiver.stop(0);
        }
        try {
            receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        receiver.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ae-http-receiver");
            t.setDaemon(true);
            return t;
        }));
        receiver.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                var h = exchange.getRequestHeaders();
                RequestPrimitive.Builder b = RequestPrimitive.builder(
                                Operation.NOTIFY, exchange.getRequestURI().getPath())
                        .from(h.getFirst("X-M2M-Origin"))
                        .requestId(h.getFirst("X-M2M-RI"))
                        .releaseVersion(h.getFirst("X-M2M-RVI"));
                if (body.length > 0) {
                    b.content(ContentCodec.of(Serialization.JSON).decode(body));
                }
                ResponsePrimitive rsp = handler.apply(b.build());
                exchange.getResponseHeaders()
                        .add("X-M2M-RSC", String.valueOf(rsp.status().code()));
                if (rsp.requestId() != null) {
                    exchange.getResponseHeaders().add("X-M2M-RI", rsp.requestId());
                }
                if (rsp.content() == null) {
                    exchange.sendResponseHeaders(rsp.status().httpStatus(), -1);
                } else { // an answer with content (an ESPrim answer, say)
                    byte[] json = ContentCodec.of(Serialization.JSON).encode(rsp.content());
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(rsp.status().httpStatus(), json.length);
                    exchange.getResponseBody().write(json);
                }
            } catch (RuntimeException e) {
                exchange.getResponseHeaders().add("X-M2M-RSC", "4000");
                exchange.sendResponseHeaders(400, -1);
            }
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/";
    }

    @Override
    public synchronized void close() {
        wire.close();
        if (receiver != null) {
            receiver.stop(0);
            ((java.util.concurrent.ExecutorService) receiver.getExecutor()).shutdownNow();
        }
    }
}
