package io.citadel.engine.authorization;

import io.citadel.security.AccessDecision;
import java.lang.System.Logger.Level;

/**
 * Where access decisions are recorded ({@link AuditEntry}): who, what, which operation, which rule or token
 * permitted it or why nothing did, and the originator's level of assurance. Never tokens, keys or content, and
 * never the administrator originator, which on a plain listener is a bearer secret: {@link #namingAdministrator}
 * puts {@value #ADMINISTRATOR} in its place.
 */
@FunctionalInterface
public interface AuditLog {

    AuditLog OFF = entry -> {};

    /** What the audit log writes where the administrator originator would stand. */
    String ADMINISTRATOR = "admin";

    void record(AuditEntry entry);

    /** Records a decision about an originator whose level of assurance is not known here. */
    default void record(String originator, String target, String operation, AccessDecision decision) {
        record(new AuditEntry(originator, target, operation, decision, null));
    }

    /**
     * This log with the administrator originator ({@code secrets}: its spellings, as configured, normalised and
     * absolute) written as {@value #ADMINISTRATOR}: the originator when it is exactly one of them, and any whole
     * occurrence in the other fields. Another originator that merely contains it is written as it is.
     */
    default AuditLog namingAdministrator(java.util.Collection<String> secrets) {
        io.citadel.security.Redaction admin = io.citadel.security.Redaction.of(ADMINISTRATOR, secrets);
        if (this == OFF || admin.isEmpty()) {
            return this;
        }
        AuditLog inner = this;
        return entry ->
                inner.record(entry.rewritten(o -> admin.isSecret(o) ? ADMINISTRATOR : admin.apply(o), admin::apply));
    }

    /** Writes to the {@code citadel.audit} logger, every decision or only denials. */
    static AuditLog toLogger(boolean denialsOnly) {
        System.Logger log = System.getLogger("citadel.audit");
        return entry -> {
            if (denialsOnly && entry.decision().permitted()) {
                return;
            }
            log.log(Level.INFO, entry.line());
        };
    }
}
