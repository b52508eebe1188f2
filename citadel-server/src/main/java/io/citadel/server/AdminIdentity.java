package io.citadel.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The administrator originator. There is no well-known default: when the operator sets none, one is
 * generated at first start, kept (owner-readable only) in the data directory and shown once.
 *
 * <p>A generated originator is kept in memory by {@link #resolve} and written and shown only by
 * {@link #persist}, once the server has started: a start that fails leaves no originator behind, printed
 * or stored, that nothing uses.
 *
 * @param value the originator
 * @param pendingFile where a newly generated originator is to be stored; null when it was configured or stored
 */
record AdminIdentity(String value, Path pendingFile) {

    /** The configured or stored originator, else a newly generated one (not yet stored: see {@link #persist}). */
    static AdminIdentity resolve(String configured, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return new AdminIdentity(configured.trim(), null);
        }
        Path file = dataDir.resolve("admin-originator");
        try {
            if (Files.exists(file)) {
                return new AdminIdentity(
                        Files.readString(file, StandardCharsets.UTF_8).trim(), null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the administrator originator in " + dataDir, e);
        }
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        return new AdminIdentity("CAdmin" + HexFormat.of().formatHex(random), file);
    }

    /** Stores (0600) and shows, once, an originator that {@link #resolve} generated; nothing otherwise. */
    void persist(java.io.PrintStream announce) {
        if (pendingFile == null) {
            return;
        }
        try {
            Files.deleteIfExists(pendingFile);
            try {
                Files.createFile(
                        pendingFile,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(pendingFile); // not a POSIX file system
            }
            Files.writeString(pendingFile, value + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the administrator originator in " + pendingFile, e);
        }
        announce.println("Citadel: generated the administrator originator " + value);
        announce.println("Citadel: it is stored in " + pendingFile + " (shown only this once)");
    }
}
