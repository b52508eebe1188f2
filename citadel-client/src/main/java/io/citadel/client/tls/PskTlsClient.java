package io.citadel.client.tls;

import java.util.Vector;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.util.Integers;

/**
 * The client side of TLS-PSK for the CSE's own connections (registrar, MQTT broker) and the SDK: TLS 1.3 with
 * the key as an external PSK (psk_dhe_ke, so every session has a fresh (EC)DHE secret) and, for peers without
 * TLS 1.3, the TLS 1.2 suites the CSE's TLS-PSK listener offers. The TLS 1.3 key exchange offers the hybrid
 * X25519MLKEM768 first (post-quantum ML-KEM-768 with X25519), then X25519 and P-256; a peer that knows no
 * ML-KEM picks a classical group from the same hello.
 */
public final class PskTlsClient extends PSKTlsClient {
    static final int[] SUITES = {
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
        CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
    };

    private final byte[] identity;
    private final byte[] key;
    private int negotiatedGroup = -1;
    /** label → length of the keying material to export when the handshake completes (Bouncy Castle allows no later). */
    private java.util.Map<String, Integer> exports = java.util.Map.of();

    private final java.util.Map<String, byte[]> exported = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code key} is used as given, not copied: the caller zeroes it after the handshake. */
    public PskTlsClient(TlsCrypto crypto, byte[] identity, byte[] key) {
        super(crypto, new BasicTlsPSKIdentity(identity, key));
        this.identity = identity;
        this.key = key;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return SUITES.clone();
    }

    @Override
    public Vector getExternalPSKs() {
        Vector<Object> psks = new Vector<>();
        psks.add(new BasicTlsPSKExternal(identity, getCrypto().createSecret(key), PRFAlgorithm.tls13_hkdf_sha256));
        return psks;
    }

    @Override
    protected Vector getSupportedGroups(Vector namedGroupRoles) {
        return KeyExchangeGroups.preferHybrid(getCrypto(), super.getSupportedGroups(namedGroupRoles));
    }

    @Override
    public Vector getEarlyKeyShareGroups() {
        Vector<Object> shares = new Vector<>();
        if (supportedGroups != null && supportedGroups.contains(Integers.valueOf(NamedGroup.X25519MLKEM768))) {
            shares.add(Integers.valueOf(NamedGroup.X25519MLKEM768));
        }
        Vector<?> classical = super.getEarlyKeyShareGroups();
        if (classical != null) {
            for (Object g : classical) {
                if (!shares.contains(g)) {
                    shares.add(g);
                }
            }
        }
        return shares.isEmpty() ? null : shares;
    }

    /**
     * Asks for keying material to be exported (RFC 5705 without a context value; TLS 1.3's exporter) for each label
     * with its length, when the handshake completes: Bouncy Castle allows the export at no other time. Call before
     * the handshake.
     */
    public void exportOnCompletion(java.util.Map<String, Integer> labels) {
        this.exports = java.util.Map.copyOf(labels);
    }

    /**
     * The keying material exported for {@code label} at the end of the handshake, handed out once (the caller zeroes
     * it); throws when none of that length was asked for.
     */
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
        negotiatedGroup = context.getSecurityParametersConnection().getNegotiatedGroup();
        exports.forEach((label, length) -> exported.put(label, context.exportKeyingMaterial(label, null, length)));
    }

    /** The (EC)DHE or hybrid group of the finished handshake; -1 for pure PSK (TLS 1.2 PSK suites). */
    int negotiatedGroup() {
        return negotiatedGroup;
    }
}
