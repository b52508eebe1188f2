package io.citadel.engine.store.memory;

import io.citadel.engine.store.ChangeListener;
import io.citadel.engine.store.ChangeListener.Change;
import io.citadel.engine.store.Mutation;
import io.citadel.engine.store.StoreException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * The single writer of the in-memory store, shaped as the JDBC store's: takes every queued mutation (up to
 * {@value #MAX_BATCH}) in submission order, runs each in a {@link StagedTransaction} where a failing one is
 * undone alone, makes the group visible to readers at once (the commit), tells the listener on this thread,
 * then completes the futures. A mutation that throws an {@link Error} fails its whole group (nothing is
 * committed) rather than stopping the writer.
 */
public final class GroupCommitter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.store");
    private static final int MAX_BATCH = 512;
    private static final int MAX_QUEUE = 100_000;

    private final Tables committed;
    private final Lock commitLock;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>(MAX_QUEUE);
    private final Thread thread;
    private volatile ChangeListener listener = changes -> {};
    /** Cleared under this object's monitor, so that nothing is queued after the writer's last look. */
    private volatile boolean running = true;

    private long sequence;

    private record Pending<T>(Mutation<T> mutation, CompletableFuture<T> future) {
        @SuppressWarnings("unchecked")
        void complete(Object value) {
            future.complete((T) value);
        }
    }

    /** Queued by {@link #close} so that the writer notices at once instead of at its next poll. */
    private static final Pending<Void> WAKE_UP = new Pending<>(null, null);

    /**
     * @param committed the rows readers see, changed only by this writer
     * @param commitLock the write side of the readers' lock
     */
    GroupCommitter(Tables committed, Lock commitLock) {
        this.committed = committed;
        this.commitLock = commitLock;
        this.thread = new Thread(this::run, "citadel-memory-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    void setListener(ChangeListener listener) {
        this.listener = listener;
    }

    <T> CompletableFuture<T> submit(Mutation<T> mutation) {
        CompletableFuture<T> future = new CompletableFuture<>();
        synchronized (this) {
            if (!running) {
                future.completeExceptionally(new StoreException("store is closed", null));
            } else if (!queue.offer(new Pending<>(mutation, future))) {
                future.completeExceptionally(new StoreException("write queue full", null));
            }
        }
        return future;
    }

    private synchronized void stop() {
        running = false;
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null || first == WAKE_UP) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                batch.removeIf(p -> p == WAKE_UP);
                commitBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                break;
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "store writer failure", e);
                batch.forEach(p -> p.future().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        StoreException closed = new StoreException("store is closed", null);
        queue.stream().filter(p -> p != WAKE_UP).forEach(p -> p.future().completeExceptionally(closed));
    }

    private void commitBatch(List<Pending<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        List<RuntimeException> failures = new ArrayList<>(batch.size());
        List<Change> changes = new ArrayList<>();
        long next = sequence;
        StagedTransaction tx = new StagedTransaction(committed);
        for (Pending<?> p : batch) {
            tx.begin(next);
            try {
                results.add(p.mutation().apply(tx));
                failures.add(null);
                changes.addAll(tx.changes());
                next = tx.sequence();
            } catch (RuntimeException e) {
                tx.rollback();
                results.add(null);
                failures.add(e);
            }
        }
        commitLock.lock();
        try {
            tx.commitTo(committed);
        } finally {
            commitLock.unlock();
        }
        sequence = next;
        try {
            listener.committed(changes);
        } catch (RuntimeException e) {
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

    /** Lets the queued writes finish (up to 10 s), then stops the writer. */
    @Override
    public void close() {
        stop();
        queue.offer(WAKE_UP); // when the queue is full the writer is busy and sees the stop soon anyway
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
