package io.citadel.engine;

import io.citadel.security.AccessDecision;
import java.lang.System.Logger.Level;

/**
 * Where access decisions are recorded: who, what, which operation, and which rule or token permitted it or
 * why nothing did. Never tokens, keys or content.
 */
@FunctionalInterface
public interface AuditLog {

    AuditLog OFF = (originator, target, operation, decision) -> {
    };

    void record(String originator, String target, String operation, AccessDecision decision);

    /** Writes to the {@code citadel.audit} logger, every decision or only denials. */
    static AuditLog toLogger(boolean denialsOnly) {
        System.Logger log = System.getLogger("citadel.audit");
        return (originator, target, operation, decision) -> {
            if (denialsOnly && decision.permitted()) {
                return;
            }
            log.log(Level.INFO, (decision.permitted() ? "PERMIT" : "DENY") + " originator=" + originator
                    + " target=" + target + " op=" + operation + " by=\"" + decision.reason().replace('"', '\'') + "\"");
        };
    }
}
