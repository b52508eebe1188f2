package io.citadel.security;

import java.util.Optional;

/**
 * Supplies the originator location ({@code rq_loc}, TS-0003 Annex F) for {@code aclr} contexts. When it
 * cannot tell, a rule with a location context is FALSE.
 */
@FunctionalInterface
public interface LocationSource {

    /** A source that never knows: every location-restricted rule fails closed. */
    LocationSource UNKNOWN = (originator, peerAddress) -> Optional.empty();

    Optional<GeoLocation> locate(String originator, String peerAddress);
}
