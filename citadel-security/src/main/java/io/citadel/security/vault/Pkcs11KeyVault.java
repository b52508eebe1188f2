package io.citadel.security.vault;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * A PKCS#11 token through the JDK's SunPKCS11 provider (tested with SoftHSM2). The provider configuration
 * Citadel writes makes every private and secret key it creates or imports sensitive, non-extractable and
 * token-resident, so no key can be read out through this process; ECDSA, HMAC and AES-GCM run in the token.
 */
public final class Pkcs11KeyVault extends AbstractKeyVault {
    private final String description;

    private Pkcs11KeyVault(KeyStore store, Provider provider, char[] pin, String description) {
        super(store, provider, pin);
        this.description = description;
    }

    /**
     * @param library the PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}
     * @param slotListIndex which slot of the module's list (0 = the first with a token)
     */
    public static Pkcs11KeyVault open(String library, int slotListIndex, char[] pin, Path workDir) {
        try {
            Provider provider = io.citadel.credentials.Pkcs11Provider.open(library, slotListIndex, workDir);
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, pin);
            return new Pkcs11KeyVault(ks, provider, pin, "pkcs11 (" + library + ", slot index " + slotListIndex + ")");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("cannot open the PKCS#11 token: " + e.getMessage(), e);
        }
    }

    public Provider provider() {
        return provider;
    }

    @Override
    public String level() {
        return description;
    }

    @Override
    public void importSecretKey(String alias, byte[] key, String algorithm) {
        forgetHandles();
        javax.crypto.spec.SecretKeySpec spec = new javax.crypto.spec.SecretKeySpec(key, algorithm);
        try {
            store.setKeyEntry(alias, spec, null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot import " + algorithm + " key '" + alias + "' into the token", e);
        } finally {
            try {
                spec.destroy();
            } catch (javax.security.auth.DestroyFailedException ignored) {
                // SecretKeySpec cannot be destroyed; the caller zeroes its own copy
            }
        }
    }

    @Override
    public void deleteEntry(String alias) {
        forgetHandles();
        try {
            if (store.containsAlias(alias)) {
                store.deleteEntry(alias);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot delete '" + alias + "' from the token", e);
        }
    }

    @Override
    public void reload() {
        forgetHandles();
        char[] pin = entryPassword();
        try {
            store.load(null, pin);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the PKCS#11 token again: " + e.getMessage(), e);
        } finally {
            java.util.Arrays.fill(pin, '\0');
        }
    }

    @Override
    public void generateSecretKey(String alias, String algorithm, int bits) {
        try {
            KeyGenerator g = KeyGenerator.getInstance(algorithm, provider);
            g.init(bits);
            SecretKey key = g.generateKey();
            store.setKeyEntry(alias, key, null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate " + algorithm + " key '" + alias + "' in the token", e);
        }
    }
}
