package io.citadel.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The data directory is owner-only: 0700 directories, 0600 files (the executable bit of a file is kept
 * for its owner). Java cannot set the process umask, so the policy is applied three ways: files Citadel
 * writes itself are created with these permissions, the launcher ({@code ./citadel}) runs with
 * {@code umask 077} for what libraries create (H2's database files), and {@link #secure} checks the whole
 * tree at start and again once every listener is open, warning about and fixing anything group or world
 * accessible.
 */
final class DataDirectory {
    private static final Logger LOG = Logger.getLogger("citadel.server");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private DataDirectory() {}

    /** Creates the directory (0700) if missing, then {@link #secure secures} what it holds. */
    static void prepare(Path dir) {
        try {
            if (Files.notExists(dir)) {
                createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir, e);
        }
        secure(dir);
    }

    /** Creates {@code dir} and missing parents inside the data directory, each 0700 from the start. */
    static void createDirectories(Path dir) throws IOException {
        try {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir); // not a POSIX file system
        }
    }

    /**
     * Removes group and other permissions from the directory and everything in it (symbolic links are
     * neither followed nor changed), with one warning per path fixed.
     *
     * @return how many paths were fixed
     */
    static int secure(Path dir) {
        if (!supportsPosix(dir)) {
            return 0;
        }
        int[] fixed = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    fixed[0] += ownerOnly(d) ? 1 : 0;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile()) {
                        fixed[0] += ownerOnly(f) ? 1 : 0;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // gone meanwhile (a temporary file of the database)
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the permissions in the data directory " + dir, e);
        }
        return fixed[0];
    }

    private static boolean supportsPosix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Drops group/other bits of one path; true when there were any. */
    private static boolean ownerOnly(Path p) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        if (perms.stream().noneMatch(OTHERS::contains)) {
            return false;
        }
        String before = PosixFilePermissions.toString(perms);
        perms.removeAll(OTHERS);
        Files.setPosixFilePermissions(p, perms);
        LOG.warning("data directory: " + p + " was " + before + " (readable or writable by others); set to "
                + PosixFilePermissions.toString(perms) + ". Everything in the data directory is owner-only");
        return true;
    }

    /** Deletes a data directory this start created, after a failed start: a failed start leaves nothing behind. */
    static void remove(Path dir) {
        try {
            if (Files.notExists(dir, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warning("could not remove the data directory " + dir + " after the failed start: " + e.getMessage());
        }
    }
}
