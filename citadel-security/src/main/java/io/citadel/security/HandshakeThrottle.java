package io.citadel.security;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Slows down online guessing of pre-shared keys: failed handshakes are counted per peer address (an IPv6
 * peer by its /64, which one host usually owns whole); once the address's failures reach
 * {@code allowedFailures}, that failure and every further one shut the address out for a time that doubles
 * with every failure, from {@code firstBlock} up to {@code maxBlock}; an address without a failure for
 * {@code forgetAfter} starts afresh. Connections from a shut-out address are refused before any key is looked
 * at, and a handshake already under way is refused again when its key is looked up ({@link #admit}).
 * <p>The shut-out is per address, never per identity, so nobody can lock a device out by sending its identity
 * with wrong keys from elsewhere. Within an address the failures are kept per identity offered, and a
 * successful handshake clears only the failures of the identity that succeeded: an attacker who holds one
 * valid key (or a device behind the same NAT) cannot wipe the count of guesses made at other identities. At
 * most {@code maxIdentities} identities are told apart per address; failures of any further identity (and of
 * handshakes that offered none, or an identity longer than 128 characters) are lumped together and no success
 * clears them. The table is bounded: beyond {@code maxTracked} addresses the least recently failing one is
 * forgotten. One instance is shared by every listener that checks the same keys (TLS-PSK and DTLS-PSK), so an
 * attacker does not get a fresh allowance per port.
 * <p>Each failure is logged (listener, identity offered, peer, reason; never a key), a shut-out once when it
 * starts, and the first handshake refused during each shut-out once; further refusals are not logged.
 */
public final class HandshakeThrottle {
    private static final Logger LOG = Logger.getLogger("citadel.security");
    /** Identities told apart per address by {@link #standard()}. */
    public static final int IDENTITIES_PER_ADDRESS = 16;
    /** Longer identities are not told apart (a table entry's size stays small). */
    private static final int LONGEST_TRACKED_IDENTITY = 128;

    private final int allowedFailures;
    private final Duration firstBlock;
    private final Duration maxBlock;
    private final Duration forgetAfter;
    private final int maxTracked;
    private final int maxIdentities;
    private final Clock clock;
    private final Map<PeerGroup, Entry> peers;

    /** Failures of one address (per identity, the rest lumped), when the last was, and until when it is shut out. */
    private static final class Entry {
        final Map<String, Integer> byIdentity = new HashMap<>();
        int lumped;
        Instant lastFailure;
        Instant blockedUntil = Instant.MIN;
        boolean refusalLogged;

        int total() {
            int sum = lumped;
            for (int n : byIdentity.values()) {
                sum += n;
            }
            return sum;
        }
    }

    /**
     * With {@link #IDENTITIES_PER_ADDRESS} identities told apart per address.
     *
     * @param allowedFailures failures of an address after which it is shut out
     * @param firstBlock the first shut-out; doubled by each further failure
     * @param maxBlock the longest shut-out
     * @param forgetAfter an address without a failure for this long starts afresh
     * @param maxTracked addresses remembered at most
     */
    public HandshakeThrottle(
            int allowedFailures,
            Duration firstBlock,
            Duration maxBlock,
            Duration forgetAfter,
            int maxTracked,
            Clock clock) {
        this(allowedFailures, firstBlock, maxBlock, forgetAfter, maxTracked, IDENTITIES_PER_ADDRESS, clock);
    }

    /**
     * @param allowedFailures failures of an address after which it is shut out
     * @param firstBlock the first shut-out; doubled by each further failure
     * @param maxBlock the longest shut-out
     * @param forgetAfter an address without a failure for this long starts afresh
     * @param maxTracked addresses remembered at most
     * @param maxIdentities identities whose failures are kept apart per address (the rest are lumped together)
     */
    public HandshakeThrottle(
            int allowedFailures,
            Duration firstBlock,
            Duration maxBlock,
            Duration forgetAfter,
            int maxTracked,
            int maxIdentities,
            Clock clock) {
        if (allowedFailures < 1
                || firstBlock.isNegative()
                || firstBlock.isZero()
                || maxBlock.compareTo(firstBlock) < 0
                || maxTracked < 1
                || maxIdentities < 0) {
            throw new IllegalArgumentException("bad handshake throttle settings");
        }
        this.allowedFailures = allowedFailures;
        this.firstBlock = firstBlock;
        this.maxBlock = maxBlock;
        this.forgetAfter = forgetAfter;
        this.maxTracked = maxTracked;
        this.maxIdentities = maxIdentities;
        this.clock = clock;
        this.peers = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerGroup, Entry> eldest) {
                return size() > HandshakeThrottle.this.maxTracked;
            }
        };
    }

    /** Shut out after ten failures for 1 s, then 2 s, 4 s ... up to 10 minutes; forgotten after an hour; 10,000 addresses. */
    public static HandshakeThrottle standard() {
        return new HandshakeThrottle(
                10, Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofHours(1), 10_000, Clock.systemUTC());
    }

    /** Whether a handshake from {@code peer} may start now (false while it is shut out); logs nothing. */
    public synchronized boolean admits(InetAddress peer) {
        Entry e = peers.get(key(peer));
        return e == null || !clock.instant().isBefore(e.blockedUntil);
    }

    /**
     * Like {@link #admits}, and logs the first handshake refused during each shut-out (later ones quietly):
     * for a refusal a listener acts on, e.g. when a handshake that started before the shut-out asks for its key.
     *
     * @param listener e.g. {@code TLS-PSK} or {@code DTLS-PSK}
     */
    public boolean admit(String listener, InetAddress peer) {
        Duration left;
        synchronized (this) {
            Entry e = peers.get(key(peer));
            Instant now = clock.instant();
            if (e == null || !now.isBefore(e.blockedUntil)) {
                return true;
            }
            if (e.refusalLogged) {
                return false;
            }
            e.refusalLogged = true;
            left = Duration.between(now, e.blockedUntil);
        }
        LOG.warning(listener + ": refused a handshake from " + peer.getHostAddress() + " while it is shut out (another "
                + left.toMillis() + " ms); further refusals are not logged");
        return false;
    }

    /**
     * Records a failed handshake from {@code peer} and logs it.
     *
     * @param listener e.g. {@code TLS-PSK} or {@code DTLS-PSK}
     * @param identity the psk_identity offered, or null when none was
     * @param reason why it failed (an alert name; never key material)
     * @return how long {@code peer} is now shut out (zero when not)
     */
    public Duration failed(String listener, InetAddress peer, String identity, String reason) {
        Duration block;
        int failures;
        synchronized (this) {
            Instant now = clock.instant();
            PeerGroup k = key(peer);
            Entry e = peers.get(k);
            if (e == null || e.lastFailure.plus(forgetAfter).isBefore(now)) {
                e = new Entry();
                peers.put(k, e);
            }
            if (isTracked(identity) && (e.byIdentity.containsKey(identity) || e.byIdentity.size() < maxIdentities)) {
                e.byIdentity.merge(identity, 1, Integer::sum);
            } else {
                e.lumped++;
            }
            e.lastFailure = now;
            failures = e.total();
            block = blockAfter(failures);
            if (!block.isZero()) {
                e.blockedUntil = now.plus(block);
                e.refusalLogged = false;
            }
        }
        LOG.warning(listener + " handshake failed: identity=" + printable(identity) + " peer=" + peer.getHostAddress()
                + " reason=" + reason + " failures-from-address=" + failures);
        if (!block.isZero()) {
            LOG.warning(listener + ": refusing handshakes from " + peer.getHostAddress() + " for " + block.toMillis()
                    + " ms after " + failures + " failed handshakes");
        }
        return block;
    }

    /**
     * A successful handshake of {@code identity} from {@code peer}: that identity's failures from the address
     * are cleared, nobody else's (and not those lumped together). A shut-out in force ends only when what is left
     * is below {@code allowedFailures} (a handshake checked just before its address was shut out; later ones are
     * refused at the key look-up).
     */
    public synchronized void succeeded(InetAddress peer, String identity) {
        PeerGroup k = key(peer);
        Entry e = peers.get(k);
        if (e == null || !isTracked(identity)) {
            return;
        }
        e.byIdentity.remove(identity);
        int left = e.total();
        if (left == 0) {
            peers.remove(k);
        } else if (left < allowedFailures) {
            e.blockedUntil = Instant.MIN;
        }
    }

    /** Addresses currently remembered (for tests and metrics). */
    public synchronized int tracked() {
        return peers.size();
    }

    /** Identities whose failures are told apart for {@code peer}'s address (for tests and metrics). */
    public synchronized int trackedIdentities(InetAddress peer) {
        Entry e = peers.get(key(peer));
        return e == null ? 0 : e.byIdentity.size();
    }

    /** Failures currently counted against {@code peer}'s address (for tests and metrics). */
    public synchronized int failures(InetAddress peer) {
        Entry e = peers.get(key(peer));
        return e == null ? 0 : e.total();
    }

    private static boolean isTracked(String identity) {
        return identity != null && identity.length() <= LONGEST_TRACKED_IDENTITY;
    }

    private Duration blockAfter(int failures) {
        int beyond = failures - allowedFailures + 1;
        if (beyond <= 0) {
            return Duration.ZERO;
        }
        Duration block = firstBlock;
        for (int i = 1; i < beyond && block.compareTo(maxBlock) < 0; i++) {
            block = block.multipliedBy(2);
        }
        return block.compareTo(maxBlock) > 0 ? maxBlock : block;
    }

    private static PeerGroup key(InetAddress peer) {
        return PeerGroup.of(peer);
    }

    /** An identity or reason as it may appear in a log line: printable ASCII, at most 128 characters. */
    static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        String cut = s.length() > 128 ? s.substring(0, 128) + "..." : s;
        return cut.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
