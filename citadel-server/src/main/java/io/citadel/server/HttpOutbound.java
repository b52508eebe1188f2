package io.citadel.server;

import io.citadel.engine.hierarchy.OutboundRequests;
import io.citadel.protocol.Operation;
import io.citadel.protocol.QueryParameters;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Outbound oneM2M requests over HTTP (TS-0009) with the JDK client: bounded connect and response time,
 * JSON bodies, no redirects followed, response bodies capped. Only {@code http} and {@code https} URIs.
 */
final class HttpOutbound implements OutboundRequests, AutoCloseable {
    private static final int MAX_RESPONSE = 256 * 1024;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "citadel-outbound");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = builder().build();
    private final io.citadel.tls.CseClientTls cseTls;
    private final Map<String, HttpClient> peers = new java.util.concurrent.ConcurrentHashMap<>();
    private final PskPeer psk;

    /** Plain HTTP and default HTTPS only: https CSE peers are refused (no client certificate to show). */
    HttpOutbound() {
        this(null);
    }

    /** https CSE peers are reached with this CSE's certificate and must prove the expected CSE-ID. */
    HttpOutbound(io.citadel.tls.CseClientTls cseTls) {
        this(cseTls, null);
    }

    /** ... and the registrar, when {@code psk} is given, over TLS-PSK at its point of access. */
    HttpOutbound(io.citadel.tls.CseClientTls cseTls, PskPeer psk) {
        this.cseTls = cseTls;
        this.psk = psk;
    }

    private HttpClient.Builder builder() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor);
    }

    @Override
    public CompletableFuture<ResponsePrimitive> send(String uri, RequestPrimitive request, Duration timeout) {
        return exchange(client, uri, request, timeout, false);
    }

    @Override
    public CompletableFuture<ResponsePrimitive> forward(
            String pointOfAccess, String peerCseId, RequestPrimitive request, Duration timeout) {
        String base =
                pointOfAccess.endsWith("/") ? pointOfAccess.substring(0, pointOfAccess.length() - 1) : pointOfAccess;
        StringBuilder url = new StringBuilder(base).append(path(request.to()));
        char sep = '?';
        for (Map.Entry<String, String> p : QueryParameters.encode(request)) {
            url.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
            sep = '&';
        }
        HttpClient via = client;
        if (url.toString().toLowerCase(Locale.ROOT).startsWith("https:")
                && (psk == null || !psk.serves(url.toString()))) {
            if (cseTls == null || peerCseId == null) {
                return CompletableFuture.failedFuture(
                        new IllegalStateException("no TLS client certificate configured for"
                                + " CSE peers (--tls-cert/--tls-key or --key-store)"));
            }
            via = peers.computeIfAbsent(
                    peerCseId,
                    peer -> builder().sslContext(cseTls.forPeer(peer)).build());
        }
        return exchange(via, url.toString(), request, timeout, true);
    }

    /** TS-0009 §6.2.1: SP-relative {@code /cse/x} as {@code /~/cse/x}, absolute {@code //sp/x} as {@code /_/sp/x}. */
    static String path(String to) {
        String mapped = to.startsWith("//") ? "/_/" + to.substring(2) : to.startsWith("/") ? "/~" + to : "/" + to;
        StringBuilder out = new StringBuilder(mapped.length());
        for (char c : mapped.toCharArray()) {
            if (c == '#' || c == '?' || c == '%' || c == ' ') {
                out.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** @param cse the peer is a CSE: its answer must carry X-M2M-RSC (no guessing from the HTTP status) */
    private CompletableFuture<ResponsePrimitive> exchange(
            HttpClient via, String uri, RequestPrimitive request, Duration timeout, boolean cse) {
        URI target;
        try {
            target = URI.create(uri);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("unsupported scheme " + scheme));
        }
        byte[] body = request.content() == null
                ? new byte[0]
                : ContentCodec.of(Serialization.JSON).encode(request.content());
        Map<String, String> headers = headers(request);
        String method = switch (request.operation()) {
            case CREATE, NOTIFY -> "POST";
            case UPDATE -> "PUT";
            case RETRIEVE -> "GET";
            case DELETE -> "DELETE";
        };
        if (psk != null && psk.serves(uri)) {
            String pathAndQuery =
                    target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            return CompletableFuture.supplyAsync(
                            () -> psk.exchange(method, pathAndQuery, headers, body, timeout), executor)
                    .thenApply(rsp -> primitive(rsp.status(), rsp::header, rsp.body(), request, cse))
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                            e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                                    ? e.getCause()
                                    : e));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(timeout);
        headers.forEach(b::header);
        b.method(
                method,
                method.equals("GET") || method.equals("DELETE")
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        return via.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(rsp ->
                        primitive(rsp.statusCode(), name -> rsp.headers().firstValue(name), rsp.body(), request, cse))
                .exceptionallyCompose(e -> {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause()
                            : e;
                    // the engine's contract: a TimeoutException means "no answer in time", anything else "unreachable"
                    return CompletableFuture.failedFuture(
                            cause instanceof java.net.http.HttpTimeoutException
                                    ? new java.util.concurrent.TimeoutException(
                                            "no response within " + timeout.toMillis() + " ms")
                                    : cause);
                });
    }

    /** The X-M2M-* headers (TS-0009 §6.4) of a request. */
    private static Map<String, String> headers(RequestPrimitive request) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("X-M2M-RI", request.requestId());
        h.put("X-M2M-RVI", request.releaseVersion());
        h.put("Accept", "application/json");
        if (request.from() != null && !request.from().isEmpty()) {
            h.put("X-M2M-Origin", request.from());
        }
        if (request.requestExpiration() != null) {
            h.put("X-M2M-RET", Timestamps.format(request.requestExpiration()));
        }
        RequestPrimitive.Handling handling = request.handling();
        if (handling.resultExpiration() != null) {
            h.put("X-M2M-RST", Timestamps.format(handling.resultExpiration()));
        }
        if (handling.operationExecution() != null) {
            h.put("X-M2M-OET", Timestamps.format(handling.operationExecution()));
        }
        if (handling.eventCategory() != null) {
            h.put("X-M2M-EC", String.valueOf(handling.eventCategory()));
        }
        if (!request.tokens().isEmpty()) {
            h.put("Authorization", "Bearer " + String.join("+", request.tokens()));
        }
        if (request.operation() == Operation.CREATE
                || request.operation() == Operation.UPDATE
                || request.operation() == Operation.NOTIFY) {
            h.put(
                    "Content-Type",
                    "application/json"
                            + (request.operation() == Operation.CREATE ? ";ty=" + request.resourceType() : ""));
        }
        return h;
    }

    /** The response primitive of an HTTP answer (bounded body; JSON content decoded). */
    private static ResponsePrimitive primitive(
            int httpStatus,
            java.util.function.Function<String, java.util.Optional<String>> header,
            byte[] bytes,
            RequestPrimitive request,
            boolean cse) {
        ResponseStatusCode status = status(httpStatus, header.apply("X-M2M-RSC").orElse(null), cse);
        if (bytes.length > MAX_RESPONSE) {
            throw new IllegalStateException("response body too large");
        }
        boolean json = header.apply("Content-Type")
                .map(t -> t.toLowerCase(Locale.ROOT).contains("json"))
                .orElse(true);
        Object content = bytes.length == 0 || !json
                ? null
                : ContentCodec.of(Serialization.JSON).decode(bytes);
        return new ResponsePrimitive(
                status,
                header.apply("X-M2M-RI").orElse(request.requestId()),
                header.apply("X-M2M-RVI").orElse(null),
                content,
                header.apply("Content-Location").orElse(null),
                null);
    }

    /**
     * X-M2M-RSC; a plain web endpoint that answers without it (many notification receivers do) is judged by
     * its HTTP status: 2xx delivered, 4xx refused, anything else a server error.
     */
    private static ResponseStatusCode status(int http, String rsc, boolean cse) {
        if (rsc == null && cse) {
            throw new IllegalStateException("the peer answered without X-M2M-RSC: not a oneM2M CSE");
        }
        if (rsc != null) {
            try {
                return ResponseStatusCode.of(Integer.parseInt(rsc.trim()))
                        .orElseThrow(() -> new IllegalStateException("unknown response status code " + rsc));
            } catch (NumberFormatException e) {
                throw new IllegalStateException("X-M2M-RSC is not a number");
            }
        }
        return http >= 200 && http < 300
                ? ResponseStatusCode.OK
                : http >= 400 && http < 500 ? ResponseStatusCode.BAD_REQUEST : ResponseStatusCode.INTERNAL_SERVER_ERROR;
    }

    @Override
    public void close() {
        if (psk != null) {
            psk.close();
        }
        executor.shutdownNow();
    }
}
