package io.citadel.client;

import com.sun.net.httpserver.HttpServer;
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

/** The HTTP binding (TS-0009) for an AE: primitives mapped to requests with {@code X-M2M-*} headers. */
public final class HttpTransport implements OneM2mTransport {
    private final HttpClient http;
    private final String base;
    private HttpServer receiver;

    private HttpTransport(HttpClient http, String base) {
        this.http = http;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** {@code http://host:port} or, with {@code tls} (client certificate and trust), {@code https://host:port}. */
    public static HttpTransport connect(String baseUri, SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            b.sslContext(tls);
        }
        return new HttpTransport(b.build(), baseUri);
    }

    /** TS-0009 §6.2.1: CSE-relative as is, SP-relative under {@code /~}, absolute under {@code /_}. */
    static String path(String to) {
        if (to.startsWith("//")) {
            return "/_" + to.substring(1);
        }
        return to.startsWith("/") ? "/~" + to : "/" + to;
    }

    @Override
    public ResponsePrimitive send(RequestPrimitive r, Duration timeout) {
        StringBuilder url = new StringBuilder(base).append(path(r.to()));
        char sep = '?';
        for (Map.Entry<String, String> p : QueryParameters.encode(r)) {
            url.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
            sep = '&';
        }
        if (r.responseType() != null) {
            url.append(sep).append("rt=").append(r.responseType());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString())).timeout(timeout);
        b.header("X-M2M-RI", r.requestId());
        b.header("Accept", "application/json");
        if (r.releaseVersion() != null) {
            b.header("X-M2M-RVI", r.releaseVersion());
        }
        if (r.from() != null) {
            b.header("X-M2M-Origin", r.from());
        }
        if (r.requestExpiration() != null) {
            b.header("X-M2M-RET", Timestamps.format(r.requestExpiration()));
        }
        if (r.responseTargets() != null) {
            b.header("X-M2M-RTU", String.join("&", r.responseTargets()));
        }
        if (!r.tokens().isEmpty()) {
            b.header("Authorization", String.join("+", r.tokens()));
        }
        byte[] body = r.content() == null ? null : ContentCodec.of(Serialization.JSON).encode(r.content());
        if (body != null) {
            b.header("Content-Type", "application/json" + (r.resourceType() == null ? "" : ";ty=" + r.resourceType()));
        }
        String method = switch (r.operation()) {
            case CREATE, NOTIFY -> "POST";
            case RETRIEVE -> "GET";
            case UPDATE -> "PUT";
            case DELETE -> "DELETE";
        };
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> rsp = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            int rsc = rsp.headers().firstValue("X-M2M-RSC").map(Integer::parseInt)
                    .orElseThrow(() -> new UncheckedIOException(new IOException("HTTP " + rsp.statusCode() + " without X-M2M-RSC")));
            Object content = null;
            if (rsp.body().length > 0) {
                Serialization s = rsp.headers().firstValue("Content-Type")
                        .flatMap(ct -> Serialization.ofMediaType(ct.split(";")[0])).orElse(Serialization.JSON);
                content = ContentCodec.of(s).decode(rsp.body());
            }
            return new ResponsePrimitive(ResponseStatusCode.of(rsc).orElseThrow(), rsp.headers().firstValue("X-M2M-RI")
                    .orElse(null), rsp.headers().firstValue("X-M2M-RVI").orElse(null), content, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
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
                RequestPrimitive.Builder b = RequestPrimitive.builder(Operation.NOTIFY, exchange.getRequestURI().getPath())
                        .from(h.getFirst("X-M2M-Origin")).requestId(h.getFirst("X-M2M-RI")).releaseVersion(h.getFirst("X-M2M-RVI"));
                if (body.length > 0) {
                    b.content(ContentCodec.of(Serialization.JSON).decode(body));
                }
                ResponsePrimitive rsp = handler.apply(b.build());
                exchange.getResponseHeaders().add("X-M2M-RSC", String.valueOf(rsp.status().code()));
                if (rsp.requestId() != null) {
                    exchange.getResponseHeaders().add("X-M2M-RI", rsp.requestId());
                }
                exchange.sendResponseHeaders(rsp.status().httpStatus(), -1);
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
        if (receiver != null) {
            receiver.stop(0);
            ((java.util.concurrent.ExecutorService) receiver.getExecutor()).shutdownNow();
        }
    }
}
