package io.citadel.tls;

import io.citadel.credentials.CredentialStore;
import io.citadel.credentials.RawPublicKeyStore;
import io.citadel.credentials.SecurityAssociation;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.tls.TlsServer;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * TLS with raw public keys (RFC 7250) for one Netty channel (the JDK has no RFC 7250): {@link RawKeyTlsServer}
 * behind {@link BcTlsHandler}. The session's identity is what the credential store binds to the client key's
 * RFC 6920 identifier; revoking or expiring that key closes the session (the store announces it).
 */
public final class RawKeyTlsHandler extends BcTlsHandler {
    private final byte[] serverKeyInfo;
    private final AsymmetricKeyParameter serverPrivateKey;
    private final RawPublicKeyStore trusted;
    private final UnaryOperator<String> normalize;
    private byte[] clientKeyInfo;

    /**
     * @param serverKeyInfo the CSE's public key (DER SubjectPublicKeyInfo), proven with {@code serverPrivateKey}
     * @param normalize turns configured AE-IDs/CSE-IDs into the engine's normalised form
     */
    public RawKeyTlsHandler(
            byte[] serverKeyInfo,
            AsymmetricKeyParameter serverPrivateKey,
            RawPublicKeyStore trusted,
            UnaryOperator<String> normalize,
            long handshakeTimeoutMillis) {
        super(handshakeTimeoutMillis);
        this.serverKeyInfo = serverKeyInfo;
        this.serverPrivateKey = serverPrivateKey;
        this.trusted = trusted;
        this.normalize = normalize;
    }

    @Override
    protected TlsServer server(BcTlsCrypto crypto, Runnable handshakeDone) {
        return new RawKeyTlsServer(crypto, serverKeyInfo, serverPrivateKey, trusted, spki -> {
            clientKeyInfo = spki;
            handshakeDone.run();
        });
    }

    @Override
    protected Optional<SecurityAssociation> association() {
        return trusted.association(clientKeyInfo, Instant.now(), normalize);
    }

    @Override
    protected CredentialStore<?> store() {
        return trusted;
    }
}
