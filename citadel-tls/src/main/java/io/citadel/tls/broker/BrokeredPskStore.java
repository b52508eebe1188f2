package io.citadel.tls.broker;

import io.citadel.credentials.CredentialListener;
import io.citadel.credentials.PskCredential;
import io.citadel.credentials.PskPrefetch;
import io.citadel.credentials.PskStore;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CSE's pre-shared keys: its own store first, then keys that brokers (a MEF, a MAF) hand out for identities of
 * the form {@code relativeKeyId@broker-fqdn}. A key of a known broker not held yet is fetched when a client offers
 * its identity ({@link PskPrefetch}; the TLS handshake waits for it), bound to the originator the broker names,
 * and held in memory until the broker's lifetime for it or {@code maxHold}, whichever ends first. Then the broker is
 * asked again: a key it still vouches for is held on and its sessions go on; one it refuses (a revoked device), or
 * cannot vouch for (unreachable: fail closed), is dropped and announced, which ends the sessions it opened. So a
 * device its MEF revoked stays connected for at most {@code maxHold}. One peer cannot make the CSE hammer a broker: a refused identity is not asked again for
 * {@code retryAfter}, and at most {@code maxInFlight} fetches run at once.
 */
public final class BrokeredPskStore implements PskStore, PskPrefetch, AutoCloseable {
    private static final Logger LOG = System.getLogger("citadel.security");
    /** A brokered identity: its FQDN part in lower case (another spelling would dodge the refusal memory). */
    private static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9._-]{1,128}@([a-z0-9.-]{1,253})");
    /** Fetches one client address may have running at once. */
    private static final int PER_PEER = 2;

    private static final int MAX_REFUSED = 10_000;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

    private final PskStore local;
    private final Map<String, KeyBroker> brokers;
    private final Duration maxHold;
    private final Duration retryAfter;
    private final int maxInFlight;
    private final Clock clock;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final Map<io.citadel.security.PeerGroup, Integer> inFlightByPeer = new java.util.HashMap<>();
    private final Map<String, Instant> refusedUntil = new ConcurrentHashMap<>();
    private final List<CredentialListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "citadel-brokered-keys");
        t.setDaemon(true);
        return t;
    });

    private record Held(PskCredential credential, byte[] key) {}

    /**
     * @param brokers by FQDN (the part after {@code @} of the identities they issue)
     */
    public BrokeredPskStore(
            PskStore local,
            Map<String, KeyBroker> brokers,
            Duration maxHold,
            Duration retryAfter,
            int maxInFlight,
            Clock clock) {
        this.local = local;
        this.brokers = Map.copyOf(brokers);
        this.maxHold = maxHold;
        this.retryAfter = retryAfter;
        this.maxInFlight = maxInFlight;
        this.clock = clock;
    }

    /** Held for at most an hour, a refused identity asked again after 30 s, 16 fetches at once. */
    public static BrokeredPskStore of(PskStore local, Map<String, KeyBroker> brokers) {
        return new BrokeredPskStore(local, brokers, Duration.ofHours(1), Duration.ofSeconds(30), 16, Clock.systemUTC());
    }

    @Override
    public boolean saturated() {
        return inFlight.size() >= maxInFlight;
    }

    @Override
    public Optional<CompletionStage<Void>> prefetch(String identity, java.net.InetAddress peer) {
        Matcher m = IDENTITY.matcher(identity == null ? "" : identity);
        if (!m.matches()) {
            return Optional.empty();
        }
        KeyBroker broker = brokers.get(m.group(1));
        Instant now = clock.instant();
        if (broker == null || local.lookup(identity, now).isPresent() || heldNow(identity, now) != null) {
            return Optional.empty();
        }
        Instant refused = refusedUntil.get(identity);
        if (refused != null && now.isBefore(refused)) {
            return Optional.empty();
        }
        CompletableFuture<Void> running = inFlight.get(identity);
        if (running != null) {
            return Optional.of(running);
        }
        if (inFlight.size() >= maxInFlight) {
            LOG.log(
                    Level.WARNING,
                    "key broker fetch of " + identity + " not started: " + maxInFlight + " fetches are running");
            return Optional.empty();
        }
        io.citadel.security.PeerGroup group = peer == null ? null : io.citadel.security.PeerGroup.of(peer);
        if (group != null && !admitPeer(group)) {
            LOG.log(
                    Level.INFO,
                    "key broker fetch of " + identity + " not started: " + peer.getHostAddress() + " has " + PER_PEER
                            + " running");
            return Optional.empty();
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> raced = inFlight.putIfAbsent(identity, started);
        if (raced != null) {
            releasePeer(group);
            return Optional.of(raced);
        }
        started.whenComplete((done, error) -> releasePeer(group));
        fetch(broker, identity, started, null);
        return Optional.of(started);
    }

    private boolean admitPeer(io.citadel.security.PeerGroup group) {
        synchronized (inFlightByPeer) {
            int running = inFlightByPeer.getOrDefault(group, 0);
            if (running >= PER_PEER) {
                return false;
            }
            inFlightByPeer.put(group, running + 1);
            return true;
        }
    }

    private void releasePeer(io.citadel.security.PeerGroup group) {
        if (group == null) {
            return;
        }
        synchronized (inFlightByPeer) {
            inFlightByPeer.computeIfPresent(group, (g, n) -> n <= 1 ? null : n - 1);
        }
    }

    /**
     * Fetches {@code identity}; on failure a key held under {@code held} (when refreshing it) is dropped and announced.
     */
    private void fetch(KeyBroker broker, String identity, CompletableFuture<Void> done, PskCredential refreshing) {
        CompletableFuture<BrokeredKey> call;
        try {
            // a broker that answers its headers and then stalls must not hold the identity (or a refresh) for ever
            call = broker.fetch(identity).orTimeout(FETCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((key, error) -> {
            try {
                if (error == null) {
                    hold(identity, key);
                } else {
                    refused(identity, error, refreshing);
                }
            } catch (RuntimeException unusable) {
                refused(identity, unusable, refreshing);
            } finally {
                if (key != null) {
                    key.destroy();
                }
                inFlight.remove(identity);
                done.complete(null);
            }
        });
    }

    private void hold(String identity, BrokeredKey key) {
        Instant now = clock.instant();
        Instant until = key.notAfter() == null || key.notAfter().isAfter(now.plus(maxHold))
                ? now.plus(maxHold)
                : key.notAfter();
        if (!until.isAfter(now)) {
            throw new KeyBrokerException("the broker's key for " + identity + " has expired");
        }
        PskCredential credential = new PskCredential(identity, List.of(key.originator()), until);
        byte[] bytes = key.key();
        if (bytes.length < 16 || bytes.length > 64) {
            java.util.Arrays.fill(bytes, (byte) 0);
            throw new KeyBrokerException("the broker's key for " + identity + " is not 16 to 64 bytes");
        }
        Held previous = held.put(identity, new Held(credential, bytes));
        if (previous != null) {
            java.util.Arrays.fill(previous.key(), (byte) 0);
            if (!previous.credential().allowed().equals(credential.allowed())) {
                announce(previous.credential()); // bound to someone else now: sessions of the old binding end
            }
        }
        refusedUntil.remove(identity);
        LOG.log(Level.INFO, "key " + identity + " fetched from its broker for " + key.originator() + " until " + until);
        long delay = Math.max(0, Duration.between(now, until).toMillis());
        expiry.schedule(() -> holdEnded(identity, credential), delay, TimeUnit.MILLISECONDS);
    }

    /** The hold of {@code credential} ended: the broker is asked again (unless it was fetched anew meanwhile). */
    private void holdEnded(String identity, PskCredential credential) {
        Held h = held.get(identity);
        if (h == null || !h.credential().equals(credential)) {
            return;
        }
        Matcher m = IDENTITY.matcher(identity);
        KeyBroker broker = m.matches() ? brokers.get(m.group(1).toLowerCase(java.util.Locale.ROOT)) : null;
        CompletableFuture<Void> refresh = new CompletableFuture<>();
        if (broker == null) {
            drop(identity, credential);
        } else if (inFlight.putIfAbsent(identity, refresh) == null) {
            fetch(broker, identity, refresh, credential);
        }
    }

    private void refused(String identity, Throwable error, PskCredential refreshing) {
        // whatever is held for the identity goes, whoever's fetch was refused: the broker no longer vouches for it
        Held current = held.get(identity);
        if (current != null) {
            drop(identity, current.credential());
        } else if (refreshing != null) {
            drop(identity, refreshing);
        }
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
        String reason = cause instanceof KeyBrokerException
                ? cause.getMessage()
                : cause instanceof java.util.concurrent.TimeoutException
                        ? "the broker did not answer within " + FETCH_TIMEOUT.toSeconds() + " s"
                        : "the broker could not be asked";
        LOG.log(Level.INFO, "key " + identity + " not fetched: " + reason);
        if (refusedUntil.size() >= MAX_REFUSED) {
            refusedUntil.clear();
        }
        refusedUntil.put(identity, clock.instant().plus(retryAfter));
    }

    /** Drops a held key (unless it was fetched anew meanwhile) and announces it. */
    private void drop(String identity, PskCredential credential) {
        Held h = held.get(identity);
        if (h != null && h.credential().equals(credential) && held.remove(identity, h)) {
            java.util.Arrays.fill(h.key(), (byte) 0);
            announce(credential);
        }
    }

    private void announce(PskCredential credential) {
        for (CredentialListener l : listeners) {
            try {
                l.revoked(credential);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a credential listener failed: " + e);
            }
        }
    }

    private Held heldNow(String identity, Instant now) {
        Held h = held.get(identity);
        return h != null && h.credential().validAt(now) ? h : null;
    }

    @Override
    public Optional<PskCredential> lookup(String identity, Instant now) {
        Optional<PskCredential> own = local.lookup(identity, now);
        if (own.isPresent()) {
            return own;
        }
        Held h = heldNow(identity, now);
        return h == null ? Optional.empty() : Optional.of(h.credential());
    }

    @Override
    public Optional<byte[]> key(String identity, Instant now) {
        Optional<byte[]> own = local.key(identity, now);
        if (own.isPresent()) {
            return own;
        }
        Held h = heldNow(identity, now);
        return h == null ? Optional.empty() : Optional.of(h.key().clone());
    }

    @Override
    public Optional<String> unusable(String identity) {
        return local.unusable(identity);
    }

    @Override
    public void put(PskCredential credential, byte[] key) {
        local.put(credential, key);
    }

    /** Revokes a stored credential, or drops a fetched key (it is fetched again when offered again). */
    @Override
    public boolean revoke(String identity) {
        Held h = held.remove(identity);
        if (h != null) {
            java.util.Arrays.fill(h.key(), (byte) 0);
            announce(h.credential());
        }
        return local.revoke(identity) || h != null;
    }

    /** The stored credentials and the fetched keys held now. */
    @Override
    public List<PskCredential> list() {
        List<PskCredential> all = new ArrayList<>(local.list());
        held.values().forEach(h -> all.add(h.credential()));
        return all;
    }

    @Override
    public void addListener(CredentialListener listener) {
        local.addListener(listener);
        if (!listeners.contains(listener)) {
            listeners.add(listener);
        }
    }

    @Override
    public void removeListener(CredentialListener listener) {
        local.removeListener(listener);
        listeners.remove(listener);
    }

    @Override
    public void close() {
        expiry.shutdownNow();
        held.values().forEach(h -> java.util.Arrays.fill(h.key(), (byte) 0));
        held.clear();
    }
}
