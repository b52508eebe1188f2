package io.citadel.server;

import io.citadel.security.Redaction;
import java.util.Collection;

/**
 * The secrets no log line may carry, applied by {@link JsonLogFormatter} to every message, error and trace:
 * the administrator originator in all its spellings is written as {@code admin}, whichever logger writes it
 * (the audit log names it so itself; a dropped notification or a failure message might not).
 */
final class LogRedaction {
    private static final java.util.Set<String> SPELLINGS = new java.util.LinkedHashSet<>();
    private static volatile Redaction administrator = Redaction.none();

    private LogRedaction() {}

    /**
     * From now on, {@code spellings} of the administrator originator are written as {@code admin}, as well as
     * those hidden before (several servers in one JVM, as in tests, each keep their administrator hidden).
     */
    static synchronized void hideAdministrator(Collection<String> spellings) {
        SPELLINGS.addAll(spellings);
        administrator = Redaction.of("admin", SPELLINGS);
    }

    static String apply(String text) {
        return administrator.apply(text);
    }
}
