package io.citadel.engine;

import io.citadel.engine.resource.Resource;

/**
 * A resolved request target.
 *
 * @param resource the addressed resource (for a virtual target: its parent container)
 * @param virtual LATEST or OLDEST for {@code la}/{@code ol}, else NONE
 * @param attribute a single attribute addressed with {@code #name}, or null
 */
record Target(Resource resource, Virtual virtual, String attribute) {

    enum Virtual { NONE, LATEST, OLDEST }
}
