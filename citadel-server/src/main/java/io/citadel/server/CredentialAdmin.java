package io.citadel.server;

import io.citadel.credentials.PskCredential;
import io.citadel.credentials.PskStore;
import io.citadel.credentials.RawPublicKeyCredential;
import io.citadel.credentials.RawPublicKeyId;
import io.citadel.credentials.RawPublicKeyStore;
import io.citadel.credentials.SecretStore;
import io.citadel.tls.PemKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operations on the credential store that the CLI ({@code citadel credentials ...}) and the admin API
 * share: pre-shared keys (generated here, returned once), trusted raw public keys, trust anchors and client
 * secrets. A running CSE has one, whose stores its listeners use too, so that a revocation through the admin
 * API reaches the live sessions at once. Nothing here logs or keeps a secret; a generated key is handed to the
 * caller, who zeroes it. Failures the caller caused are {@link IllegalArgumentException}s (unknown names are empty results);
 * a store that cannot be read or written is an {@link IllegalStateException}.
 */
final class CredentialAdmin {
    /** Trust anchor and secret names: file-name safe, no path. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** A key generated for a PSK credential: {@code key} is raw bytes (or the ASCII of a text key). */
    record IssuedKey(PskCredential credential, byte[] key, boolean text) {
        String hex() {
            return java.util.HexFormat.of().formatHex(key);
        }

        void wipe() {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** A trusted CA certificate in the store's {@code trust} directory. */
    record TrustAnchor(String name, String subject, Instant notAfter, boolean nameConstrained) {}

    private final Configuration config;
    private final Path dataDir;

    CredentialAdmin(Configuration config, Path dataDir) {
        this.config = config;
        this.dataDir = dataDir;
    }

    // ---- pre-shared keys

    List<PskCredential> psks() {
        return pskStore().list();
    }

    Optional<PskCredential> psk(String identity) {
        return psks().stream().filter(p -> p.identity().equals(identity)).findFirst();
    }

    /** Stores {@code credential} with a new key (replacing any key it had). */
    IssuedKey issuePsk(PskCredential credential, boolean textKey) {
        byte[] key = generateKey(textKey);
        try {
            pskStore().put(credential, key);
            return new IssuedKey(credential, key, textKey);
        } catch (RuntimeException e) {
            Arrays.fill(key, (byte) 0);
            throw e;
        }
    }

    /**
     * A new key for an existing credential (same identity, originators and expiry); empty when unknown.
     * A stored credential that is not honoured (its allow-list holds something that is not an identifier) is
     * refused with the reason: it has to be added again with a valid allow-list, not carried forward.
     */
    Optional<IssuedKey> rotatePsk(String identity, boolean textKey) {
        Optional<PskCredential> existing = psk(identity);
        if (existing.isEmpty()) {
            pskStore().unusable(identity).ifPresent(why -> {
                throw new IllegalArgumentException(
                        "the PSK " + identity + " is not honoured (" + why + "); add it again with a valid allow-list");
            });
        }
        return existing.map(c -> issuePsk(c, textKey));
    }

    /** Removes a PSK; the store announces it and the CSE closes the sessions that used it. */
    boolean revokePsk(String identity) {
        return pskStore().revoke(identity);
    }

    /**
     * 32 random bytes, or with {@code textKey} 32 random characters of the base64url alphabet (192 bits) for
     * devices and tools that take the PSK as a string (libcoap's {@code coap-client -k}).
     */
    private static byte[] generateKey(boolean textKey) {
        byte[] key = new byte[textKey ? 24 : 32];
        new SecureRandom().nextBytes(key);
        if (!textKey) {
            return key;
        }
        byte[] text = Base64.getUrlEncoder().withoutPadding().encode(key);
        Arrays.fill(key, (byte) 0);
        return text;
    }

    // ---- raw public keys

    List<RawPublicKeyCredential> rawKeys() {
        return rawKeyStore().list();
    }

    RawPublicKeyCredential trustRawKey(RawPublicKeyId id, List<String> allowed, Instant notAfter) {
        RawPublicKeyCredential credential = new RawPublicKeyCredential(id, allowed, notAfter);
        rawKeyStore().put(credential);
        return credential;
    }

    boolean revokeRawKey(RawPublicKeyId id) {
        return rawKeyStore().revoke(id);
    }

    /** The identifier of a key given as PEM text (public key, certificate or EC key pair) or as an ni URI. */
    static RawPublicKeyId rawKeyId(String pem, String ni) {
        if (pem != null && ni != null) {
            throw new IllegalArgumentException("give the key or its identifier, not both");
        }
        if (pem != null) {
            return RawPublicKeyId.of(PemKeys.subjectPublicKeyInfo(pem));
        }
        if (ni != null) {
            return RawPublicKeyId.parse(ni);
        }
        throw new IllegalArgumentException("a raw public key needs the key (PEM) or its RFC 6920 identifier");
    }

    // ---- trust anchors

    Path trustDirectory() {
        return CredentialStores.directory(config, dataDir).resolve("trust");
    }

    List<TrustAnchor> trustAnchors() {
        Path dir = trustDirectory();
        List<TrustAnchor> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> pems = Files.newDirectoryStream(dir, "*.pem")) {
            for (Path p : pems) {
                String file = p.getFileName().toString();
                out.add(describe(file.substring(0, file.length() - 4), Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the trust anchors in " + dir + ": " + e.getMessage());
        }
        out.sort(java.util.Comparator.comparing(TrustAnchor::name));
        return out;
    }

    /** Adds or replaces the CA certificate {@code pem} under {@code name}; a running CSE uses it within a second. */
    TrustAnchor addTrustAnchor(String name, byte[] pem) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a trust anchor name has 1 to 64 letters, digits, '.', '_' or '-'");
        }
        X509Certificate ca = singleCertificate(pem);
        TrustAnchor anchor = describe(name, ca);
        Path dir = trustDirectory();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".ca", ".tmp");
            // exactly the certificate that was checked, re-encoded: nothing else in the text becomes trusted
            Files.writeString(
                    tmp,
                    "-----BEGIN CERTIFICATE-----\n"
                            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(ca.getEncoded())
                            + "\n-----END CERTIFICATE-----\n");
            Files.move(
                    tmp,
                    dir.resolve(name + ".pem"),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot write the trust anchor into " + dir + ": " + e.getMessage());
        }
        return anchor;
    }

