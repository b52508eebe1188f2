package io.citadel.mef.est;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.FileWatch;
import io.citadel.credentials.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The firmware the operator knows (TR-0008 integrity validation): by name, version and SHA-256, each either trusted
 * (the device enrols as its policy says) or restricted (it enrols with the policy's restricted identity, whose rights
 * the CSE's ACPs keep to reporting). Any other firmware is unknown: a device whose policy requires integrity
 * evidence and runs it is refused. One owner-only JSON file, written whole; a running MEF re-reads it within a
 * second of a change by {@code citadel mef firmware ...}.
 */
public final class FirmwareTrust {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the operator decided for one firmware. */
    public enum Verdict {
        TRUSTED,
        RESTRICTED
    }

    /** One known firmware. */
    public record Known(FirmwareEvidence firmware, Verdict verdict) {}

    private final Path file;
    private final FileWatch watch;
    private List<Known> known;

    private FirmwareTrust(Path file) {
        this.file = file;
        this.watch = file == null ? null : new FileWatch(file, Duration.ofSeconds(1));
        this.known = new ArrayList<>();
    }

    /** No known firmware (a MEF whose policies do not require evidence). */
    public static FirmwareTrust none() {
        return new FirmwareTrust(null);
    }

    public static FirmwareTrust open(Path file) {
        FirmwareTrust t = new FirmwareTrust(file);
        t.watch.changed();
        t.known = read(file);
        return t;
    }

    /** The operator's verdict on {@code firmware}; empty when it is unknown. */
    public synchronized Optional<Verdict> verdict(FirmwareEvidence firmware) {
        refresh();
        return known.stream()
                .filter(k -> k.firmware().equals(firmware))
                .map(Known::verdict)
                .findFirst();
    }

    public synchronized List<Known> list() {
        refresh();
        return List.copyOf(known);
    }

    /** Adds or changes the verdict on a firmware. */
    public synchronized void put(FirmwareEvidence firmware, Verdict verdict) {
        refresh();
        List<Known> next = new ArrayList<>(known);
        next.removeIf(k -> k.firmware().equals(firmware));
        next.add(new Known(firmware, verdict));
        save(next);
    }

    public synchronized boolean remove(FirmwareEvidence firmware) {
        refresh();
        List<Known> next = new ArrayList<>(known);
        boolean removed = next.removeIf(k -> k.firmware().equals(firmware));
        if (removed) {
            save(next);
        }
        return removed;
    }

    private void refresh() {
        if (watch != null && watch.changed()) {
            try {
                known = read(file);
            } catch (IllegalStateException damaged) {
                watch.retryLater();
                System.getLogger("citadel.mef").log(System.Logger.Level.WARNING, damaged.getMessage());
            }
        }
    }

    private static List<Known> read(Path file) {
        List<Known> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (Object o : (List<?>) JSON.readValue(file.toFile(), Map.class).get("firmware")) {
                Map<?, ?> row = (Map<?, ?>) o;
                out.add(new Known(
                        new FirmwareEvidence(
                                (String) row.get("name"), (String) row.get("version"), (String) row.get("sha256")),
                        Verdict.valueOf((String) row.get("verdict"))));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the firmware list " + file + " cannot be read: it is damaged");
        }
    }

    private void save(List<Known> next) {
        if (file == null) {
            throw new IllegalStateException("this MEF keeps no firmware list");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Known k : next) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", k.firmware().name());
            row.put("version", k.firmware().version());
            row.put("sha256", k.firmware().sha256());
            row.put("verdict", k.verdict().name());
            rows.add(row);
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            PrivateFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("firmware", rows)));
            watch.reset();
            known = next;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the firmware list " + file + ": " + e.getMessage(), e);
        }
    }
}
