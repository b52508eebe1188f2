package io.citadel.server;

import io.citadel.engine.privacy.PrivacyService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The erasures under way ({@code data-dir/erasures.pending}, 0600, one normalised subject per line): a subject is
 * written before its erasure starts and removed when it has finished, so that an erasure a crash interrupted is
 * finished at the next start, before the CSE is ready.
 */
final class ErasureJournal {
    private static final Logger AUDIT = Logger.getLogger("citadel.audit");
    private final Path file;

    ErasureJournal(Path file) {
        this.file = file;
    }

    /** Erases {@code subject} (normalised) and journals it while it runs. */
    synchronized PrivacyService.Erased erase(PrivacyService privacy, String subject, String by) {
        Set<String> pending = read();
        pending.add(subject);
        write(pending);
        PrivacyService.Erased done = privacy.erase(subject, false);
        pending.remove(subject);
        write(pending);
        audit(done, by);
        return done;
    }

    /** Finishes the erasures a stop interrupted; returns how many there were. */
    synchronized int resume(PrivacyService privacy) {
        Set<String> pending = read();
        for (String subject : new ArrayList<>(pending)) {
            audit(privacy.erase(subject, true), "resumed at start");
            pending.remove(subject);
            write(pending);
        }
        return pending.isEmpty() ? 0 : pending.size();
    }

    private static void audit(PrivacyService.Erased done, String by) {
        AUDIT.info("PRIVACY erase subject=" + done.subject() + " resources=" + done.resources() + " notifications="
                + done.notifications() + " accessLog=" + done.accesses() + " keys=" + done.keys() + " by=" + by);
    }

    private Set<String> read() {
        try {
            return Files.exists(file)
                    ? new LinkedHashSet<>(Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                            .filter(l -> !l.isBlank())
                            .toList())
                    : new LinkedHashSet<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void write(Set<String> subjects) {
        try {
            if (subjects.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            Path tmp = Files.createTempFile(
                    file.toAbsolutePath().getParent(),
                    ".erasures",
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, List.copyOf(subjects), StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
