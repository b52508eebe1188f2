package io.citadel.tls;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * The server side of the Provisioned Symmetric Key SAEF (TS-0003 §8.2.2.1): RFC 4279 PSK over TLS 1.2, with
 * the suite oneM2M mandates (TLS_PSK_WITH_AES_128_CBC_SHA256) plus AEAD and forward-secret ECDHE-PSK
 * suites. Nothing weaker is offered; TLS 1.0/1.1 are refused.
 */
final class PskTlsServer extends PSKTlsServer {
    static final int[] SUITES = {
        CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
        CipherSuite.TLS_PSK_WITH_AES_128_CCM,
        CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
    };

    private final java.util.function.Consumer<byte[]> onHandshakeComplete;

    PskTlsServer(TlsCrypto crypto, PskStore store, java.util.function.Consumer<byte[]> onHandshakeComplete) {
        super(crypto, new Identities(store));
        this.onHandshakeComplete = onHandshakeComplete;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return SUITES.clone();
    }

    @Override
    public void notifyHandshakeComplete() throws java.io.IOException {
        super.notifyHandshakeComplete();
        onHandshakeComplete.accept(context.getSecurityParametersConnection().getPSKIdentity());
    }

    /** Looks keys up by psk_identity; an unknown, expired or revoked identity ends the handshake. */
    private static final class Identities implements TlsPSKIdentityManager {
        private final PskStore store;

        Identities(PskStore store) {
            this.store = store;
        }

        @Override
        public byte[] getHint() {
            return null;
        }

        @Override
        public byte[] getPSK(byte[] identity) {
            String id = new String(identity, StandardCharsets.UTF_8);
            // null makes Bouncy Castle fail the handshake with unknown_psk_identity
            return store.key(id, Instant.now()).orElse(null);
        }
    }

    static TlsFatalAlert handshakeFailure() {
        return new TlsFatalAlert(AlertDescription.handshake_failure);
    }

    static void zero(byte[] b) {
        if (b != null) {
            Arrays.fill(b, (byte) 0);
        }
    }
}
