package io.citadel.server;

import io.citadel.credentials.RawPublicKeyStore;
import io.citadel.security.OriginatorIds;
import io.citadel.tls.PemKeys;
import io.citadel.tls.RawKeyTlsHandler;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.security.PrivateKey;
import java.util.function.Supplier;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;

/**
 * The raw-public-key TLS listener ({@code --rpk-port}, RFC 7250): the CSE proves the key of its
 * {@code --tls-key} (a P-256 PEM key, encrypted with {@code --tls-key-password-file} or not; Bouncy Castle signs
 * with it in software), clients prove keys that the credential store trusts ({@code citadel credentials rpk
 * add}, the admin API).
 */
final class RawKeyTlsSetup {
    private RawKeyTlsSetup() {}

    /** The listener's handlers, trusting the keys of the store {@code rawPublicKeys} opens (the CSE's). */
    static Supplier<ChannelHandler> server(
            Configuration config, Supplier<RawPublicKeyStore> rawPublicKeys, OriginatorIds ids) {
        String keyFile = config.get(ConfigKey.TLS_KEY);
        if (keyFile == null) {
            throw new IllegalArgumentException(
                    "--rpk-port needs --tls-key: the CSE's own P-256 key, which it proves to clients");
        }
        PrivateKey key = CertificateTlsSetup.pemKey(config);
        if (!key.getAlgorithm().equals("EC")) {
            throw new IllegalArgumentException("--rpk-port needs an EC (P-256) --tls-key");
        }
        byte[] spki = PemKeys.subjectPublicKeyInfo(key);
        AsymmetricKeyParameter privateKey;
        try {
            privateKey = PrivateKeyFactory.createKey(key.getEncoded());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot use --tls-key for raw public keys: " + e.getMessage());
        }
        RawPublicKeyStore trusted = rawPublicKeys.get();
        long handshake = config.getInt(ConfigKey.HANDSHAKE_TIMEOUT_MS);
        return () -> new RawKeyTlsHandler(spki, privateKey, trusted, ids::normalize, handshake);
    }
}
