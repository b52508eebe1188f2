package io.citadel.engine;

import io.citadel.security.AccessDecision;
import java.lang.System.Logger.Level;

/**
 * Where access decisions are recorded: who, what, which operation, and which rule or token permitted it or
 * why nothing did. Never tokens, keys or content, and never the administrator originator, which on a plain
 * listener is a bearer secret: {@link #namingAdministrator} puts {@value #ADMINISTRATOR} in its place.
 */
@FunctionalInterface
public interface AuditLog {

    AuditLog OFF = (originator, target, operation, decision) -> {
    };

    /** What the audit log writes where the administrator originator would stand. */
    String ADMINISTRATOR = "admin";

    void record(String originator, String target, String operation, AccessDecision decision);

    /**
     * This log with every spelling of the administrator originator ({@code secrets}: as configured and as
     * normalised) replaced by {@value #ADMINISTRATOR}, in the originator and in any text of the record.
     */
    default AuditLog namingAdministrator(java.util.Collection<String> secrets) {
        java.util.List<String> spellings = secrets.stream().filter(s -> s != null && !s.isEmpty())
                .sorted(java.util.Comparator.comparingInt(String::length).reversed()).distinct().toList();
        if (this == OFF || spellings.isEmpty()) {
            return this;
        }
        java.util.function.UnaryOperator<String> scrub = text -> {
            if (text == null) {
                return null;
            }
            String out = text;
            for (String s : spellings) {
                out = out.replace(s, ADMINISTRATOR);
            }
            return out;
        };
        AuditLog inner = this;
        return (originator, target, operation, decision) -> inner.record(scrub.apply(originator), scrub.apply(target),
                operation, decision.permitted() ? AccessDecision.permit(scrub.apply(decision.reason()))
                        : AccessDecision.deny(scrub.apply(decision.reason())));
    }

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
