package io.citadel.engine.authorization;

import io.citadel.credentials.LevelOfAssurance;
import io.citadel.security.AccessToken;
import java.util.List;

/**
 * The originator of a request after the identify stage.
 *
 * @param raw the {@code From} as received (may be null for AE registration)
 * @param normalized SP-relative or absolute form used for access decisions
 * @param authenticated whether a security association proved this identity (feeds {@code acaf})
 * @param registered whether it is an AE or CSE registered with this CSE (or the administrator)
 * @param tokens verified tokens it presented ({@code tkns}) or referred to ({@code ltids})
 * @param tokenRequestIndicator {@code tqi}: it can fetch tokens from a DAS itself (indirect flow)
 * @param roles Role-IDs from {@code rids} that valid {@code <role>} resources give it
 * @param assurance how strongly it was authenticated (TR-0008 §9.1.1), or null when that is not known here
 */
public record Originator(
        String raw,
        String normalized,
        boolean authenticated,
        boolean registered,
        List<AccessToken> tokens,
        boolean tokenRequestIndicator,
        java.util.Set<String> roles,
        LevelOfAssurance assurance) {

    public Originator {
        tokens = List.copyOf(tokens);
        roles = java.util.Set.copyOf(roles);
    }

    /** An originator whose level of assurance is not known here (another CSE's question, a stored creator). */
    public Originator(
            String raw,
            String normalized,
            boolean authenticated,
            boolean registered,
            List<AccessToken> tokens,
            boolean tokenRequestIndicator,
            java.util.Set<String> roles) {
        this(raw, normalized, authenticated, registered, tokens, tokenRequestIndicator, roles, null);
    }

    Originator withTokens(List<AccessToken> more) {
        List<AccessToken> all = new java.util.ArrayList<>(tokens);
        all.addAll(more);
        return new Originator(raw, normalized, authenticated, registered, all, tokenRequestIndicator, roles, assurance);
    }
}
