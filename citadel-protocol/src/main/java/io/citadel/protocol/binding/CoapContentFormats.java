package io.citadel.protocol.binding;

import io.citadel.protocol.codec.Serialization;
import java.util.Optional;

/** CoAP Content-Format numbers (TS-0008 §6.2.2.2, digest bindings §2.1) and the serializations they mean. */
public final class CoapContentFormats {
    public static final int XML = 41;
    public static final int JSON = 50;
    public static final int CBOR = 60;

    private CoapContentFormats() {}

    /** The serialization a Content-Format (or Accept) number means; empty for one oneM2M does not define. */
    public static Optional<Serialization> serialization(int format) {
        return switch (format) {
            case JSON, 10001, 10003, 10007, 10009 -> Optional.of(Serialization.JSON);
            case CBOR, 10010, 10011, 10012, 10013 -> Optional.of(Serialization.CBOR);
            case XML, 10014, 10002, 10006, 10008 -> Optional.of(Serialization.XML);
            default -> Optional.empty();
        };
    }

    /** The plain Content-Format number of a serialization (41, 50, 60). */
    public static int number(Serialization s) {
        return switch (s) {
            case JSON -> JSON;
            case CBOR -> CBOR;
            case XML -> XML;
        };
    }
}
