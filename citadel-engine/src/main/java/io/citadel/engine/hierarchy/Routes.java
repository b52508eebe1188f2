package io.citadel.engine.hierarchy;

import java.util.Optional;

/** Where requests for other CSEs go: the next hop towards a target. */
@FunctionalInterface
public interface Routes {
    Routes NONE = to -> Optional.empty();

    /** The next hop: its CSE-ID and point of access. */
    record Hop(String cseId, String pointOfAccess) {}

    /** The next hop towards a target in SP-relative or absolute form; empty when there is none. */
    Optional<Hop> nextHopFor(String to);
}
