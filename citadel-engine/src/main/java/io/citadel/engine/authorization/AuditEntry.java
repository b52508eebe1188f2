package io.citadel.engine.authorization;

import io.citadel.credentials.LevelOfAssurance;
import io.citadel.security.AccessDecision;

/**
 * One access decision as the audit log keeps it: who asked, for what, which operation, the decision with the rule or
 * the reason, and how strongly the originator was authenticated. Never tokens, keys or content.
 *
 * @param originator the normalised originator
 * @param target the target's resource ID (or what stands for it: a PDP's question, a registration's CSE)
 * @param operation the operation's name (CREATE, RETRIEVE, ..., or POLL, PDP)
 * @param decision the decision and its reason
 * @param assurance the originator's level of assurance, or null when it was not known
 */
public record AuditEntry(
        String originator, String target, String operation, AccessDecision decision, LevelOfAssurance assurance) {

    /** This entry with the decision's reason and the other fields passed through {@code rewrite}. */
    AuditEntry rewritten(
            java.util.function.UnaryOperator<String> originatorRewrite,
            java.util.function.UnaryOperator<String> rewrite) {
        return new AuditEntry(
                originatorRewrite.apply(originator),
                rewrite.apply(target),
                operation,
                decision.permitted()
                        ? AccessDecision.permit(rewrite.apply(decision.reason()))
                        : AccessDecision.deny(rewrite.apply(decision.reason())),
                assurance);
    }

    /** The line the {@code citadel.audit} logger writes. */
    public String line() {
        return (decision.permitted() ? "PERMIT" : "DENY") + " originator=" + originator + " target=" + target + " op="
                + operation + " " + LevelOfAssurance.describe(assurance) + " by=\""
                + decision.reason().replace('"', '\'') + "\"";
    }
}
