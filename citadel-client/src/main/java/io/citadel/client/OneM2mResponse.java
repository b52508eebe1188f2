package io.citadel.client;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A response as received: HTTP status, oneM2M headers and the body.
 *
 * @param rsc the X-M2M-RSC value, or -1 if the header was missing
 */
public record OneM2mResponse(int httpStatus, int rsc, Map<String, List<String>> headers, byte[] body) {

    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return Optional.of(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body decoded as JSON (or the serialization named by Content-Type). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> content() {
        if (body.length == 0) {
            return Map.of();
        }
        Serialization s = header("Content-Type")
                .flatMap(ct -> Serialization.ofMediaType(ct.split(";")[0]))
                .orElse(Serialization.JSON);
        Object decoded;
        try {
            decoded = ContentCodec.of(s).decode(body);
        } catch (OneM2mException e) {
            throw new IllegalStateException("malformed oneM2M response: the body is not " + s + ": " + e.getMessage());
        }
        if (!(decoded instanceof Map<?, ?> map)) {
            throw new IllegalStateException("malformed oneM2M response: the body is not an object: " + text());
        }
        return (Map<String, Object>) map;
    }

    /** The attributes inside the single member {@code key}, e.g. {@code "m2m:cnt"}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> resource(String key) {
        Object inner = content().get(key);
        if (!(inner instanceof Map<?, ?>)) {
            throw new AssertionError("response has no " + key + ": " + text());
        }
        return (Map<String, Object>) inner;
    }
}
