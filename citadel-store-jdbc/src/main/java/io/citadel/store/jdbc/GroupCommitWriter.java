package io.citadel.store.jdbc;

import io.citadel.engine.store.ChangeListener;
import io.citadel.engine.store.ChangeListener.Change;
import io.citadel.engine.store.Mutation;
import io.citadel.engine.store.StoreException;
import io.citadel.store.jdbc.ConnectionPool.PooledConnection;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The single writer. Takes every queued mutation (up to {@value #MAX_BATCH}), runs each under its own
 * savepoint so that a failing one is undone alone, commits once, flushes the commit to the database file,
 * tells the listener, then completes the futures. Mutations are applied in submission order.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.store");
    private static final int MAX_BATCH = 512;
    private static final int MAX_QUEUE = 100_000;

    private final StoreSettings settings;
    private final Rows rows;
    private final Dialect dialect;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>(MAX_QUEUE);
    private final Thread thread;
    private volatile ChangeListener listener = changes -> {};
    private volatile boolean running = true;
    private PooledConnection connection;
    private long sequence;

    private record Pending<T>(Mutation<T> mutation, CompletableFuture<T> future) {
        @SuppressWarnings("unchecked")
        void complete(Object value) {
            future.complete((T) value);
        }
    }

    GroupCommitWriter(StoreSettings settings, Dialect dialect, Rows rows) {
        this.rows = rows;
        this.settings = settings;
        this.dialect = dialect;
        this.connection = new PooledConnection(ConnectionPool.open(settings, false));
        this.sequence = maxSequence();
        this.thread = new Thread(this::run, "citadel-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private long maxSequence() {
        try (Statement st = connection.connection().createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM resources")) {
            rs.next();
            long max = rs.getLong(1);
            connection.connection().commit();
            return max;
        } catch (SQLException e) {
            throw new StoreException("cannot read the sequence: " + e.getMessage(), e);
        }
    }

    void setListener(ChangeListener listener) {
        this.listener = listener;
    }

    <T> CompletableFuture<T> submit(Mutation<T> mutation) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (!running) {
            future.completeExceptionally(new StoreException("store is closed", null));
        } else if (!queue.offer(new Pending<>(mutation, future))) {
            future.completeExceptionally(new StoreException("write queue full", null));
        }
        return future;
    }

    /**
     * Commits batches until closed, then what is still queued. Nothing a mutation throws, an {@link Error} included,
     * stops the writer: the batch's callers are told, and the next batch starts on a clean transaction. An interrupt
     * stops taking new work; what is queued is still written, without waiting (an interrupted wait would throw again).
     */
    private void run() {
        List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
        boolean interrupted = false;
        while (running || !queue.isEmpty()) {
            try {
                Pending<?> first = running ? queue.poll(100, TimeUnit.MILLISECONDS) : queue.poll();
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commitBatch(batch);
            } catch (InterruptedException e) {
                interrupted = true;
                running = false;
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "store writer failure", e);
                rollbackQuietly(connection.connection());
                batch.forEach(p -> p.future().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        connection.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void commitBatch(List<Pending<?>> batch) {
        Connection c = connection.connection();
        List<Object> results = new ArrayList<>(batch.size());
        List<Throwable> failures = new ArrayList<>(batch.size());
        List<Change> changes = new ArrayList<>();
        long startSequence = sequence;
        WriterTransaction tx = new WriterTransaction(connection, sequence, rows);
        try {
            for (Pending<?> p : batch) {
                Savepoint sp = batch.size() > 1 ? c.setSavepoint() : null;
                tx.reset(sequence);
                try {
                    results.add(p.mutation().apply(tx));
                    failures.add(null);
                    changes.addAll(tx.changes());
                    sequence = tx.sequence();
                    if (sp != null) {
                        c.releaseSavepoint(sp);
                    }
                } catch (RuntimeException
                        | Error e) { // an Error (a bug's assertion, a deep recursion) fails this one only
                    if (sp != null) {
                        c.rollback(sp);
                    } else {
                        c.rollback();
                    }
                    results.add(null);
                    failures.add(e);
                }
            }
            c.commit();
            String flush = dialect.flushAfterCommit(settings.syncCommits());
            if (flush != null && !changes.isEmpty()) {
                try (Statement st = c.createStatement()) {
                    st.execute(flush);
                }
            }
        } catch (SQLException e) {
            sequence = startSequence;
            rollbackQuietly(c);
            reconnect();
            StoreException failure = new StoreException("commit failed: " + e.getMessage(), e);
            batch.forEach(p -> p.future().completeExceptionally(failure));
            return;
        }
        try {
            listener.committed(changes);
        } catch (RuntimeException | Error e) { // committed all the same: the callers are told so
            LOG.log(Level.ERROR, "change listener failed", e);
        }
        for (int i = 0; i < batch.size(); i++) {
            if (failures.get(i) != null) {
                batch.get(i).future().completeExceptionally(failures.get(i));
            } else {
                batch.get(i).complete(results.get(i));
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is being replaced
        }
    }

    private void reconnect() {
        connection.close();
        try {
            connection = new PooledConnection(ConnectionPool.open(settings, false));
        } catch (StoreException e) {
            LOG.log(Level.ERROR, "database unreachable; writes fail until it is back");
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
