package io.citadel.client;

import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An AE-side client of the oneM2M HTTP binding. Thread-safe. {@code to} arguments are HTTP paths:
 * {@code cse-in/ae1}, {@code ~/id-in/cse-in/ae1} or {@code _/sp/id-in/...}, optionally with a query.
 */
public final class OneM2mHttpClient {
    private final HttpClient http;
    private final String base;
    private final String originator;
    private final String releaseVersion;
    private final AtomicLong requestIds = new AtomicLong();

    private OneM2mHttpClient(HttpClient http, String base, String originator, String releaseVersion) {
        this.http = http;
        this.base = base;
        this.originator = originator;
        this.releaseVersion = releaseVersion;
    }

    /** A client for the CSE at {@code http://host:port/}. */
    public static OneM2mHttpClient connect(String host, int port) {
        return new OneM2mHttpClient(
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build(),
                "http://" + host + ":" + port + "/",
                null,
                "3");
    }

    /** The same connection, sending {@code X-M2M-Origin: originator} (null = no header). */
    public OneM2mHttpClient as(String originator) {
        return new OneM2mHttpClient(http, base, originator, releaseVersion);
    }

    public OneM2mHttpClient releaseVersion(String rvi) {
        return new OneM2mHttpClient(http, base, originator, rvi);
    }

    public OneM2mResponse create(String to, int ty, Map<String, Object> content) {
        return send("POST", to, "application/json;ty=" + ty, json(content));
    }

    public OneM2mResponse retrieve(String to) {
        return send("GET", to, null, null);
    }

    public OneM2mResponse update(String to, Map<String, Object> content) {
        return send("PUT", to, "application/json", json(content));
    }

    public OneM2mResponse delete(String to) {
        return send("DELETE", to, null, null);
    }

    /** Sends exactly what it is given, plus X-M2M-RI/RVI/Origin unless {@code extraHeaders} sets them. */
    public OneM2mResponse send(String method, String to, String contentType, byte[] body) {
        return send(method, to, contentType, body, Map.of());
    }

    public OneM2mResponse send(
            String method, String to, String contentType, byte[] body, Map<String, String> extraHeaders) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + to)).timeout(Duration.ofSeconds(30));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-M2M-RI", "rq" + requestIds.incrementAndGet());
        if (releaseVersion != null) {
            headers.put("X-M2M-RVI", releaseVersion);
        }
        if (originator != null) {
            headers.put("X-M2M-Origin", originator);
        }
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        headers.put("Accept", "application/json");
        headers.putAll(extraHeaders);
        headers.forEach((k, v) -> {
            if (v != null) {
                b.header(k, v);
            }
        });
        b.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            int rsc = r.headers().firstValue("X-M2M-RSC").map(Integer::parseInt).orElse(-1);
            return new OneM2mResponse(r.statusCode(), rsc, r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static byte[] json(Map<String, Object> content) {
        return ContentCodec.of(Serialization.JSON).encode(content);
    }
}
