package io.citadel.security.vault;

import java.security.KeyStore;
import java.util.Map;

/**
 * The secure environment (TS-0003 §16, the seeds' levels): where Citadel's long-term keys live and where the
 * operations that use them run. Two real implementations: a PKCS#11 token (keys generated or imported as
 * sensitive and non-extractable; ECDSA, HMAC and AES-GCM computed inside the token) and an encrypted PKCS#12
 * key store at the software level. Callers get key handles, never key bytes.
 */
public interface KeyVault extends AutoCloseable {

    /** The protection level, e.g. {@code pkcs11 (SoftHSM slot 0)} or {@code software (encrypted PKCS#12)}. */
    String level();

    /** The key store view (private keys as handles), e.g. for a TLS key manager. */
    KeyStore keyStore();

    /** The password or PIN protecting entries of {@link #keyStore()} (a copy; the caller clears it). */
    char[] entryPassword();

    /** Alias → protection level, for the report of which level protects which key. */
    Map<String, String> inventory();

    /** HMAC-SHA256 with the named secret key, computed where the key lives. */
    byte[] hmacSha256(String alias, byte[] data);

    /** AES-GCM (128-bit tag) with the named secret key, computed where the key lives. */
    byte[] aesGcmEncrypt(String alias, byte[] iv, byte[] aad, byte[] plaintext);

    byte[] aesGcmDecrypt(String alias, byte[] iv, byte[] aad, byte[] ciphertext);

    /** ECDSA-SHA256 (DER) with the named private key, computed where the key lives. */
    byte[] signEcdsaSha256(String alias, byte[] data);

    /** Generates a secret key in the vault (sensitive, non-extractable where the vault can enforce it). */
    void generateSecretKey(String alias, String algorithm, int bits);

    /**
     * Imports a secret key that must also be known elsewhere (a pairwise key shared with a device): kept sensitive and
     * non-extractable from then on where the vault can enforce it. The caller zeroes its copy.
     */
    void importSecretKey(String alias, byte[] key, String algorithm);

    /** Removes the entry {@code alias} (none: nothing happens). */
    void deleteEntry(String alias);

    /** Reads the vault again (entries another process added or removed). */
    void reload();

    @Override
    void close();
}
