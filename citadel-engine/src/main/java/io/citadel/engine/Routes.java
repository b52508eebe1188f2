package io.citadel.engine;

import java.util.Optional;

/** Where requests for other CSEs go: the point of access of the next hop towards a target. */
@FunctionalInterface
interface Routes {
    Routes NONE = to -> Optional.empty();

    /** The next hop's point of access for a target in SP-relative or absolute form; empty when there is none. */
    Optional<String> pointOfAccessFor(String to);
}
