package io.citadel.security.vault;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/** Operations shared by the vaults: every one runs in the vault's provider on a key handle. */
abstract class AbstractKeyVault implements KeyVault {
    protected final KeyStore store;
    protected final Provider provider;
    private final char[] password;

    AbstractKeyVault(KeyStore store, Provider provider, char[] password) {
        this.store = store;
        this.provider = provider;
        this.password = password.clone();
    }

    @Override
    public KeyStore keyStore() {
        return store;
    }

    @Override
    public char[] entryPassword() {
        return password.clone();
    }

    @Override
    public Map<String, String> inventory() {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                out.put(alias, level());
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the key store cannot be listed", e);
        }
        return out;
    }

    /** Key handles by alias (a handle in a token; the decrypted key of a PKCS#12 entry), until the vault changes. */
    private final java.util.concurrent.ConcurrentHashMap<String, Key> handles =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Forgets the key handles (after the vault changed). */
    protected void forgetHandles() {
        handles.clear();
    }

    protected Key key(String alias) {
        Key cached = handles.get(alias);
        if (cached != null) {
            return cached;
        }
        try {
            Key k = store.getKey(alias, password);
            if (k == null) {
                throw new IllegalArgumentException("no key '" + alias + "' in " + level());
            }
            if (handles.size() < 4096) {
                handles.put(alias, k);
            }
            return k;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key '" + alias + "' is not usable", e);
        }
    }

    @Override
    public byte[] hmacSha256(String alias, byte[] data) {
        try {
            Mac mac = provider == null ? Mac.getInstance("HmacSHA256") : Mac.getInstance("HmacSHA256", provider);
            mac.init((SecretKey) key(alias));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC with '" + alias + "' failed", e);
        }
    }

    @Override
    public byte[] aesGcmEncrypt(String alias, byte[] iv, byte[] aad, byte[] plaintext) {
        return gcm(Cipher.ENCRYPT_MODE, alias, iv, aad, plaintext);
    }

    @Override
    public byte[] aesGcmDecrypt(String alias, byte[] iv, byte[] aad, byte[] ciphertext) {
        return gcm(Cipher.DECRYPT_MODE, alias, iv, aad, ciphertext);
    }

    private byte[] gcm(int mode, String alias, byte[] iv, byte[] aad, byte[] data) {
        try {
            Cipher c = provider == null
                    ? Cipher.getInstance("AES/GCM/NoPadding")
                    : Cipher.getInstance("AES/GCM/NoPadding", provider);
            c.init(mode, (SecretKey) key(alias), new GCMParameterSpec(128, iv));
            if (aad != null) {
                c.updateAAD(aad);
            }
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM with '" + alias + "' failed (wrong key, IV or tampered data)", e);
        }
    }

    @Override
    public byte[] signEcdsaSha256(String alias, byte[] data) {
        try {
            Signature s = provider == null
                    ? Signature.getInstance("SHA256withECDSA")
                    : Signature.getInstance("SHA256withECDSA", provider);
            s.initSign((PrivateKey) key(alias));
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA with '" + alias + "' failed", e);
        }
    }

    @Override
    public void close() {
        Arrays.fill(password, '\0');
    }
}
