package io.citadel.server;

import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One JSON object per log line on standard error, for every command and every library: Citadel's own
 * loggers, and the libraries' (Californium and Scandium through SLF4J, Netty, H2, Paho) through the same
 * java.util.logging root handler.
 *
 * <p>The libraries' chatty loggers are set to WARNING, and those {@link Logger} objects are held here:
 * java.util.logging keeps loggers only weakly, so a logger nobody references is collected and its level
 * forgotten, and the next {@code getLogger} returns a fresh one that inherits INFO again.
 */
final class LogSetup {
    /** Strong references: the levels set on them must outlive a garbage collection. */
    private static final List<Logger> QUIETED = List.of(
            Logger.getLogger("io.netty"),
            Logger.getLogger("org.h2"),
            Logger.getLogger("org.eclipse.californium"),
            Logger.getLogger("org.eclipse.paho"));

    private LogSetup() {}

    /** Replaces the root handlers with one JSON console handler; libraries log WARNING and above. */
    static void configure() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new JsonLogFormatter());
        console.setLevel(Level.INFO);
        root.addHandler(console);
        root.setLevel(Level.INFO);
        for (Logger quiet : QUIETED) {
            quiet.setLevel(Level.WARNING);
        }
    }

    /** The loggers whose level {@link #configure} lowers (for tests). */
    static List<Logger> quieted() {
        return QUIETED;
    }
}
