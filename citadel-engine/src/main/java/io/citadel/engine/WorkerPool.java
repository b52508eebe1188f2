package io.citadel.engine;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool on which a binding runs the (blocking) engine: fixed size, a bounded queue (a full one
 * rejects, and the binding answers "overloaded" instead of queueing without end), daemon threads named
 * after the binding.
 */
public final class WorkerPool {
    private WorkerPool() {
    }

    public static ThreadPoolExecutor create(String name, int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
