package io.citadel.security;

/**
 * The outcome of an access check, decided before any state changes.
 *
 * @param reason why: the rule or policy that permitted, or why nothing did. Never contains secrets.
 */
public record AccessDecision(boolean permitted, String reason) {

    public static AccessDecision permit(String reason) {
        return new AccessDecision(true, reason);
    }

    public static AccessDecision deny(String reason) {
        return new AccessDecision(false, reason);
    }
}
