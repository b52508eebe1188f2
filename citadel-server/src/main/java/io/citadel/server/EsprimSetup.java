package io.citadel.server;

import io.citadel.credentials.PskCredential;
import io.citadel.credentials.PskStore;
import io.citadel.e2e.esprim.EsprimReceiver;
import io.citadel.e2e.esprim.PairwiseKeys;
import io.citadel.e2e.esprim.SessionKeys;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * ESPrim at this CSE as configured: the pairwise keys from their store ({@code citadel credentials esprim add}; each
 * bound to the one identity it was added for), the rand-object reading of the session key
 * ({@code --esprim-rand-input}) and the receiver rand object's lifetime ({@code --esprim-rand-lifetime}).
 */
final class EsprimSetup {
    private EsprimSetup() {}

    static PairwiseKeys keys(PskStore store) {
        return (kid, now) -> {
            Optional<PskCredential> c = store.lookup(kid, now);
            if (c.isEmpty() || c.get().allowed().size() != 1) {
                return Optional.empty();
            }
            Optional<byte[]> key = store.key(kid, now);
            if (key.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new PairwiseKeys.PairwiseKey(
                        kid, key.get(), c.get().allowed().get(0)));
            } finally {
                Arrays.fill(key.get(), (byte) 0);
            }
        };
    }

    static EsprimReceiver.Settings settings(Configuration config) {
        SessionKeys.Input input = SessionKeys.Input.valueOf(
                config.get(ConfigKey.ESPRIM_RAND_INPUT).toUpperCase(Locale.ROOT));
        Duration lifetime = Duration.parse(config.get(ConfigKey.ESPRIM_RAND_LIFETIME));
        EsprimReceiver.Settings d = EsprimReceiver.Settings.defaults();
        return new EsprimReceiver.Settings(
                lifetime, input, d.maxSessions(), d.maxSessionsPerKey(), d.maxObjectsPerSession());
    }
}
