package io.citadel.security.vault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.crypto.KeyGenerator;

/**
 * The software level: an encrypted PKCS#12 file (PBE with AES-256 and HMAC-SHA256 integrity, JDK defaults),
 * 0600, replaced atomically on change. Keys are decrypted in this process's memory when used.
 */
public final class Pkcs12KeyVault extends AbstractKeyVault {
    private final Path file;

    private Pkcs12KeyVault(KeyStore store, char[] password, Path file) {
        super(store, null, password);
        this.file = file;
    }

    public static Pkcs12KeyVault open(Path file, char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    ks.load(in, password);
                }
            } else {
                ks.load(null, password);
            }
            return new Pkcs12KeyVault(ks, password, file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot open " + file + " (wrong password or damaged)", e);
        }
    }

    @Override
    public String level() {
        return "software (encrypted PKCS#12 " + file.getFileName() + ")";
    }

    @Override
    public void generateSecretKey(String alias, String algorithm, int bits) {
        try {
            KeyGenerator g = KeyGenerator.getInstance(algorithm);
            g.init(bits);
            store.setEntry(
                    alias,
                    new KeyStore.SecretKeyEntry(g.generateKey()),
                    new KeyStore.PasswordProtection(entryPassword()));
            save();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate key '" + alias + "'", e);
        }
    }

    @Override
    public void importSecretKey(String alias, byte[] key, String algorithm) {
        forgetHandles();
        try {
            store.setEntry(
                    alias,
                    new KeyStore.SecretKeyEntry(new javax.crypto.spec.SecretKeySpec(key, algorithm)),
                    new KeyStore.PasswordProtection(entryPassword()));
            save();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot import key '" + alias + "'", e);
        }
    }

    @Override
    public void deleteEntry(String alias) {
        forgetHandles();
        try {
            if (store.containsAlias(alias)) {
                store.deleteEntry(alias);
                save();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot delete '" + alias + "'", e);
        }
    }

    @Override
    public synchronized void reload() {
        forgetHandles();
        if (!Files.exists(file)) {
            return;
        }
        char[] password = entryPassword();
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + file + " again (wrong password or damaged)", e);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    /** Writes the store back (0600, atomic). */
    public void save() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".vault", ".p12");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, entryPassword());
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }
}
