package io.citadel.credentials;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A {@link PskStore} that can learn keys it does not hold from elsewhere (a MEF or MAF that brokers them, TS-0003
 * §8.3.2.1, §8.2.2.3). A TLS-PSK listener asks it as soon as a client's psk_identity is on the wire, and holds
 * the handshake until the answer is in, so that the key look-up itself never waits on the network.
 */
public interface PskPrefetch {
    /**
     * Starts fetching the key of {@code identity} when this store would fetch it (an identity of a broker it knows,
     * not held yet); empty when there is nothing to wait for. The stage completes, normally, when the key is held
     * or the fetch failed (the look-up then finds nothing and the handshake fails).
     */
    default Optional<CompletionStage<Void>> prefetch(String identity) {
        return prefetch(identity, null);
    }

    /**
     * As {@link #prefetch(String)}, for a client at {@code peer} (null when unknown): one address may have only a few
     * fetches running at once.
     */
    Optional<CompletionStage<Void>> prefetch(String identity, java.net.InetAddress peer);

    /** Whether fetches are refused now because as many as allowed are running (a refusal that is no guess). */
    default boolean saturated() {
        return false;
    }
}
