package io.citadel.engine.resources;

import io.citadel.protocol.Timestamps;
import java.time.Instant;

/** When a resource counts as expired: its expirationTime is not after {@code now}. */
public final class Expiry {
    private Expiry() {}

    public static boolean hasExpired(Resource r, Instant now) {
        String et = r.expirationTime();
        return et != null
                && Timestamps.parse(et).map(when -> !when.isAfter(now)).orElse(false);
    }
}