    boolean hasTrustAnchor(String name) {
        return name != null
                && NAME.matcher(name).matches()
                && Files.exists(trustDirectory().resolve(name + ".pem"));
    }

    boolean removeTrustAnchor(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return false;
        }
        try {
            return Files.deleteIfExists(trustDirectory().resolve(name + ".pem"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove the trust anchor " + name + ": " + e.getMessage());
        }
    }

    /** Parses one CA certificate; anything else (no certificate, an end-entity certificate) is refused. */
    private static TrustAnchor describe(String name, byte[] pem) {
        X509Certificate ca;
        try (InputStream in = new ByteArrayInputStream(pem)) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not a PEM X.509 certificate: " + e.getMessage());
        }
        return describe(name, ca);
    }

    /** The one certificate in {@code pem}; a text with none or several (a bundle could smuggle a second CA) is refused. */
    private static X509Certificate singleCertificate(byte[] pem) {
        java.util.Collection<? extends java.security.cert.Certificate> all;
        try (InputStream in = new ByteArrayInputStream(pem)) {
            all = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM X.509 certificate: " + e.getMessage());
        }
        if (all.isEmpty() || !(all.iterator().next() instanceof X509Certificate ca)) {
            throw new IllegalArgumentException("not a PEM X.509 certificate");
        }
        describe("check", ca); // refuses an end-entity certificate first, whatever follows it
        if (all.size() != 1) {
            throw new IllegalArgumentException(
                    "a trust anchor is exactly one X.509 CA certificate; found " + all.size());
        }
        return ca;
    }

    private static TrustAnchor describe(String name, X509Certificate ca) {
        if (ca.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("the certificate is not a CA certificate (no basicConstraints cA)");
        }
        return new TrustAnchor(
                name,
                ca.getSubjectX500Principal().getName(),
                ca.getNotAfter().toInstant(),
                ca.getExtensionValue("2.5.29.30") != null);
    }

