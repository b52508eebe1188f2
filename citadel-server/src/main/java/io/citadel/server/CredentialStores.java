package io.citadel.server;

import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.FileRawPublicKeyStore;
import io.citadel.credentials.PskStore;
import io.citadel.credentials.RawPublicKeyStore;
import io.citadel.credentials.SecretStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.logging.Logger;

/**
 * Opens the encrypted credential store. Its password comes from {@code --credentials-password-file} or
 * {@code CITADEL_CREDENTIALS_PASSWORD}; when neither is given, a random one is generated once into
 * {@code store.pass} (0600) next to the store, which protects against copies of the store alone but not
 * against someone who can read the whole directory (software level; a PKCS#11 token is the stronger level).
 */
final class CredentialStores {
    private static final Logger LOG = Logger.getLogger("citadel.server");

    private CredentialStores() {}

    static Path directory(Configuration config, Path dataDir) {
        String dir = config.get(ConfigKey.CREDENTIALS_DIR);
        return dir != null ? Path.of(dir) : dataDir.resolve("credentials");
    }

    /** The PSK store (encrypted with the store's password). */
    static PskStore psk(Configuration config, Path dataDir) {
        return open(config, dataDir, EncryptedFilePskStore::open);
    }

    /**
     * The pairwise ESPrim keys (TS-0003 §8.4.2, SUID 13: kid → key, bound to one AE-ID or CSE-ID), apart from the
     * PSKs (a key has one use), in {@code esprim/} of the credential directory, encrypted with the same password.
     */
    static PskStore esprim(Configuration config, Path dataDir) {
        return open(config, dataDir, (dir, password) -> EncryptedFilePskStore.open(dir.resolve("esprim"), password));
    }

    /**
     * The guard against online guessing of the PSK store's keys that its listeners (TLS-PSK, DTLS-PSK) share
     * (--psk-failures-allowed, --psk-block-ms).
     */
    static io.citadel.security.HandshakeThrottle throttle(Configuration config) {
        int free = config.getInt(ConfigKey.PSK_FAILURES_ALLOWED);
        int blockMs = config.getInt(ConfigKey.PSK_BLOCK_MS);
        if (free < 1 || blockMs < 1) {
            throw new IllegalArgumentException("--psk-failures-allowed and --psk-block-ms must be at least 1");
        }
        java.time.Duration first = java.time.Duration.ofMillis(blockMs);
        java.time.Duration max =
                first.compareTo(java.time.Duration.ofMinutes(10)) > 0 ? first : java.time.Duration.ofMinutes(10);
        return new io.citadel.security.HandshakeThrottle(
                free, first, max, java.time.Duration.ofHours(1), 10_000, java.time.Clock.systemUTC());
    }

    /** Secrets the CSE uses as a client (broker password, broker PSK), encrypted with the store's password. */
    static SecretStore secrets(Configuration config, Path dataDir) {
        return open(config, dataDir, SecretStore::open);
    }

    /**
     * A pre-shared key kept in hex as the secret {@code name} (at least 128 bits); the caller zeroes it. Fails
     * with the command that provisions it when it is missing.
     */
    static byte[] hexSecret(Configuration config, Path dataDir, String name) {
        byte[] hex = secrets(config, dataDir)
                .get(name)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no key: citadel credentials secret set " + name + " (hex, from a file or stdin)"));
        try {
            byte[] key = java.util.HexFormat.of()
                    .parseHex(new String(hex, java.nio.charset.StandardCharsets.US_ASCII).strip());
            if (key.length < 16) {
                java.util.Arrays.fill(key, (byte) 0);
                throw new IllegalArgumentException(
                        "the secret " + name + " must be a key of at least 128 bits, in hex");
            }
            return key;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the secret " + name + " is not hex");
        } finally {
            SecretStore.wipe(hex);
        }
    }

    /** Opens a password-protected store in the credential directory; the password is cleared afterwards. */
    private static <T> T open(
            Configuration config, Path dataDir, java.util.function.BiFunction<Path, char[], T> opener) {
        Path dir = directory(config, dataDir);
        char[] password = password(config, dir);
        try {
            return opener.apply(dir, password);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    /** The trusted raw public keys (no secret, so no password), in the same directory. */
    static RawPublicKeyStore rawPublicKeys(Configuration config, Path dataDir) {
        return FileRawPublicKeyStore.open(directory(config, dataDir));
    }

    /** Where the store's password comes from, for the key-protection report. */
    static String passwordSource(Configuration config, Path dir) {
        if (config.get(ConfigKey.CREDENTIALS_PASSWORD_FILE) != null) {
            return "CLEAR: file " + config.get(ConfigKey.CREDENTIALS_PASSWORD_FILE) + " (--credentials-password-file)";
        }
        String env = System.getenv("CITADEL_CREDENTIALS_PASSWORD");
        if (env != null && !env.isEmpty()) {
            return "process environment CITADEL_CREDENTIALS_PASSWORD (not on disk)";
        }
        return "CLEAR: generated file " + dir.resolve("store.pass")
                + " (0600): protects copies of the store, not the directory";
    }

    private static char[] password(Configuration config, Path dir) {
        String file = config.get(ConfigKey.CREDENTIALS_PASSWORD_FILE);
        try {
            if (file != null) {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8)
                        .strip()
                        .toCharArray();
            }
            String env = System.getenv("CITADEL_CREDENTIALS_PASSWORD");
            if (env != null && !env.isEmpty()) {
                return env.toCharArray();
            }
            Files.createDirectories(dir);
            Path generated = dir.resolve("store.pass");
            if (!Files.exists(generated)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                Files.writeString(
                        generated,
                        Base64.getUrlEncoder().withoutPadding().encodeToString(random),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE_NEW);
                try {
                    Files.setPosixFilePermissions(generated, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not POSIX
                }
                LOG.warning("credential store password generated into " + generated
                        + "; give --credentials-password-file to keep it elsewhere");
            }
            return Files.readString(generated, StandardCharsets.UTF_8).strip().toCharArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the credential store password", e);
        }
    }
}
