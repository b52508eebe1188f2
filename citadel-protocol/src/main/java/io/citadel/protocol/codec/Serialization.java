package io.citadel.protocol.codec;

import java.util.Locale;
import java.util.Optional;

/** The three oneM2M serializations and their media types (TS-0004 Table 6.7-1). */
public enum Serialization {
    JSON("application/json", "json"),
    CBOR("application/cbor", "cbor"),
    XML("application/xml", "xml");

    private final String mediaType;
    private final String suffix;

    Serialization(String mediaType, String suffix) {
        this.mediaType = mediaType;
        this.suffix = suffix;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The oneM2M resource media type, e.g. {@code application/vnd.onem2m-res+json}. */
    public String resourceMediaType() {
        return "application/vnd.onem2m-res+" + suffix;
    }

    /**
     * Recognises a media type without parameters: {@code application/json}, {@code application/vnd.onem2m-res+json},
     * {@code ...-ntfy+json}, {@code ...-preq+json}, {@code ...-prsp+json} and the same for xml and cbor.
     */
    public static Optional<Serialization> ofMediaType(String mediaType) {
        String m = mediaType.trim().toLowerCase(Locale.ROOT);
        for (Serialization s : values()) {
            if (m.equals(s.mediaType)) {
                return Optional.of(s);
            }
            if (m.startsWith("application/vnd.onem2m-") && m.endsWith("+" + s.suffix)) {
                String kind = m.substring("application/vnd.onem2m-".length(), m.length() - s.suffix.length() - 1);
                if (kind.equals("res") || kind.equals("ntfy") || kind.equals("preq") || kind.equals("prsp")) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }
}
