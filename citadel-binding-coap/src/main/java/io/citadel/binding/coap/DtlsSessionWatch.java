package io.citadel.binding.coap;

import io.citadel.credentials.Credential;
import io.citadel.credentials.CredentialListener;
import io.citadel.credentials.CredentialStore;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.californium.scandium.ConnectionListener;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.DTLSSession;

/**
 * Ends the DTLS sessions whose credential is revoked or expired (or can no longer be checked) as the credential
 * stores announce it ({@link CredentialListener}), as the TLS listeners do, instead of only refusing their next
 * request: Scandium reports every established and removed connection, and when a store announces a credential,
 * each live session it may have proven (same Credential-ID, or none known) has its principal (PSK identity, raw
 * public key, certificate) looked up again; a session the stores no longer vouch for is closed.
 */
final class DtlsSessionWatch implements ConnectionListener, CredentialListener {
    private static final System.Logger LOG = System.getLogger("citadel.coap");

    /** A live session's principal and the Credential-ID it was proven with (null when none was found). */
    private record Session(Principal principal, String credentialId) {}

    private final PeerIdentities identities;
    private final Map<InetSocketAddress, Session> live = new ConcurrentHashMap<>();
    private volatile Consumer<InetSocketAddress> close = peer -> {};
    private volatile List<CredentialStore<?>> stores = List.of();

    DtlsSessionWatch(PeerIdentities identities) {
        this.identities = identities;
    }

    /**
     * Listens to {@code stores}' announcements; {@code close} ends the session with a peer (the connector's
     * close).
     */
    void start(List<CredentialStore<?>> stores, Consumer<InetSocketAddress> close) {
        this.close = close;
        this.stores = List.copyOf(stores);
        this.stores.forEach(s -> s.addListener(this));
    }

    /** Stops listening to the stores. */
    void stop() {
        stores.forEach(s -> s.removeListener(this));
    }

    @Override
    public void revoked(Credential credential) {
        for (Map.Entry<InetSocketAddress, Session> session : live.entrySet()) {
            String proven = session.getValue().credentialId();
            if (proven == null || proven.equals(credential.credentialId())) {
                closeUnlessVouched(session.getKey(), session.getValue());
            }
        }
    }

    /** Closes the session unless the stores still vouch for its principal (a rotated key's credential, say). */
    private void closeUnlessVouched(InetSocketAddress peer, Session session) {
        if (credentialIdOf(session.principal()) == null && live.remove(peer, session)) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "DTLS session with " + peer + " closed: its credential is revoked, expired or cannot be checked");
            close.accept(peer);
        }
    }

    /** The Credential-ID the stores vouch for {@code principal} with now; null when none (or they cannot be read). */
    private String credentialIdOf(Principal principal) {
        try {
            return identities
                    .associationOf(principal)
                    .map(a -> a.credentialId())
                    .orElse(null);
        } catch (RuntimeException e) {
            return null; // a store that cannot be read proves nothing: fail closed
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
            Session watched = new Session(session.getPeerIdentity(), credentialIdOf(session.getPeerIdentity()));
            live.put(peer, watched);
            if (watched.credentialId() == null) {
                closeUnlessVouched(peer, watched); // revoked between the handshake's look-up and now
            }
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
    public void beforeExecution(Connection connection) {}

    @Override
    public void updateExecution(Connection connection) {}

    @Override
    public void afterExecution(Connection connection) {}
}
