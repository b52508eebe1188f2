package io.citadel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The levels set on the libraries' loggers survive garbage collection (java.util.logging holds loggers weakly). */
class LogSetupTest {

    @Test
    void the_quieted_library_loggers_keep_their_level_after_a_garbage_collection() {
        LogSetup.configure();
        collectGarbage();
        for (String name : new String[] {"org.eclipse.californium", "io.netty", "org.h2", "org.eclipse.paho"}) {
            assertThat(Logger.getLogger(name).getLevel()).as(name).isEqualTo(Level.WARNING);
        }
        assertThat(Logger.getLogger("org.eclipse.californium.core.CoapServer").isLoggable(Level.INFO))
                .as("a Californium class logger inherits WARNING")
                .isFalse();
    }

    /** Runs the collector until an object only weakly reachable is gone (a full collection has happened). */
    private static void collectGarbage() {
        WeakReference<Object> probe = new WeakReference<>(new Object());
        for (int i = 0; i < 50 && probe.get() != null; i++) {
            System.gc();
            byte[][] churn = new byte[64][];
            for (int j = 0; j < churn.length; j++) {
                churn[j] = new byte[64 * 1024];
            }
        }
        assertThat(probe.get()).as("a garbage collection ran").isNull();
        System.gc();
    }
}
