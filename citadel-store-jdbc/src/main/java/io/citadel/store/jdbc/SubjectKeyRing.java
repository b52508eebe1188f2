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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The data subjects' content keys (256-bit, random), one file (0600) outside the database: each row's body is
 * encrypted under keys of its subjects ({@link SubjectCipher}), so destroying a subject's keys makes every copy of its
 * rows unreadable, wherever the database keeps them: free pages, the write-ahead log, backups of the database.
 *
 * <p>A key has a random ID, new for each incarnation of its owner: a subject that comes back after an erasure gets
 * new keys, never the destroyed ones' IDs. The file maps each owner (by a hash of what it is: an {@code <AE>}'s
 * resource ID or a creator, never the name itself) to its current key, and keeps the IDs of destroyed keys
 * (tombstones), so that a row under a destroyed key is known for an erased subject's, and a row under a key the file
 * never had is known for a configuration error. The file is rewritten whole on every change (a temporary file, forced
 * to the device, moved over the old one); a key is written before any row uses it.
 */
final class SubjectKeyRing {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Map<String, byte[]> keys = new HashMap<>();
    /** Owner (hashed) → the ID of its current key. */
    private final Map<String, String> current = new HashMap<>();

    private final Set<String> destroyed = new HashSet<>();
    /** This key file's own random ID, which the database it serves records: another file is refused. */
    private String fileId;

    SubjectKeyRing(Path file) {
        this.file = file;
        try {
            if (Files.exists(file)) {
                Map<?, ?> root = JSON.readValue(file.toFile(), Map.class);
                if (!Integer.valueOf(2).equals(root.get("v"))
                        || !(root.get("keys") instanceof Map<?, ?> stored)
                        || !(root.get("current") instanceof Map<?, ?> owners)
                        || !(root.get("destroyed") instanceof List<?> tombstones)
                        || !(root.get("id") instanceof String ownId)) {
                    throw new IOException("not a version 2 subject key file");
                }
                stored.forEach((id, key) ->
                        keys.put(String.valueOf(id), Base64.getDecoder().decode(String.valueOf(key))));
                owners.forEach((owner, id) -> current.put(String.valueOf(owner), String.valueOf(id)));
                tombstones.forEach(t -> destroyed.add(String.valueOf(t)));
                fileId = ownId;
            } else {
                byte[] random = new byte[16];
                RANDOM.nextBytes(random);
                fileId = HexFormat.of().formatHex(random);
                persist();
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the subject key file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** The owner name of everything under the {@code <AE>} whose resource ID is {@code aeResourceId}. */
    static String aeOwner(String aeResourceId) {
        return hash("ae:" + aeResourceId);
    }

    /** The owner name of everything {@code creator} (a normalised originator) created. */
    static String creatorOwner(String creator) {
        return hash("cr:" + (creator == null ? "" : creator));
    }

    private static String hash(String what) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(what.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This key file's ID (random, made with the file). */
    String fileId() {
        return fileId;
    }

    /** The key with this ID, or empty when there is none (destroyed, or never in this file). */
    synchronized Optional<byte[]> key(String id) {
        byte[] k = keys.get(id);
        return k == null ? Optional.empty() : Optional.of(k.clone());
    }

    /** Whether the key with this ID was destroyed (its rows belong to an erased subject). */
    synchronized boolean wasDestroyed(String id) {
        return destroyed.contains(id);
    }

    /** The ID of {@code owner}'s current key, a new key made and written to the file first when it has none. */
    synchronized String currentId(String owner) {
        String id = current.get(owner);
        if (id != null) {
            return id;
        }
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        id = HexFormat.of().formatHex(random);
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        keys.put(id, k);
        current.put(owner, id);
        try {
            persist();
        } catch (IOException e) {
            keys.remove(id);
            current.remove(owner);
            throw new UncheckedIOException("cannot write the subject key file " + file, e);
        }
        return id;
    }

    /**
     * Destroys {@code owner}'s current key: gone from the file (rewritten) and from memory, its ID kept as destroyed;
     * the owner's next key is a new one. False when it had none.
     */
    synchronized boolean destroy(String owner) {
        String id = current.remove(owner);
        if (id == null) {
            return false;
        }
        byte[] k = keys.remove(id);
        destroyed.add(id);
        try {
            persist();
        } catch (IOException e) {
            current.put(owner, id);
            keys.put(id, k);
            destroyed.remove(id);
            throw new UncheckedIOException("cannot write the subject key file " + file, e);
        }
        if (k != null) {
            Arrays.fill(k, (byte) 0);
        }
        return true;
    }

    private void persist() throws IOException {
        Map<String, String> encoded = new LinkedHashMap<>();
        keys.forEach((id, k) -> encoded.put(id, Base64.getEncoder().encodeToString(k)));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("v", 2);
        root.put("id", fileId);
        root.put("keys", encoded);
        root.put("current", current);
        root.put("destroyed", List.copyOf(destroyed));
        byte[] content = JSON.writeValueAsBytes(root);
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
