package io.citadel.store.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The data subjects' content keys (256-bit, random), one file (0600) outside the database: each row's body is
 * encrypted under keys of its subjects ({@link SubjectCipher}), so destroying a subject's keys makes every copy of its
 * rows unreadable, wherever the database keeps them: free pages, the write-ahead log, backups of the database. The
 * file is rewritten whole on every change (a temporary file, forced to the device, moved over the old one); a key is
 * written before any row uses it. Keys are named by a hash of what they belong to, never by an originator.
 */
final class SubjectKeyRing {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Map<String, byte[]> keys = new HashMap<>();

    SubjectKeyRing(Path file) {
        this.file = file;
        try {
            if (Files.exists(file)) {
                Map<?, ?> root = JSON.readValue(file.toFile(), Map.class);
                if (!(root.get("keys") instanceof Map<?, ?> stored)) {
                    throw new IOException("no keys member");
                }
                stored.forEach((id, key) ->
                        keys.put(String.valueOf(id), Base64.getDecoder().decode(String.valueOf(key))));
            } else {
                persist();
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the subject key file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** The name of the key of everything under the {@code <AE>} whose resource ID is {@code aeResourceId}. */
    static String aeKeyId(String aeResourceId) {
        return id("ae:" + aeResourceId);
    }

    /** The name of the key of everything {@code creator} (a normalised originator) created. */
    static String creatorKeyId(String creator) {
        return id("cr:" + (creator == null ? "" : creator));
    }

    private static String id(String what) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(what.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key named {@code id}, or empty when there is none (never made, or destroyed). */
    synchronized Optional<byte[]> key(String id) {
        byte[] k = keys.get(id);
        return k == null ? Optional.empty() : Optional.of(k.clone());
    }

    /** The key named {@code id}, made and written to the file first when there is none. */
    synchronized byte[] keyFor(String id) {
        byte[] k = keys.get(id);
        if (k == null) {
            k = new byte[32];
            RANDOM.nextBytes(k);
            keys.put(id, k);
            try {
                persist();
            } catch (IOException e) {
                keys.remove(id);
                throw new UncheckedIOException("cannot write the subject key file " + file, e);
            }
        }
        return k.clone();
    }

    /** Destroys the key named {@code id}: gone from the file (rewritten) and from memory; false when there was none. */
    synchronized boolean destroy(String id) {
        byte[] k = keys.remove(id);
        if (k == null) {
            return false;
        }
        try {
            persist();
        } catch (IOException e) {
            keys.put(id, k);
            throw new UncheckedIOException("cannot write the subject key file " + file, e);
        }
        Arrays.fill(k, (byte) 0);
        return true;
    }

    private void persist() throws IOException {
        Map<String, String> encoded = new LinkedHashMap<>();
        keys.forEach((id, k) -> encoded.put(id, Base64.getEncoder().encodeToString(k)));
        byte[] content = JSON.writeValueAsBytes(Map.of("v", 1, "keys", encoded));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(
                dir,
                ".subject-keys",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel ch =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(content));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException directoriesCannotBeForcedHere) {
                // some file systems refuse to open a directory; the move is atomic all the same
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        Arrays.fill(content, (byte) 0);
    }
}
