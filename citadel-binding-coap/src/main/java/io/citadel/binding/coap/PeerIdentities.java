package io.citadel.binding.coap;

import io.citadel.credentials.SecurityAssociation;
import java.security.Principal;
import java.util.Optional;

/**
 * What a DTLS session proved, as the engine's {@link SecurityAssociation}: looked up for every request, so
 * that a revoked or expired credential stops working at once, not when its session ends.
 */
@FunctionalInterface
public interface PeerIdentities {
    PeerIdentities NONE = principal -> Optional.empty();

    /** The association for the session's principal (PSK identity, certificate, raw public key); empty if none is valid. */
    Optional<SecurityAssociation> associationOf(Principal principal);
}
