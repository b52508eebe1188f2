package io.citadel.tls;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.tls.TlsContext;

/**
 * Keying material a Bouncy Castle TLS server exports when its handshake completes (Bouncy Castle allows no later), kept
 * until taken once or wiped with the connection.
 */
final class HandshakeExports {
    /** label → length of the keying material to export. */
    private final Map<String, Integer> labels;

    private final Map<String, byte[]> exported = new ConcurrentHashMap<>();

    HandshakeExports(Map<String, Integer> labels) {
        this.labels = Map.copyOf(labels);
    }

    /** Exports every label from the finished handshake (RFC 5705 without a context value; TLS 1.3's exporter). */
    void exportFrom(TlsContext context) {
        labels.forEach((label, length) -> exported.put(label, context.exportKeyingMaterial(label, null, length)));
    }

    /** The material exported for {@code label}, handed out once. */
    byte[] take(String label, int length) {
        byte[] b = exported.remove(label);
        if (b == null || b.length != length) {
            throw new IllegalStateException("no keying material of " + length + " bytes for " + label);
        }
        return b;
    }

    /** Overwrites what nobody took. */
    void wipe() {
        exported.values().forEach(b -> Arrays.fill(b, (byte) 0));
        exported.clear();
    }
}
