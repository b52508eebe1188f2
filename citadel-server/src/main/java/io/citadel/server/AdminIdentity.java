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
 */
final class AdminIdentity {
    private AdminIdentity() {
    }

    /** @return the configured or stored originator; generates and stores one if neither exists */
    static String resolve(String configured, Path dataDir, java.io.PrintStream announce) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        Path file = dataDir.resolve("admin-originator");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            byte[] random = new byte[12];
            new SecureRandom().nextBytes(random);
            String generated = "CAdmin" + HexFormat.of().formatHex(random);
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            announce.println("Citadel: generated the administrator originator " + generated);
            announce.println("Citadel: it is stored in " + file + " (shown only this once)");
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or store the administrator originator in " + dataDir, e);
        }
    }
}
