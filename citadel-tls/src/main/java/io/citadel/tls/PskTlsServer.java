package io.citadel.tls;

import io.citadel.client.tls.KeyExchangeGroups;
import io.citadel.credentials.PskStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * The server side of the Provisioned Symmetric Key SAEF (TS-0003 §8.2.2.1): RFC 4279 PSK over TLS 1.2, with
 * the suite oneM2M mandates (TLS_PSK_WITH_AES_128_CBC_SHA256) plus AEAD and forward-secret ECDHE-PSK
 * suites, and TLS 1.3 external PSKs (same keys; psk_dhe_ke with the hybrid X25519MLKEM768 preferred). Nothing weaker is offered; TLS 1.0/1.1 are refused.
 * <p>Before a key is looked up, the guard against online guessing is asked again whether the peer may try one
 * ({@code admitted}): a connection opened before its address was shut out gets no key (and the handshake fails
 * without counting as a guess; {@link #refused()}).
 */
final class PskTlsServer extends PSKTlsServer implements KeyingMaterial {
    static final int[] SUITES = {
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
        CipherSuite.TLS_PSK_WITH_AES_128_CCM,
        CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
    };

    private final java.util.function.Consumer<byte[]> onHandshakeComplete;

    /**
     * @param admitted asked before each key look-up; false refuses the key (the peer is shut out)
     */
    PskTlsServer(
            TlsCrypto crypto,
            PskStore store,
            java.util.function.BooleanSupplier admitted,
            java.util.function.Consumer<byte[]> onHandshakeComplete) {
        this(crypto, store, onHandshakeComplete, new Identities(store, admitted));
    }

    private PskTlsServer(
            TlsCrypto crypto,
            PskStore store,
            java.util.function.Consumer<byte[]> onHandshakeComplete,
            Identities identities) {
        super(crypto, identities);
        this.store = store;
        this.onHandshakeComplete = onHandshakeComplete;
        this.identities = identities;
    }

    private final PskStore store;
    private final Identities identities;

    /** Whether a key look-up was refused because the peer is shut out (the failure is then no guess). */
    boolean refused() {
        return identities.refused;
    }

    private byte[] externalIdentity;
    private String offered;

    /** The psk_identity the client offered (the first, for TLS 1.3), or null when it offered none yet. */
    String offeredIdentity() {
        return identities.offered != null ? identities.offered : offered;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
    }

    /** TLS 1.3 external PSK (RFC 8446 §4.2.11): the first offered identity the store knows. */
    @Override
    public org.bouncycastle.tls.TlsPSKExternal getExternalPSK(java.util.Vector identities) {
        if (!this.identities.admits()) {
            return null; // no key for a shut-out peer: the handshake fails
        }
        for (Object o : identities) {
            byte[] id = ((org.bouncycastle.tls.PskIdentity) o).getIdentity();
            if (offered == null) {
                offered = new String(id, StandardCharsets.UTF_8);
            }
            byte[] key = store.key(new String(id, StandardCharsets.UTF_8), Instant.now())
                    .orElse(null);
            if (key != null) {
                try {
                    externalIdentity = id;
                    offered = new String(id, StandardCharsets.UTF_8);
                    return new org.bouncycastle.tls.BasicTlsPSKExternal(
                            id, getCrypto().createSecret(key), org.bouncycastle.tls.PRFAlgorithm.tls13_hkdf_sha256);
                } finally {
                    zero(key);
                }
            }
        }
        return null;
    }

    /** TLS 1.3 (EC)DHE with the external PSK: the hybrid post-quantum group first (see {@link KeyExchangeGroups}). */
    @Override
    public int[] getSupportedGroups() {
        return KeyExchangeGroups.serverPreference();
    }

    /** Our order decides, so a client that supports the hybrid gets it even if it lists it after X25519. */
    @Override
    public boolean preferLocalSupportedGroups() {
        return true;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return SUITES.clone();
    }

    /** label → length of the keying material to export when the handshake completes (Bouncy Castle allows no later). */
    private java.util.Map<String, Integer> exports = java.util.Map.of();

    private final java.util.Map<String, byte[]> exported = new java.util.concurrent.ConcurrentHashMap<>();

    void exportOnCompletion(java.util.Map<String, Integer> labels) {
        this.exports = java.util.Map.copyOf(labels);
    }

    /** Overwrites keying material nobody took (the connection ends). */
    void wipe() {
        exported.values().forEach(b -> Arrays.fill(b, (byte) 0));
        exported.clear();
    }

    /**
     * The keying material exported for {@code label} at the end of the handshake (RFC 5705 without a context value;
     * TLS 1.3's exporter), handed out once.
     */
    @Override
    public byte[] export(String label, int length) {
        byte[] b = exported.remove(label);
        if (b == null || b.length != length) {
            throw new IllegalStateException("no keying material of " + length + " bytes for " + label);
        }
        return b;
    }

    @Override
    public void notifyHandshakeComplete() throws java.io.IOException {
        super.notifyHandshakeComplete();
        exports.forEach((label, length) -> exported.put(label, context.exportKeyingMaterial(label, null, length)));
        byte[] tls12 = context.getSecurityParametersConnection().getPSKIdentity();
        onHandshakeComplete.accept(tls12 != null ? tls12 : externalIdentity);
    }

    /** Looks keys up by psk_identity; an unknown, expired or revoked identity ends the handshake. */
    private static final class Identities implements TlsPSKIdentityManager {
        private final PskStore store;
        private final java.util.function.BooleanSupplier admitted;
        private String offered;
        private boolean refused;

        Identities(PskStore store, java.util.function.BooleanSupplier admitted) {
            this.store = store;
            this.admitted = admitted;
        }

        /** Asks the guard; remembers a refusal. */
        boolean admits() {
            if (!admitted.getAsBoolean()) {
                refused = true;
            }
            return !refused;
        }

        @Override
        public byte[] getHint() {
            return null;
        }

        @Override
        public byte[] getPSK(byte[] identity) {
            String id = new String(identity, StandardCharsets.UTF_8);
            offered = id;
            if (!admits()) {
                return null; // shut out since the connection opened: no key, the handshake fails
            }
            // null makes Bouncy Castle fail the handshake with unknown_psk_identity
            return store.key(id, Instant.now()).orElse(null);
        }
    }

    static void zero(byte[] b) {
        if (b != null) {
            Arrays.fill(b, (byte) 0);
        }
    }
}
