package io.citadel.engine.pipeline;

import io.citadel.credentials.LevelOfAssurance;
import io.citadel.engine.resources.Resource;
import java.util.Optional;

/**
 * What the identify stage proved about the originator before the request goes anywhere.
 *
 * @param authenticated whether a security association vouches for it
 * @param admin whether it is the administrator
 * @param cse whether it is a CSE-ID
 * @param ae its {@code <AE>} when it is one of this CSE's AEs
 * @param assurance how strongly the hop's association proved it, or null when it relayed the originator for
 *     someone else (another CSE's AE: how that AE authenticated is not known here)
 */
public record Authentication(
        boolean authenticated, boolean admin, boolean cse, Optional<Resource> ae, LevelOfAssurance assurance) {
    static final Exchange.Key<Authentication> KEY = Exchange.Key.of("authentication", Authentication.class);

    /** An authentication at the level an association of unknown strength gives: asserted when none vouched. */
    public Authentication(boolean authenticated, boolean admin, boolean cse, Optional<Resource> ae) {
        this(authenticated, admin, cse, ae, authenticated ? null : LevelOfAssurance.ASSERTED);
    }

    static Authentication anonymous() {
        return new Authentication(false, false, false, Optional.empty());
    }
}
