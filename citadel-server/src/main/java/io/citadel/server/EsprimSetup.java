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

    /** How long a pipeline worker waits for a key broker's answer about a kid it has not seen. */
    private static final Duration FETCH_WAIT = Duration.ofSeconds(5);

    /**
     * The keys of {@code store}; a brokered store ({@code --key-broker}) is asked to fetch a kid it does not hold,
     * waited for at most {@link #FETCH_WAIT} (its own bounds on fetches under way apply).
     */
    /** As {@link #keys(PskStore)}, then the keys of the key vault when there is one. */
    static PairwiseKeys keys(PskStore store, VaultEsprimKeys vault) {
        return vault == null ? keys(store) : keys(store).or(vault);
    }

    static PairwiseKeys keys(PskStore store) {
        PairwiseKeys byKid = byKid(store);
        return new PairwiseKeys() {
            @Override
            public Optional<PairwiseKeys.PairwiseKey> find(String kid, java.time.Instant now) {
                return byKid.find(kid, now);
            }

            @Override
            public Optional<PairwiseKeys.PairwiseKey> findFor(
                    java.util.function.Predicate<String> identity, java.time.Instant now) {
                return store.list().stream()
                        .filter(c -> c.validAt(now)
                                && c.allowed().size() == 1
                                && identity.test(c.allowed().get(0)))
                        .map(c -> byKid.find(c.identity(), now))
                        .flatMap(Optional::stream)
                        .findFirst();
            }
        };
    }

    private static PairwiseKeys byKid(PskStore store) {
        // at most two pipeline workers wait for a broker at once: unknown kids cost a sender nothing
        java.util.concurrent.Semaphore waiting = new java.util.concurrent.Semaphore(2);
        return (kid, now) -> {
            if (store.lookup(kid, now).isEmpty() && store instanceof io.citadel.credentials.PskPrefetch brokered) {
                brokered.prefetch(kid, null).ifPresent(fetch -> {
                    if (!waiting.tryAcquire()) {
                        return; // the fetch goes on; this object gets 4112, a retry finds the key
                    }
                    try {
                        fetch.toCompletableFuture()
                                .get(FETCH_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        // not fetched: the lookup below finds nothing (4112)
                    } finally {
                        waiting.release();
                    }
                });
            }
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

    /**
     * The ESPrim SUIDs this CSE advertises: 13 when it holds configured pairwise keys, 23 when a MEF brokers keys for
     * it, 33 when a MAF does; none (no {@code esi}) otherwise. Keys added while it runs are advertised from the next start.
     */
    static java.util.List<Integer> suids(Configuration config, java.util.List<?> esprimKeys) {
        String brokers = config.get(ConfigKey.KEY_BROKER);
        boolean mef = brokers != null
                && !brokers.isBlank()
                && java.util.Arrays.stream(brokers.split(","))
                        .anyMatch(b -> !b.isBlank() && !b.strip().startsWith("maf:"));
        java.util.List<Integer> suids = new java.util.ArrayList<>();
        if (!esprimKeys.isEmpty()) {
            suids.add(13);
        }
        if (mef) {
            suids.add(23);
        }
        boolean maf = brokers != null
                && java.util.Arrays.stream(brokers.split(","))
                        .anyMatch(b -> b.strip().startsWith("maf:"));
        if (maf) {
            suids.add(33);
        }
        return java.util.List.copyOf(suids);
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
