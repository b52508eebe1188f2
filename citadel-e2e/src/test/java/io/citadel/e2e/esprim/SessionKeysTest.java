package io.citadel.e2e.esprim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The session key against a vector computed outside Java: with the pairwise key 00..1f, the receiver value a0..af and
 * the originator value b0..bf,
 *
 * <pre>
 * python3 -c "open('in','wb').write(bytes(range(0xa0,0xb0))+bytes(range(0xb0,0xc0))
 *     +b'oneM2M HMAC-SHA256 sessionESPrimKey derivation algorithm')"
 * openssl dgst -sha256 -mac HMAC -macopt hexkey:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f in
 * </pre>
 *
 * prints {@code 0abc783b…8b43}.
 */
class SessionKeysTest {
    static final String VECTOR = "0abc783bc4c1d37c9bdb9efedd2219eee765cb65b7800d588bb3cf9250e78b43";

    static byte[] range(int from) {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    static final Instant END = Instant.parse("2026-12-07T13:00:00Z");
    static final RandObject RECEIVER = new RandObject(true, "rR", range(0xa0), END, List.of(1), List.of(10, 11, 12));
    static final RandObject ORIGINATOR = new RandObject(false, "rO", range(0xb0), END, List.of(1), List.of(10));

    @Test
    void a_key_length_other_than_an_aes_key_is_refused() {
        byte[] key = range(0);
        assertThatThrownBy(() -> SessionKeys.derive(key, RECEIVER, ORIGINATOR, SessionKeys.Input.VALUES, 20))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_values_reading_matches_an_hmac_computed_by_openssl() {
        byte[] pairwise = new byte[32];
        for (int i = 0; i < 32; i++) {
            pairwise[i] = (byte) i;
        }
        assertThat(HexFormat.of()
                        .formatHex(SessionKeys.derive(pairwise, RECEIVER, ORIGINATOR, SessionKeys.Input.VALUES, 32)))
                .isEqualTo(VECTOR);
        assertThat(HexFormat.of()
                        .formatHex(SessionKeys.derive(pairwise, RECEIVER, ORIGINATOR, SessionKeys.Input.VALUES, 16)))
                .as("A128GCM takes the leading 16 bytes")
                .isEqualTo(VECTOR.substring(0, 32));
        assertThat(SessionKeys.derive(pairwise, RECEIVER, ORIGINATOR, SessionKeys.Input.OBJECTS, 32))
                .as("the other reading gives another key: both ends must be configured alike")
                .isNotEqualTo(HexFormat.of().parseHex(VECTOR));
        assertThat(SessionKeys.derive(pairwise, ORIGINATOR, RECEIVER, SessionKeys.Input.VALUES, 32))
                .as("receiver first")
                .isNotEqualTo(HexFormat.of().parseHex(VECTOR));
    }

    @Test
    void a_rand_object_survives_its_json_and_a_malformed_one_is_4000() {
        assertThat(RandObject.parse(RECEIVER.toJson(), true)).isEqualTo(RECEIVER);
        assertThat(RandObject.parse(ORIGINATOR.toJson(), false)).isEqualTo(ORIGINATOR);
        assertThat(RECEIVER.toJson()).containsEntry("esrv", "va0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
        var bad = new java.util.LinkedHashMap<>(RECEIVER.toJson());
        bad.put("esrv", "v00");
        assertThatThrownBy(() -> RandObject.parse(bad, true))
                .hasMessage("ESPrim rand object: esrv is not 128 bits (v and 32 hex digits)");
        bad.put("esrv", RECEIVER.toJson().get("esrv"));
        bad.put("espa", List.of(10, 10, 10, 10, 10, 10, 10, 10, 10));
        assertThatThrownBy(() -> RandObject.parse(bad, true))
                .hasMessage("ESPrim rand object: espa is not a list of 1 to 8 identifiers");
        assertThatThrownBy(() -> RandObject.parse("text", true)).hasMessage("ESPrim rand object: is not an object");
        assertThat(RECEIVER.toString()).doesNotContain("a0a1");
    }
}
