package io.citadel.server;

import io.citadel.engine.OutboundRequests;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
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
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();

    @Override
    public CompletableFuture<ResponsePrimitive> send(String uri, RequestPrimitive request, Duration timeout) {
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
        ContentCodec json = ContentCodec.of(Serialization.JSON);
        byte[] body = request.content() == null ? new byte[0] : json.encode(request.content());
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(timeout)
                .header("X-M2M-Origin", request.from()).header("X-M2M-RI", request.requestId())
                .header("X-M2M-RVI", request.releaseVersion()).header("Accept", "application/json");
        String contentType = "application/json" + (request.operation() == Operation.CREATE ? ";ty=" + request.resourceType() : "");
        switch (request.operation()) {
            case CREATE, NOTIFY -> b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", contentType);
            case UPDATE -> b.PUT(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", contentType);
            case RETRIEVE -> b.GET();
            case DELETE -> b.DELETE();
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(rsp -> {
            String rsc = rsp.headers().firstValue("X-M2M-RSC").orElseThrow(() ->
                    new IllegalStateException("response without X-M2M-RSC"));
            ResponseStatusCode status = ResponseStatusCode.of(Integer.parseInt(rsc.trim()))
                    .orElseThrow(() -> new IllegalStateException("unknown response status code"));
            byte[] bytes = rsp.body();
            if (bytes.length > MAX_RESPONSE) {
                throw new IllegalStateException("response body too large");
            }
            Object content = bytes.length == 0 ? null : json.decode(bytes);
            return new ResponsePrimitive(status, rsp.headers().firstValue("X-M2M-RI").orElse(null),
                    rsp.headers().firstValue("X-M2M-RVI").orElse(null), content, null, null);
        }).exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            // the engine's contract: a TimeoutException means "no answer in time", anything else "unreachable"
            return CompletableFuture.failedFuture(cause instanceof java.net.http.HttpTimeoutException
                    ? new java.util.concurrent.TimeoutException("no response within " + timeout.toMillis() + " ms") : cause);
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
