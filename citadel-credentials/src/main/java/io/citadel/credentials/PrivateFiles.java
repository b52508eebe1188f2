package io.citadel.credentials;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files of the credential store: owner-only permissions, written to a temporary file and moved into place atomically. */
public final class PrivateFiles {
    private PrivateFiles() {}

    /** Creates {@code dir} if needed and makes it owner-only (0700). */
    public static void directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        restrict(dir, "rwx------");
    }

    /** An owner-only (0600) temporary file in {@code dir}, to be filled and then {@link #publish published}. */
    static Path temporary(Path dir, String suffix) throws IOException {
        Path tmp = Files.createTempFile(dir, ".cred", suffix);
        restrict(tmp, "rw-------");
        return tmp;
    }

    /** Moves a filled temporary file onto {@code target} atomically. */
    static void publish(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes {@code content} to {@code target} (0600) atomically. */
    public static void write(Path target, byte[] content) throws IOException {
        Path tmp = temporary(target.getParent(), ".tmp");
        Files.write(tmp, content);
        publish(tmp, target);
    }

    private static void restrict(Path p, String perms) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system
        }
    }
}
