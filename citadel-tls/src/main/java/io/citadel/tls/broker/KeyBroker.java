package io.citadel.tls.broker;

import java.util.concurrent.CompletableFuture;

/**
 * A service that hands out keys it brokers to the targets they are meant for: a MEF's usage-constrained keys
 * (TS-0003 §8.3.2.1, {@code fetchCredentials}), a MAF's registered keys (§8.8, Key Retrieval).
 */
public interface KeyBroker {
    /**
     * Fetches the key of {@code identity} ({@code relativeKeyId@broker-fqdn}) for this CSE. The future fails with a
     * {@link KeyBrokerException} (a short reason of ours) when the broker refuses, cannot be reached or answers
     * something unusable.
     */
    CompletableFuture<BrokeredKey> fetch(String identity);
}
