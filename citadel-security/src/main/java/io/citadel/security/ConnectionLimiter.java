package io.citadel.security;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Admits connections to one listener so that no single client can take it from everyone else:
 * <ul>
 * <li>each peer holds at most {@code perPeer} connections; an IPv6 peer is its /64, since one host
 * commonly owns a whole /64;</li>
 * <li>all peers together hold at most {@code total};</li>
 * <li>the last {@code loopbackReserve} of those are for loopback peers only, so the administrator on the
 * host still gets in while remote clients hold everything else.</li>
 * </ul>
 * A loopback address is bounded too, by {@code perLoopbackPeer}: on the default plain listener, which listens on
 * loopback only, every client shares 127.0.0.1, so that bound is the listener's capacity for local clients, not
 * one client's share. Thread-safe; every admitted connection is released exactly once.
 */
public final class ConnectionLimiter {
    private final int total;
    private final int perPeer;
    private final int perLoopbackPeer;
    private final int loopbackReserve;
    private final Map<PeerGroup, Integer> open = new HashMap<>();
    private int count;

    public ConnectionLimiter(int total, int perPeer, int loopbackReserve) {
        this(total, perPeer, perPeer, loopbackReserve);
    }

    public ConnectionLimiter(int total, int perPeer, int perLoopbackPeer, int loopbackReserve) {
        if (total < 1 || perPeer < 1 || perLoopbackPeer < 1 || loopbackReserve < 0 || loopbackReserve >= total) {
            throw new IllegalArgumentException("connection limits must be positive, the reserve below the total");
        }
        this.total = total;
        this.perPeer = perPeer;
        this.perLoopbackPeer = perLoopbackPeer;
        this.loopbackReserve = loopbackReserve;
    }

    /** Admits a connection from {@code peer}, or returns false (the caller closes it at once). */
    public synchronized boolean tryAcquire(InetAddress peer) {
        int limit = peer.isLoopbackAddress() ? total : total - loopbackReserve;
        PeerGroup key = PeerGroup.of(peer);
        int held = open.getOrDefault(key, 0);
        if (count >= limit || held >= (peer.isLoopbackAddress() ? perLoopbackPeer : perPeer)) {
            return false;
        }
        open.put(key, held + 1);
        count++;
        return true;
    }

    /** Releases a connection {@link #tryAcquire} admitted. */
    public synchronized void release(InetAddress peer) {
        PeerGroup key = PeerGroup.of(peer);
        Integer held = open.get(key);
        if (held == null) {
            return;
        }
        if (held == 1) {
            open.remove(key);
        } else {
            open.put(key, held - 1);
        }
        count--;
    }

    /** Connections currently admitted. */
    public synchronized int open() {
        return count;
    }
}
