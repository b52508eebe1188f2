package io.citadel.tls.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.BoundOriginators;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/**
 * A broker asked over HTTPS with this CSE's certificate ({@code X-M2M-Origin} its CSE-ID): one GET per key, the
 * JSON answer read up to 8 KiB and checked before anything is kept; 5 s to connect and to answer. Subclasses say
 * where a key is and how the answer names it.
 */
abstract class HttpKeyBroker implements KeyBroker {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ANSWER = 8 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI base;
    private final String cseId;
    private final HttpClient http;
    private final String name;

    HttpKeyBroker(String name, URI base, String cseId, SSLContext tls, Executor executor) {
        this.name = name;
        this.base = base;
        this.cseId = cseId;
        this.http = HttpClient.newBuilder()
                .sslContext(tls)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .executor(executor)
                .build();
    }

    /** The path of the key {@code identity} ({@code relativeId@fqdn}) under the broker's base path. */
    abstract String path(String identity);

    /** The key in a 200 answer; throws {@link KeyBrokerException} when it is unusable. */
    abstract BrokeredKey key(String identity, JsonNode answer);

    @Override
    public final CompletableFuture<BrokeredKey> fetch(String identity) {
        HttpRequest request = HttpRequest.newBuilder(
                        base.resolve(base.getPath().replaceFirst("/$", "") + path(identity)))
                .timeout(TIMEOUT)
                .header("X-M2M-Origin", cseId)
                .header("X-M2M-RI", "key-" + UUID.randomUUID())
                .header("Accept", "application/json")
                .GET()
                .build();
        // read without blocking a thread (a stalled body is cut off by the caller's timeout); the broker is
        // authenticated by its certificate, and an answer over 8 KiB is refused
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> answer(identity, response))
                .exceptionally(e -> {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof KeyBrokerException k) {
                        throw k;
                    }
                    throw new KeyBrokerException("the " + name + " at " + base + " could not be asked: "
                            + cause.getClass().getSimpleName());
                });
    }

    private BrokeredKey answer(String identity, HttpResponse<byte[]> response) {
        JsonNode body;
        try {
            byte[] bytes = response.body();
            if (bytes.length > MAX_ANSWER) {
                throw new KeyBrokerException("the " + name + "'s answer for " + identity + " is too long");
            }
            body = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new KeyBrokerException("the " + name + "'s answer for " + identity + " is not JSON");
        }
        if (body == null || response.statusCode() != 200) {
            String why = body == null ? "" : body.path("errorString").asText("");
            throw new KeyBrokerException("the " + name + " refused " + identity + " (" + response.statusCode() + ")"
                    + (why.isEmpty() ? "" : ": " + why.substring(0, Math.min(why.length(), 200))));
        }
        return key(identity, body);
    }

    /** A base64 member as bytes (the caller zeroes them). */
    final byte[] bytes(String identity, JsonNode body, String member) {
        try {
            return Base64.getDecoder().decode(body.path(member).asText(""));
        } catch (IllegalArgumentException e) {
            throw new KeyBrokerException("the " + name + "'s key for " + identity + " is not base64");
        }
    }

    /** An AE-ID or CSE-ID member. */
    final String originator(String identity, JsonNode body, String member) {
        String id = body.path(member).asText("");
        if (BoundOriginators.problem(id).isPresent()) {
            throw new KeyBrokerException(
                    "the " + name + "'s " + member + " for " + identity + " is not an AE-ID or CSE-ID");
        }
        return id;
    }

    /** A UTC timestamp member. */
    final Instant time(String identity, JsonNode body, String member) {
        try {
            return Instant.parse(body.path(member).asText(""));
        } catch (DateTimeParseException e) {
            throw new KeyBrokerException(
                    "the " + name + "'s " + member + " for " + identity + " is not a UTC timestamp");
        }
    }

    static BrokeredKey of(byte[] key, String originator, Instant until) {
        try {
            return new BrokeredKey(key, originator, until);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }
}
