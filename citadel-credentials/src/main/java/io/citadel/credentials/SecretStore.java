package io.citadel.credentials;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets this CSE uses as a client (its broker password, its pre-shared key with the broker), kept in the
 * credential store's password-protected PKCS#12 file {@code secrets.p12} (PBE with AES-256, 0600, replaced
 * atomically; stored as opaque HMAC-key entries) instead of files in clear. Read when a connection is made;
 * callers zero what they get.
 */
public final class SecretStore {
    private static final String FILE = "secrets.p12";

    private final Path dir;
    private final char[] password;

    private SecretStore(Path dir, char[] password) {
        this.dir = dir;
        this.password = password.clone();
    }

    /** Opens (creating the directory 0700 if needed) the store; it is read at each access. */
    public static SecretStore open(Path dir, char[] password) {
        try {
            PrivateFiles.directory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        SecretStore store = new SecretStore(dir, password);
        store.load(); // a wrong password fails here, not at first use
        return store;
    }

    /** A copy of the secret (the caller zeroes it), if present. */
    public Optional<byte[]> get(String name) {
        try {
            KeyStore ks = load();
            var entry = ks.getEntry(alias(name), new KeyStore.PasswordProtection(password));
            return entry instanceof KeyStore.SecretKeyEntry s
                    ? Optional.of(s.getSecretKey().getEncoded())
                    : Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the secret store in " + dir + " cannot be read: "
                    + e.getClass().getSimpleName());
        }
    }

    /** Adds or replaces a secret. */
    public synchronized void put(String name, byte[] secret) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("an empty secret");
        }
        try {
            KeyStore ks = load();
            ks.setEntry(
                    alias(name),
                    new KeyStore.SecretKeyEntry(new SecretKeySpec(secret, "HmacSHA256")),
                    new KeyStore.PasswordProtection(password));
            write(ks);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot store the secret " + name + ": " + e.getMessage());
        }
    }

    /** Removes a secret; false when there was none. */
    public synchronized boolean remove(String name) {
        try {
            KeyStore ks = load();
            if (!ks.containsAlias(alias(name))) {
                return false;
            }
            ks.deleteEntry(alias(name));
            write(ks);
            return true;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot remove the secret " + name + ": " + e.getMessage());
        }
    }

    /** The names of the stored secrets (never their values). */
    public List<String> names() {
        try {
            List<String> names = new ArrayList<>();
            for (String alias : Collections.list(load().aliases())) {
                names.add(new String(
                        HexFormat.of().parseHex(alias.substring("secret-".length())), StandardCharsets.UTF_8));
            }
            Collections.sort(names);
            return names;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the secret store in " + dir + " cannot be read: "
                    + e.getClass().getSimpleName());
        }
    }

    private KeyStore load() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            Path file = dir.resolve(FILE);
            if (!Files.exists(file)) {
                ks.load(null, password);
                return ks;
            }
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, password);
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "the secret store in " + dir + " cannot be read (wrong password or damaged): "
                            + e.getClass().getSimpleName());
        }
    }

    private void write(KeyStore ks) {
        try {
            Path tmp = PrivateFiles.temporary(dir, ".p12");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, password);
            }
            PrivateFiles.publish(tmp, dir.resolve(FILE));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the secret store in " + dir + ": " + e.getMessage());
        }
    }

    /** Names are case-sensitive, PKCS#12 aliases are not: the hex of the name. */
    private static String alias(String name) {
        if (name == null || !name.matches("[A-Za-z0-9._:@-]{1,128}")) {
            throw new IllegalArgumentException(
                    "a secret's name is 1 to 128 letters, digits, '.', '_', ':', '@' or '-'");
        }
        return "secret-" + HexFormat.of().formatHex(name.getBytes(StandardCharsets.UTF_8));
    }

    /** Zeroes a secret obtained from {@link #get}. */
    public static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
