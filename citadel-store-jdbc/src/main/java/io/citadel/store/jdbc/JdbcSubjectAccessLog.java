package io.citadel.store.jdbc;

import io.citadel.engine.privacy.SubjectAccess;
import io.citadel.engine.privacy.SubjectAccessLog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The access log in the store's database (table {@code subject_access}), written by the store's one writer in
 * batches of up to {@value #BATCH}: an append only queues the entry (at most {@value #MAX_PENDING} wait; beyond
 * that entries are dropped and counted, never blocking a request). Entries older than the retention go.
 */
public final class JdbcSubjectAccessLog implements SubjectAccessLog {
    private static final Logger LOG = Logger.getLogger("citadel.privacy");
    static final int BATCH = 1_000;
    static final int MAX_PENDING = 10_000;
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);

    private final JdbcResourceStore store;
    private final Duration retention;
    private final Clock clock;
    private final ArrayBlockingQueue<SubjectAccess> pending = new ArrayBlockingQueue<>(MAX_PENDING);
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicLong next;
    private final AtomicLong dropped = new AtomicLong();
    /** The highest entry number written so far. */
    private final AtomicLong written = new AtomicLong();

    private volatile CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);
    private volatile Instant lastPrune = Instant.MIN;
    private volatile Instant lastDropWarning = Instant.MIN;

    public JdbcSubjectAccessLog(JdbcResourceStore store, Duration retention, Clock clock) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the access log's retention must be positive");
        }
        this.store = store;
        this.retention = retention;
        this.clock = clock;
        this.next = new AtomicLong(store.read(c -> {
                    try (ResultSet rs = c.prepare("SELECT COALESCE(MAX(id), 0) FROM subject_access")
                            .executeQuery()) {
                        return rs.next() ? rs.getLong(1) : 0L;
                    }
                })
                + 1);
        this.written.set(next.get() - 1);
    }

    @Override
    public void append(SubjectAccess entry) {
        if (!pending.offer(entry.numbered(next.getAndIncrement()))) {
            dropped.incrementAndGet();
            Instant now = clock.instant();
            if (now.isAfter(lastDropWarning.plusSeconds(60))) {
                lastDropWarning = now;
                LOG.warning("the access log cannot keep up: " + dropped.get() + " entries dropped so far");
            }
        }
        write();
    }

    /** Starts writing the next batch unless one is being written; the one being written starts the next. */
    private void write() {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        List<SubjectAccess> batch = new ArrayList<>();
        pending.drainTo(batch, BATCH);
        Instant now = clock.instant();
        boolean prune = now.isAfter(lastPrune.plus(PRUNE_EVERY));
        if (batch.isEmpty() && !prune) {
            writing.set(false);
            if (!pending.isEmpty()) {
                write();
            }
            return;
        }
        if (prune) {
            lastPrune = now;
        }
        inFlight = store.write(tx -> {
                    WriterTransaction jdbc = (WriterTransaction) tx;
                    if (!batch.isEmpty()) {
                        jdbc.insertAccesses(batch);
                    }
                    return prune ? jdbc.deleteAccesses(null, now.minus(retention)) : 0;
                })
                .whenComplete((pruned, failure) -> {
                    if (failure != null) {
                        dropped.addAndGet(batch.size());
                        LOG.warning("access log entries lost (" + batch.size() + "): " + failure.getMessage());
                    } else {
                        batch.forEach(a -> written.accumulateAndGet(a.id(), Math::max));
                        if (pruned != null && pruned >= WriterTransaction.PRUNE_CHUNK) {
                            lastPrune = Instant.MIN; // more expired entries wait: the next write takes the next chunk
                        }
                    }
                    writing.set(false);
                    if (!pending.isEmpty()) {
                        write();
                    }
                });
    }

    @Override
    public List<SubjectAccess> read(String subject, long afterId, int limit) {
        return query(
                "SELECT id, subject, accessor, target, op, permitted, loa, at FROM subject_access"
                        + " WHERE subject = ? AND id > ? ORDER BY id LIMIT ?",
                subject,
                afterId,
                limit);
    }

    @Override
    public List<SubjectAccess> latest(String subject, int limit) {
        List<SubjectAccess> newestFirst = query(
                "SELECT id, subject, accessor, target, op, permitted, loa, at FROM subject_access"
                        + " WHERE subject = ? AND id < ? ORDER BY id DESC LIMIT ?",
                subject,
                Long.MAX_VALUE,
                limit);
        List<SubjectAccess> out = new ArrayList<>(newestFirst);
        Collections.reverse(out);
        return out;
    }

    private List<SubjectAccess> query(String sql, String subject, long id, int limit) {
        return store.read(c -> {
            PreparedStatement ps = c.prepare(sql);
            ps.setString(1, subject);
            ps.setLong(2, id);
            ps.setInt(3, limit);
            List<SubjectAccess> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        });
    }

    private static SubjectAccess row(ResultSet rs) throws SQLException {
        int loa = rs.getInt(7);
        Integer level = rs.wasNull() ? null : loa;
        return new SubjectAccess(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getBoolean(6),
                level,
                Instant.ofEpochMilli(rs.getLong(8)));
    }

    @Override
    public int erase(String subject) {
        flush();
        return store.write(tx -> ((WriterTransaction) tx).deleteAccesses(subject, null))
                .join();
    }

    /**
     * Waits until the entries appended before the call are written (or given up as lost): until an entry numbered at
     * least as high as the last one handed out then is written, or nothing waits any more. Appends that go on
     * meanwhile do not keep it waiting.
     */
    @Override
    public void flush() {
        long target = next.get() - 1;
        while (true) {
            write();
            CompletableFuture<?> current = inFlight;
            try {
                current.join();
            } catch (RuntimeException lostAndLogged) {
                // the entries were counted as dropped
            }
            if (written.get() >= target || pending.isEmpty() && !writing.get() && current == inFlight) {
                return;
            }
        }
    }

    @Override
    public void clear() {
        flush();
        store.write(tx -> ((WriterTransaction) tx).deleteAllAccesses()).join();
    }

    /** Writes what is queued; the store is closed after this. */
    @Override
    public void close() {
        flush();
    }

    /** How many entries were dropped because the log could not keep up or a write failed. */
    public long dropped() {
        return dropped.get();
    }
}
