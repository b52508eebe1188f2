package io.citadel.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Watches a java.util.logging logger of a CSE running in this JVM ({@link TestCse}), so that a test can wait for
 * what the server logged (a refused handshake, a failed registration) instead of for a fixed time.
 */
final class LogWatch extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<String> messages = new ArrayList<>();

    private LogWatch(Logger logger) {
        this.logger = logger;
    }

    /** Starts watching {@code loggerName} (and its children). */
    static LogWatch of(String loggerName) {
        LogWatch watch = new LogWatch(Logger.getLogger(loggerName));
        watch.logger.addHandler(watch);
        return watch;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        messages.add(String.valueOf(record.getMessage()));
        notifyAll();
    }

    /** Waits until at least {@code count} messages match; false if {@code timeoutSeconds} (an upper bound) pass first. */
    synchronized boolean await(Predicate<String> matching, int count, long timeoutSeconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (messages.stream().filter(matching).count() < count) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    synchronized List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
