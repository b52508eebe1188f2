package io.citadel.engine.authorization;

import io.citadel.security.AccessDecision;
import java.lang.System.Logger.Level;

/**
 * Where access decisions are recorded: who, what, which operation, and which rule or token permitted it or
 * why nothing did. Never tokens, keys or content, and never the administrator originator, which on a plain
 * listener is a bearer secret: {@link #namingAdministrator} puts {@value #ADMINISTRATOR} in its place.
 */
@FunctionalInterface
public interface AuditLog {

    AuditLog OFF = (originator, target, operation, decision) -> {};

    /** What the audit log writes where the administrator originator would stand. */
    String ADMINISTRATOR = "admin";

    void record(String originator, String target, String operation, AccessDecision decision);

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
        return (originator, target, operation, decision) -> inner.record(
                admin.isSecret(originator) ? ADMINISTRATOR : admin.apply(originator),
                admin.apply(target),
                operation,
                decision.permitted()
                        ? AccessDecision.permit(admin.apply(decision.reason()))
                        : AccessDecision.deny(admin.apply(decision.reason())));
    }

    /** Writes to the {@code citadel.audit} logger, every decision or only denials. */
    static AuditLog toLogger(boolean denialsOnly) {
        System.Logger log = System.getLogger("citadel.audit");
        return (originator, target, operation, decision) -> {
            if (denialsOnly && decision.permitted()) {
                return;
            }
            log.log(
                    Level.INFO,
                    (decision.permitted() ? "PERMIT" : "DENY") + " originator=" + originator + " target=" + target
                            + " op=" + operation + " by=\"" + decision.reason().replace('"', '\'') + "\"");
        };
    }
}
