package io.citadel.security;

import java.time.Instant;
import java.util.List;

/**
 * A token that passed verification (signature or decryption, trusted issuer, holder, validity window,
 * audience). Holds no key material and not the JWT itself.
 *
 * @param holder normalised holder, equal to the originator it was validated for
 */
public record AccessToken(
        String tokenId,
        String issuer,
        String holder,
        Instant notBefore,
        Instant notAfter,
        List<String> audience,
        List<TokenPermission> permissions) {

    public AccessToken {
        audience = List.copyOf(audience);
        permissions = List.copyOf(permissions);
    }

    public boolean validAt(Instant when) {
        return !when.isBefore(notBefore) && when.isBefore(notAfter);
    }
}
