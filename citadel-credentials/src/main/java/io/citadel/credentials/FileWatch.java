package io.citadel.credentials;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tells whether an operator-edited file (or a directory of them) changed, looking at most once per interval,
 * so that stores read by running servers (revocations, credentials, trust anchors, policies) pick up CLI
 * edits without stat calls on every request. A deleted file counts as a change.
 */
public final class FileWatch {
    private final Path path;
    private final long intervalMillis;
    private long checkedAt;
    private String seen;

    public FileWatch(Path path, Duration interval) {
        this.path = path;
        this.intervalMillis = interval.toMillis();
    }

    public Path path() {
        return path;
    }

    /** True once per change since the last call that returned true (always true first, and after {@link #reset}). */
    public synchronized boolean changed() {
        long now = System.currentTimeMillis();
        if (seen != null && now - checkedAt < intervalMillis) {
            return false;
        }
        checkedAt = now;
        String stamp = stamp();
        if (stamp.equals(seen)) {
            return false;
        }
        seen = stamp;
        return true;
    }

    /** The next {@link #changed()} reports a change at once (after one's own write). */
    public synchronized void reset() {
        seen = null;
    }

    /** After a load that failed: the next check after the interval reports a change, so the load is retried. */
    public synchronized void retryLater() {
        seen = "retry";
    }

    public boolean exists() {
        return Files.exists(path);
    }

    private String stamp() {
        try {
            if (!Files.exists(path)) {
                return "absent";
            }
            if (!Files.isDirectory(path)) {
                return describe(path);
            }
            Map<String, String> entries = new TreeMap<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(path)) {
                for (Path f : files) {
                    entries.put(f.getFileName().toString(), describe(f));
                }
            }
            return entries.toString();
        } catch (IOException e) {
            return "unreadable " + System.nanoTime(); // never equal: try again next time
        }
    }

    private static String describe(Path f) throws IOException {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        return a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
    }
}
