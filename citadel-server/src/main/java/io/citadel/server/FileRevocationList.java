package io.citadel.server;

import io.citadel.engine.RevocationList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revoked token IDs, one per line in {@code data-dir/revoked-tokens}. {@code citadel revoke-token} appends
 * to the file; a running CSE notices the change (checked at most once a second, on use) and refuses the
 * token from then on, also after restarts.
 */
final class FileRevocationList implements RevocationList {
    private final Path file;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private volatile FileTime seen = FileTime.fromMillis(0);
    private volatile long checkedAt;

    private FileRevocationList(Path file) {
        this.file = file;
    }

    static FileRevocationList open(Path file) {
        FileRevocationList list = new FileRevocationList(file);
        list.reload();
        return list;
    }

    @Override
    public boolean isRevoked(String tokenId) {
        long now = System.currentTimeMillis();
        if (now - checkedAt > 1000) {
            checkedAt = now;
            reload();
        }
        return revoked.contains(tokenId);
    }

    @Override
    public synchronized void revoke(String tokenId) {
        append(file, tokenId);
        revoked.add(tokenId);
    }

    /** Appends a token ID to the revocation file (used by the CLI while the CSE may be running). */
    static void append(Path file, String tokenId) {
        if (tokenId == null || !tokenId.matches("[\\x21-\\x7e]{1,256}")) {
            throw new IllegalArgumentException("a token ID is printable ASCII without spaces");
        }
        try {
            Files.writeString(file, tokenId + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private synchronized void reload() {
        try {
            if (!Files.exists(file)) {
                return;
            }
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(seen)) {
                return;
            }
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    revoked.add(line.strip());
                }
            }
            seen = modified;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
