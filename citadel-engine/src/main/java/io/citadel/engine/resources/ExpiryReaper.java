package io.citadel.engine.resources;

import io.citadel.engine.operations.DeleteOperation;
import io.citadel.engine.store.ResourceStore;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Deletes resources whose expirationTime has passed, once a second, through the normal delete path. */
public final class ExpiryReaper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("citadel.expiry");
    private final ResourceStore store;
    private final DeleteOperation delete;
    private final ScheduledExecutorService timer;

    public ExpiryReaper(ResourceStore store, DeleteOperation delete) {
        this.store = store;
        this.delete = delete;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "citadel-expiry");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::safeReap, 1, 1, TimeUnit.SECONDS);
    }

    private void safeReap() {
        try {
            reap(Instant.now());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "expiry pass failed; will retry", e);
        }
    }

    public int reap(Instant now) {
        int count = 0;
        List<String> due;
        do {
            due = store.expired(now, 500);
            for (String ri : due) {
                if (delete.delete(ri, null).isPresent()) {
                    count++;
                }
            }
        } while (due.size() == 500);
        return count;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
