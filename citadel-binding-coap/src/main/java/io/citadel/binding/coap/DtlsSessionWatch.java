package io.citadel.binding.coap;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.californium.scandium.ConnectionListener;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.DTLSSession;

/**
 * Ends the DTLS sessions whose credential is revoked or expired (or can no longer be checked) within about a
 * second, as the TLS listeners do, instead of only refusing their next request: Scandium reports every
 * established and removed connection, and once a second each live session's principal (PSK identity, raw
 * public key, certificate) is looked up again in the credential store.
 */
final class DtlsSessionWatch implements ConnectionListener {
    private static final System.Logger LOG = System.getLogger("citadel.coap");
    private final PeerIdentities identities;
    private final Map<InetSocketAddress, Principal> live = new ConcurrentHashMap<>();
    private volatile Consumer<InetSocketAddress> close = peer -> { };

    DtlsSessionWatch(PeerIdentities identities) {
        this.identities = identities;
    }

    /** Starts the once-a-second check; {@code close} ends the session with a peer (the connector's close). */
    void start(ScheduledExecutorService timer, Consumer<InetSocketAddress> close) {
        this.close = close;
        timer.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    void sweep() {
        for (Map.Entry<InetSocketAddress, Principal> session : live.entrySet()) {
            boolean valid;
            try {
                valid = identities.associationOf(session.getValue()).isPresent();
            } catch (RuntimeException e) {
                valid = false; // a store that cannot be read proves nothing: fail closed
            }
            if (!valid && live.remove(session.getKey(), session.getValue())) {
                LOG.log(System.Logger.Level.INFO, "DTLS session with " + session.getKey()
                        + " closed: its credential is revoked, expired or cannot be checked");
                close.accept(session.getKey());
            }
        }
    }

    /** Sessions being watched (for tests and metrics). */
    int size() {
        return live.size();
    }

    @Override
    public void onConnectionEstablished(Connection connection) {
        DTLSSession session = connection.getEstablishedSession();
        InetSocketAddress peer = connection.getPeerAddress();
        if (session != null && session.getPeerIdentity() != null && peer != null) {
            live.put(peer, session.getPeerIdentity());
        }
    }

    @Override
    public void onConnectionRemoved(Connection connection) {
        InetSocketAddress peer = connection.getPeerAddress();
        if (peer != null) {
            live.remove(peer);
        }
    }

    @Override
    public boolean onConnectionUpdatesSequenceNumbers(Connection connection, boolean writeSequenceNumber) {
        return false;
    }

    @Override
    public boolean onConnectionMacError(Connection connection) {
        return false;
    }

    @Override
    public void beforeExecution(Connection connection) {
    }

    @Override
    public void updateExecution(Connection connection) {
    }

    @Override
    public void afterExecution(Connection connection) {
    }
}
