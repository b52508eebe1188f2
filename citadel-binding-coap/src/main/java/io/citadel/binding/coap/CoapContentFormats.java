package io.citadel.binding.coap;

import io.citadel.protocol.codec.Serialization;
import java.util.Optional;

/** CoAP Content-Format numbers (TS-0008 §6.2.2.2, digest bindings §2.1) and the serializations they mean. */
final class CoapContentFormats {
    static final int XML = 41;
    static final int JSON = 50;
    static final int CBOR = 60;

    private CoapContentFormats() {
    }

    static Optional<Serialization> serialization(int format) {
        return switch (format) {
            case JSON, 10001, 10003, 10007, 10009 -> Optional.of(Serialization.JSON);
            case CBOR, 10010, 10011, 10012, 10013 -> Optional.of(Serialization.CBOR);
            case XML, 10014, 10002, 10006, 10008 -> Optional.of(Serialization.XML);
            default -> Optional.empty();
        };
    }

    static int number(Serialization s) {
        return switch (s) {
            case JSON -> JSON;
            case CBOR -> CBOR;
            case XML -> XML;
        };
    }
}
