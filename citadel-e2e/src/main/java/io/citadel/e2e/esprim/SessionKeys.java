package io.citadel.e2e.esprim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ESPrim session key (TS-0003 §10.3.8.2): {@code HMAC-SHA256(pairwiseESPrimKey, receiverESPrimRandObject ||
 * originatorESPrimRandObject || "oneM2M HMAC-SHA256 sessionESPrimKey derivation algorithm")}, cut to the length the
 * JWE {@code enc} needs (its leading bytes). TS-0003 does not say how a rand object is written into the HMAC input
 * (digest §9.4, a gap); the two plausible readings are {@link Input}, chosen by configuration, both ends alike.
 */
public final class SessionKeys {
    static final byte[] LABEL =
            "oneM2M HMAC-SHA256 sessionESPrimKey derivation algorithm".getBytes(StandardCharsets.US_ASCII);

    /** How a rand object enters the HMAC input. */
    public enum Input {
        /** Its 16 random bytes ({@code esrv}) alone: the default. */
        VALUES,
        /**
         * Its compact JSON text (UTF-8) with the short names in TS-0004's order, as {@link RandObject#toJson}
         * writes it.
         */
        OBJECTS
    }

    private SessionKeys() {}

    /** As below, with the HMAC computed where the pairwise key is (a key vault, or these bytes). */
    public static byte[] derive(
            PairwiseKeys.PairwiseKey pairwise, RandObject receiver, RandObject originator, Input input, int length) {
        if (length != 16 && length != 24 && length != 32) {
            throw new IllegalArgumentException("a session key is 16, 24 or 32 bytes");
        }
        java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
        in.writeBytes(bytes(receiver, input));
        in.writeBytes(bytes(originator, input));
        in.writeBytes(LABEL);
        byte[] full = pairwise.hmacSha256(in.toByteArray());
        byte[] key = Arrays.copyOf(full, length);
        Arrays.fill(full, (byte) 0);
        return key;
    }

    /** The session key of {@code length} bytes (16, 24 or 32). */
    public static byte[] derive(
            byte[] pairwiseKey, RandObject receiver, RandObject originator, Input input, int length) {
        if (length != 16 && length != 24 && length != 32) {
            throw new IllegalArgumentException("a session key is 16, 24 or 32 bytes");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(pairwiseKey, "HmacSHA256"));
            mac.update(bytes(receiver, input));
            mac.update(bytes(originator, input));
            mac.update(LABEL);
            byte[] full = mac.doFinal();
            byte[] key = Arrays.copyOf(full, length);
            Arrays.fill(full, (byte) 0);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] bytes(RandObject r, Input input) {
        if (input == Input.VALUES) {
            return r.value();
        }
        try {
            return Json.MAPPER.writeValueAsBytes(r.toJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a rand object", e);
        }
    }
}
