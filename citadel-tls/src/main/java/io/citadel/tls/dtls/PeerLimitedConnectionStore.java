package io.citadel.tls.dtls;

import io.citadel.security.PeerGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.InMemoryConnectionStore;

/**
 * Scandium's connection store (sessions and handshakes under way; when full, a stale one makes room) with a share per
 * peer: a peer address ({@link PeerGroup}: an IPv6 peer by its /64) holds at most {@code perPeer} connections,
 * {@code perLoopbackPeer} for a loopback address, which every local client shares. A new connection of a peer at its
 * share replaces that peer's least recently used one, so a peer that opens handshake after handshake (it needs its
 * real address for that: HelloVerifyRequest) churns only its own and never fills the store against everyone else;
 * devices behind one NAT keep their recent sessions. Counted when a connection is added, over the store's current
 * connections (no running count to drift).
 */
public final class PeerLimitedConnectionStore extends InMemoryConnectionStore {
    private static final System.Logger LOG = System.getLogger("citadel.security");
    private static final io.citadel.protocol.LogBudget BUDGET = new io.citadel.protocol.LogBudget(10);

    private final int perPeer;
    private final int perLoopbackPeer;

    /**
     * @param capacity              connections in all (Scandium's {@code DTLS_MAX_CONNECTIONS})
     * @param staleThresholdSeconds how long unused before a connection may make room for another
     */
    public PeerLimitedConnectionStore(int capacity, long staleThresholdSeconds, int perPeer, int perLoopbackPeer) {
        super(capacity, staleThresholdSeconds);
        if (perPeer < 1 || perLoopbackPeer < 1) {
            throw new IllegalArgumentException("a peer's share is at least one connection");
        }
        this.perPeer = perPeer;
        this.perLoopbackPeer = perLoopbackPeer;
    }

    /** A DTLS connector for {@code config} over such a store, of the capacity and stale threshold {@code config} sets. */
    public static DTLSConnector connector(DtlsConnectorConfig config, int perPeer, int perLoopbackPeer) {
        PeerLimitedConnectionStore store = new PeerLimitedConnectionStore(
                config.get(DtlsConfig.DTLS_MAX_CONNECTIONS),
                config.get(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, TimeUnit.SECONDS),
                perPeer,
                perLoopbackPeer);
        return new DTLSConnector(config, store) {};
    }

    @Override
    public boolean put(Connection connection) {
        InetSocketAddress peer = connection.getPeerAddress();
        synchronized (this) {
            if (peer != null) {
                makeRoomFor(peer.getAddress());
            }
            return super.put(connection);
        }
    }

    /** Connections (and handshakes under way) of {@code peer}'s group now. */
    public synchronized int held(InetAddress peer) {
        return connectionsOf(PeerGroup.of(peer)).size();
    }

    private void makeRoomFor(InetAddress address) {
        List<Connection> held = connectionsOf(PeerGroup.of(address));
        int share = address.isLoopbackAddress() ? perLoopbackPeer : perPeer;
        if (held.size() < share) {
            return;
        }
        // handshakes under way go first, then the least recently used: fresh ClientHellos from one address cannot
        // push out that address's established sessions while it has handshakes of its own to drop
        held.sort(Comparator.comparing(Connection::hasEstablishedDtlsContext)
                .thenComparingLong(Connection::getLastMessageNanos));
        for (Connection replaced : held.subList(0, held.size() - share + 1)) {
            remove(replaced, false);
        }
        String budget = BUDGET.admit();
        if (budget != null) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "DTLS: " + address.getHostAddress() + " holds its share of " + share
                            + " connections: its least recently used made room" + budget);
        }
    }

    private List<Connection> connectionsOf(PeerGroup group) {
        List<Connection> held = new ArrayList<>();
        for (Connection c : this) {
            InetSocketAddress p = c.getPeerAddress();
            if (p != null && group.equals(PeerGroup.of(p.getAddress()))) {
                held.add(c);
            }
        }
        return held;
    }
}