    // ---- client secrets

    List<String> secretNames() {
        return secretStore().names();
    }

    /** Stores a secret (the value is the caller's to wipe). */
    void setSecret(String name, byte[] value) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a secret name has 1 to 64 letters, digits, '.', '_' or '-'");
        }
        secretStore().put(name, value);
    }

    boolean removeSecret(String name) {
        return name != null && NAME.matcher(name).matches() && secretStore().remove(name);
    }

    // ---- stores, opened once (on first use): they re-read their files when another writer (the CLI, another
    // CSE) changed them, and re-read before every write; the secret store reads its file on every call anyway

    private PskStore psk;
    private RawPublicKeyStore rawKeys;

    /** The PSK store, opened on first use; the same for the admin operations and the CSE's listeners. */
    synchronized PskStore pskStore() {
        if (psk == null) {
            psk = CredentialStores.psk(config, dataDir);
        }
        return psk;
    }

    private PskStore esprim;

    /** The pairwise ESPrim key store, opened on first use; the same for the CLI's operations and the CSE. */
    synchronized PskStore esprimStore() {
        if (esprim == null) {
            esprim = CredentialStores.esprim(config, dataDir);
        }
        return esprim;
    }

    private VaultEsprimKeys esprimVault;

    /**
     * The pairwise ESPrim keys kept in the key vault, when one is configured ({@code --key-store}); null otherwise
     * (they are then kept in the encrypted file store, {@link #esprimStore}).
     */
    synchronized VaultEsprimKeys esprimVault() {
        if (config.get(ConfigKey.KEY_STORE) == null) {
            return null;
        }
        if (esprimVault == null) {
            esprimVault = VaultEsprimKeys.open(KeyVaults.open(config), CredentialStores.directory(config, dataDir));
        }
        return esprimVault;
    }

    /**
     * The pairwise ESPrim keys' bindings, wherever the keys are kept (the file store, and the vault when there is one:
     * keys added before a vault was configured stay in the file store and are honoured); never a key.
     */
    List<PskCredential> esprimKeys() {
        VaultEsprimKeys vault = esprimVault();
        List<PskCredential> all = new java.util.ArrayList<>(esprimStore().list());
        if (vault != null) {
            all.addAll(vault.list());
        }
        return all;
    }

    /** Revokes the pairwise ESPrim key {@code kid} wherever it is kept; false when there is none. */
    boolean revokeEsprimKey(String kid) {
        VaultEsprimKeys vault = esprimVault();
        boolean inFile = esprimStore().revoke(kid);
        boolean inVault = vault != null && vault.revoke(kid);
        return inFile || inVault;
    }

    /**
     * Stores a pairwise ESPrim key {@code kid} bound to one identity, with a new key (printed once by the caller): in
     * the key vault when one is configured, else in the encrypted file store.
     */
    IssuedKey issueEsprimKey(PskCredential credential) {
        if (credential.allowed().size() != 1) {
            throw new IllegalArgumentException("a pairwise ESPrim key is bound to exactly one AE-ID or CSE-ID");
        }
        if (esprimKeys().stream().anyMatch(k -> k.identity().equals(credential.identity()))) {
            throw new IllegalArgumentException(
                    "the ESPrim key " + credential.identity() + " exists; revoke it first (a kid is never re-bound)");
        }
        VaultEsprimKeys vault = esprimVault();
        if (vault != null) {
            return new IssuedKey(credential, vault.add(credential), false);
        }
        byte[] key = generateKey(false);
        try {
            esprimStore().put(credential, key);
            return new IssuedKey(credential, key, false);
        } catch (RuntimeException e) {
            Arrays.fill(key, (byte) 0);
            throw e;
        }
    }

    /** The raw public key store, opened on first use; the same for the admin operations and the CSE's listeners. */
    synchronized RawPublicKeyStore rawKeyStore() {
        if (rawKeys == null) {
            rawKeys = CredentialStores.rawPublicKeys(config, dataDir);
        }
        return rawKeys;
    }

    private SecretStore secretStore() {
        return CredentialStores.secrets(config, dataDir);
    }
}
