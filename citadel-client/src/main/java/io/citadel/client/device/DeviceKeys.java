package io.citadel.client.device;

import io.citadel.credentials.Pkcs11Provider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Where a device's private key lives: in its password-protected state (software), or in a PKCS#11 token when it has
 * one ({@link #token}): generated there (P-256, sensitive, not extractable; a session object, so a key made for an
 * enrolment or renewal that fails leaves nothing behind), used there for the certification request and every TLS
 * handshake, kept under an alias with its certificate chain (only then a token object); the state then holds the chain
 * and the alias only. A renewal makes a new key under a new alias and removes the old one after the state names the
 * new.
 */
abstract class DeviceKeys {
    /** A new P-256 key pair. */
    abstract KeyPair generate();

    /** Keeps {@code key} with {@code chain}; the alias it is kept under (null: in the state itself). */
    abstract String keep(PrivateKey key, List<X509Certificate> chain);

    /** The key kept under {@code alias}. */
    abstract PrivateKey find(String alias);

    /** Removes what is kept under {@code alias} (nothing for null). */
    abstract void discard(String alias);

    /** Keys in the device's state. */
    static DeviceKeys software() {
        return new DeviceKeys() {
            @Override
            KeyPair generate() {
                return EstMessages.newKeyPair();
            }

            @Override
            String keep(PrivateKey key, List<X509Certificate> chain) {
                return null;
            }

            @Override
            PrivateKey find(String alias) {
                throw new EnrolmentException("this device keeps its key in its state, not in a token");
            }

            @Override
            void discard(String alias) {}
        };
    }

    /**
     * Keys in the PKCS#11 token of {@code library}, slot index {@code slot}, logged in with {@code pin} (copied).
     *
     * @param workDir where the provider's configuration is written
     */
    static DeviceKeys token(String library, int slot, char[] pin, Path workDir) {
        try {
            Provider provider = Pkcs11Provider.open(library, slot, workDir, false); // session keys until kept
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin);
            return new Token(provider, store);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new EnrolmentException("the PKCS#11 token cannot be opened (wrong library, slot or PIN)");
        }
    }

    private static final class Token extends DeviceKeys {
        private static final SecureRandom RANDOM = new SecureRandom();
        private final Provider provider;
        private final KeyStore store;

        Token(Provider provider, KeyStore store) {
            this.provider = provider;
            this.store = store;
        }

        @Override
        KeyPair generate() {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC", provider);
                g.initialize(new ECGenParameterSpec("secp256r1"));
                return g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new EnrolmentException("the token cannot make a P-256 key");
            }
        }

        @Override
        synchronized String keep(PrivateKey key, List<X509Certificate> chain) {
            byte[] random = new byte[8];
            RANDOM.nextBytes(random);
            String alias = "citadel-device-" + HexFormat.of().formatHex(random);
            try {
                store.setKeyEntry(alias, key, null, chain.toArray(X509Certificate[]::new));
                return alias;
            } catch (GeneralSecurityException e) {
                throw new EnrolmentException("the token cannot keep the device's key and certificate");
            }
        }

        @Override
        synchronized PrivateKey find(String alias) {
            try {
                if (store.getKey(alias, null) instanceof PrivateKey k) {
                    return k;
                }
            } catch (GeneralSecurityException e) {
                // reported below
            }
            throw new EnrolmentException("the token holds no device key '" + alias + "'");
        }

        @Override
        synchronized void discard(String alias) {
            if (alias == null) {
                return;
            }
            try {
                store.deleteEntry(alias);
            } catch (GeneralSecurityException e) {
                System.getLogger("citadel.device")
                        .log(
                                System.Logger.Level.WARNING,
                                "the old key '" + alias + "' could not be removed from the token");
            }
        }
    }

    /** Zeroes a PIN copy. */
    static void wipe(char[] pin) {
        if (pin != null) {
            Arrays.fill(pin, '\0');
        }
    }
}
