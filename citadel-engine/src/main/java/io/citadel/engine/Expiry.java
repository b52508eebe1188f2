package io.citadel.engine;

import io.citadel.engine.resource.Resource;
import io.citadel.protocol.Timestamps;
import java.time.Instant;

/** When a resource counts as expired: its expirationTime is not after {@code now}. */
final class Expiry {
    private Expiry() {
    }

    static boolean hasExpired(Resource r, Instant now) {
        String et = r.expirationTime();
        return et != null && Timestamps.parse(et).map(when -> !when.isAfter(now)).orElse(false);
    }
}
