package io.citadel.engine.authorization;

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
 */
public record Originator(
        String raw,
        String normalized,
        boolean authenticated,
        boolean registered,
        List<AccessToken> tokens,
        boolean tokenRequestIndicator,
        java.util.Set<String> roles) {

    public Originator {
        tokens = List.copyOf(tokens);
        roles = java.util.Set.copyOf(roles);
    }

    Originator withTokens(List<AccessToken> more) {
        List<AccessToken> all = new java.util.ArrayList<>(tokens);
        all.addAll(more);
        return new Originator(raw, normalized, authenticated, registered, all, tokenRequestIndicator, roles);
    }
}
