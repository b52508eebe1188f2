package io.citadel.protocol;

import java.util.function.LongSupplier;

/**
 * A budget of log lines for events any peer can cause at will (malformed content, malformed datagrams from
 * spoofable sources): at most {@code perSecond} lines a second, and the next line admitted says how many were
 * left out meanwhile, so nobody can flood the log yet nothing goes unnoticed. Thread-safe.
 */
public final class LogBudget {
    private static final long SECOND = 1_000_000_000L;
    private final int perSecond;
    private final LongSupplier nanoClock;
    private long windowStart;
    private int used;
    private long suppressed;

    public LogBudget(int perSecond) {
        this(perSecond, System::nanoTime);
    }

    LogBudget(int perSecond, LongSupplier nanoClock) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("a log budget needs at least one line a second");
        }
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
        this.windowStart = nanoClock.getAsLong();
    }

    /**
     * The suffix to append when a line may be written now ({@code ""}, or {@code " (N similar lines left out)"}),
     * or null when the budget of this second is spent and the line is to be left out.
     */
    public synchronized String admit() {
        long now = nanoClock.getAsLong();
        if (now - windowStart >= SECOND) {
            windowStart = now;
            used = 0;
        }
        if (used >= perSecond) {
            suppressed++;
            return null;
        }
        used++;
        if (suppressed == 0) {
            return "";
        }
        String suffix = " (" + suppressed + " similar lines left out)";
        suppressed = 0;
        return suffix;
    }
}
