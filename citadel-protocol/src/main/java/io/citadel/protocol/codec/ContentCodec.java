package io.citadel.protocol.codec;

/**
 * Turns the Content parameter into a generic tree (Map, List, String, Long/Integer, Double, Boolean,
 * null) and back. Decoding malformed input throws a 4000 {@link io.citadel.protocol.OneM2mException}.
 */
public interface ContentCodec {
    Serialization serialization();

    Object decode(byte[] bytes);

    byte[] encode(Object tree);

    /** True when every leaf of a decoded tree is text (XML): the schema then converts scalars. */
    default boolean isTextual() {
        return false;
    }

    static ContentCodec of(Serialization s) {
        return switch (s) {
            case JSON -> JacksonCodec.JSON;
            case CBOR -> JacksonCodec.CBOR;
            case XML -> XmlCodec.INSTANCE;
        };
    }
}
