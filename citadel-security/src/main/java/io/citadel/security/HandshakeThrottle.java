package io.citadel.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Slows down online guessing of pre-shared keys: failed handshakes are counted per peer address (an IPv6
 * peer by its /64, which one host usually owns whole); the {@code allowedFailures}-th failure in a row and
 * every further one shut that address out for a time that doubles with every failure, from {@code firstBlock}
 * up to {@code maxBlock}; a successful handshake clears the count, and an address without a failure for
 * {@code forgetAfter} starts afresh. Connections from a shut-out address are refused before any key is
 * looked at. The count is per address, never per identity, so nobody can lock a device out by sending its
 * identity with wrong keys from elsewhere. The table is bounded: beyond {@code maxTracked} addresses the
 * least recently failing one is forgotten. One instance is shared by every listener that checks the same keys
 * (TLS-PSK and DTLS-PSK), so an attacker does not get a fresh allowance per port.
 * <p>Each failure is logged (listener, identity offered, peer, reason; never a key), a shut-out once when it
 * starts; refused connections during a shut-out are not logged one by one.
 */
public final class HandshakeThrottle {
    private static final Logger LOG = Logger.getLogger("citadel.security");

    private final int allowedFailures;
    private final Duration firstBlock;
    private final Duration maxBlock;
    private final Duration forgetAfter;
    private final int maxTracked;
    private final Clock clock;
    private final Map<Key, Entry> peers;

    /** Failures in a row of one address, when the last was, and until when it is shut out. */
    private static final class Entry {
        int failures;
        Instant lastFailure;
        Instant blockedUntil = Instant.MIN;
    }

    /** An address, or the /64 of an IPv6 one. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /**
     * @param allowedFailures failures in a row after which the address is shut out
     * @param firstBlock the first shut-out; doubled by each further failure
     * @param maxBlock the longest shut-out
     * @param forgetAfter an address without a failure for this long starts afresh
     * @param maxTracked addresses remembered at most
     */
    public HandshakeThrottle(int allowedFailures, Duration firstBlock, Duration maxBlock, Duration forgetAfter, int maxTracked,
                             Clock clock) {
        if (allowedFailures < 1 || firstBlock.isNegative() || firstBlock.isZero() || maxBlock.compareTo(firstBlock) < 0
                || maxTracked < 1) {
            throw new IllegalArgumentException("bad handshake throttle settings");
        }
        this.allowedFailures = allowedFailures;
        this.firstBlock = firstBlock;
        this.maxBlock = maxBlock;
        this.forgetAfter = forgetAfter;
        this.maxTracked = maxTracked;
        this.clock = clock;
        this.peers = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > HandshakeThrottle.this.maxTracked;
            }
        };
    }

    /** Shut out after ten failures in a row for 1 s, then 2 s, 4 s ... up to 10 minutes; forgotten after an hour; 10,000 addresses. */
    public static HandshakeThrottle standard() {
        return new HandshakeThrottle(10, Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofHours(1), 10_000,
                Clock.systemUTC());
    }

    /** Whether a handshake from {@code peer} may start now (false while it is shut out). */
    public synchronized boolean admits(InetAddress peer) {
        Entry e = peers.get(key(peer));
        return e == null || !clock.instant().isBefore(e.blockedUntil);
    }

    /**
     * Records a failed handshake from {@code peer} and logs it.
     *
     * @param listener e.g. {@code TLS-PSK} or {@code DTLS}
     * @param identity the psk_identity offered, or null when none was
     * @param reason why it failed (an alert name; never key material)
     * @return how long {@code peer} is now shut out (zero when not)
     */
    public Duration failed(String listener, InetAddress peer, String identity, String reason) {
        Duration block;
        int failures;
        synchronized (this) {
            Instant now = clock.instant();
            Key k = key(peer);
            Entry e = peers.get(k);
            if (e == null || e.lastFailure.plus(forgetAfter).isBefore(now)) {
                e = new Entry();
                peers.put(k, e);
            }
            e.failures++;
            e.lastFailure = now;
            failures = e.failures;
            block = blockAfter(failures);
            if (!block.isZero()) {
                e.blockedUntil = now.plus(block);
            }
        }
        LOG.warning(listener + " handshake failed: identity=" + printable(identity) + " peer=" + peer.getHostAddress()
                + " reason=" + reason + " failures-in-a-row=" + failures);
        if (!block.isZero()) {
            LOG.warning(listener + ": refusing handshakes from " + peer.getHostAddress() + " for " + block.toMillis()
                    + " ms after " + failures + " failed handshakes in a row");
        }
        return block;
    }

    /** A successful handshake from {@code peer}: its count starts again. */
    public synchronized void succeeded(InetAddress peer) {
        peers.remove(key(peer));
    }

    /** Addresses currently remembered (for tests and metrics). */
    public synchronized int tracked() {
        return peers.size();
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

    private static Key key(InetAddress peer) {
        byte[] a = peer.getAddress();
        if (peer instanceof Inet6Address && a.length == 16) {
            if (isV4Mapped(a)) {
                return new Key(Arrays.copyOfRange(a, 12, 16));
            }
            return new Key(Arrays.copyOf(a, 8)); // the /64
        }
        return new Key(a);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
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
