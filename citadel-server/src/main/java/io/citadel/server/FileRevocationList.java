package io.citadel.server;

import io.citadel.credentials.FileWatch;
import io.citadel.engine.authorization.RevocationList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revoked token IDs, one per line in {@code data-dir/revoked-tokens}. {@code citadel revoke-token} appends
 * to the file; a running CSE notices the change (checked at most once a second, on use) and refuses the
 * token from then on, also after restarts.
 */
final class FileRevocationList implements RevocationList {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("citadel.server");
    private final Path file;
    private final FileWatch watch;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    private FileRevocationList(Path file) {
        this.file = file;
        this.watch = new FileWatch(file, Duration.ofSeconds(1));
    }

    static FileRevocationList open(Path file) {
        FileRevocationList list = new FileRevocationList(file);
        list.reload();
        return list;
    }

    @Override
    public boolean isRevoked(String tokenId) {
        reload();
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
            Files.writeString(
                    file,
                    tokenId + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Revocations only accumulate: a file that cannot be read now keeps every one already known. */
    private synchronized void reload() {
        if (!watch.changed() || !watch.exists()) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    revoked.add(line.strip());
                }
            }
        } catch (IOException e) {
            watch.retryLater();
            LOG.warning(
                    "cannot read " + file + " (" + e.getClass().getSimpleName() + "); known revocations still apply");
        }
    }
}
