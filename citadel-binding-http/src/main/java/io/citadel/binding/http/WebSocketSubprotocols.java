package io.citadel.binding.http;

import io.citadel.protocol.codec.Serialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The oneM2M WebSocket subprotocols (TS-0020 §6.2.3): {@code oneM2M.json}, {@code oneM2M.xml},
 * {@code oneM2M.cbor}, and the Release 2 names {@code oneM2M.R2.0.json} etc. that older clients offer.
 */
final class WebSocketSubprotocols {
    private static final Map<String, Serialization> NAMES = new LinkedHashMap<>();

    static {
        for (Serialization s : Serialization.values()) {
            String suffix = s.name().toLowerCase(java.util.Locale.ROOT);
            NAMES.put("oneM2M." + suffix, s);
            NAMES.put("oneM2M.R2.0." + suffix, s);
        }
    }

    private WebSocketSubprotocols() {}

    /** All names, comma-separated, for the handshaker. */
    static String supported() {
        return String.join(",", NAMES.keySet());
    }

    /**
     * The first offered subprotocol that is supported (the client's order is its preference), from all
     * {@code Sec-WebSocket-Protocol} header values; empty when none is.
     */
    static Optional<String> select(List<String> headerValues) {
        for (String value : headerValues) {
            for (String offered : value.split(",")) {
                String name = offered.trim();
                if (NAMES.containsKey(name)) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
    }

    static Serialization serialization(String subprotocol) {
        return NAMES.get(subprotocol);
    }
}
