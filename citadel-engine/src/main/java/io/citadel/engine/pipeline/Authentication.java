package io.citadel.engine.pipeline;

import io.citadel.engine.resources.Resource;
import java.util.Optional;

/**
 * What the identify stage proved about the originator before the request goes anywhere.
 *
 * @param authenticated whether a security association vouches for it
 * @param admin whether it is the administrator
 * @param cse whether it is a CSE-ID
 * @param ae its {@code <AE>} when it is one of this CSE's AEs
 */
public record Authentication(boolean authenticated, boolean admin, boolean cse, Optional<Resource> ae) {
    static final Exchange.Key<Authentication> KEY = Exchange.Key.of("authentication", Authentication.class);

    static Authentication anonymous() {
        return new Authentication(false, false, false, Optional.empty());
    }
}
