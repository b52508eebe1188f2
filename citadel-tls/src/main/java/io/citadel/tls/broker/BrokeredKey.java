package io.citadel.tls.broker;

import java.time.Instant;
import java.util.Arrays;

/**
 * A key a broker handed to this CSE: the key, the originator its holder is (the enrolee's AE-ID or CSE-ID, the
 * MAF client's ID), and until when it may be used.
 */
public record BrokeredKey(byte[] key, String originator, Instant notAfter) {
    public BrokeredKey {
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    void destroy() {
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public String toString() { // never the key
        return "BrokeredKey[originator=" + originator + ", notAfter=" + notAfter + "]";
    }
}
