package io.citadel.e2e.esprim;

import com.nimbusds.jose.EncryptionMethod;
import java.util.List;
import java.util.Optional;

/**
 * The algorithm identifiers of ESPrim (TS-0004 §6.3.4.2.40/41): key-generation algorithm 1 (HMAC-SHA256, the only
 * one), protocol-and-AEAD 10, 11, 12 (JWE compact with A128GCM, A192GCM, A256GCM).
 */
public final class EsprimOptions {
    /** {@code esprimKeyGenAlgID} 1: HMAC-SHA256. */
    public static final int HMAC_SHA256 = 1;

    /** All protocol-and-AEAD identifiers this implementation offers, strongest last. */
    public static final List<Integer> PROTOCOLS = List.of(10, 11, 12);

    private EsprimOptions() {}

    /** The JWE {@code enc} of a protocol-and-AEAD identifier, if it is one. */
    public static Optional<EncryptionMethod> encryption(int protocol) {
        return switch (protocol) {
            case 10 -> Optional.of(EncryptionMethod.A128GCM);
            case 11 -> Optional.of(EncryptionMethod.A192GCM);
            case 12 -> Optional.of(EncryptionMethod.A256GCM);
            default -> Optional.empty();
        };
    }

    /** The protocol-and-AEAD identifier of a JWE {@code enc}, if ESPrim has one for it. */
    public static Optional<Integer> protocol(EncryptionMethod enc) {
        if (EncryptionMethod.A128GCM.equals(enc)) {
            return Optional.of(10);
        } else if (EncryptionMethod.A192GCM.equals(enc)) {
            return Optional.of(11);
        } else if (EncryptionMethod.A256GCM.equals(enc)) {
            return Optional.of(12);
        }
        return Optional.empty();
    }

    /** The key length in bytes of a JWE {@code enc} of ESPrim. */
    static int keyLength(EncryptionMethod enc) {
        return enc.cekBitLength() / 8;
    }
}
