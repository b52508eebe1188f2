package io.citadel.tls.dtls;

import io.citadel.security.HandshakeThrottle;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DtlsDatagramFilter;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.ContentType;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.Record;
import org.eclipse.californium.scandium.dtls.SessionAdapter;

/**
 * The DTLS side of the guard against online guessing of pre-shared keys ({@link HandshakeThrottle}, shared
 * with TLS-PSK): a PSK handshake that fails is logged (identity, peer, reason; never a key) and counted against
 * the peer's address (one whose identity has no key as soon as its key is looked up, {@link #noKey}), a completed
 * one clears its identity's failures; while an address is shut out, its
 * epoch-0 handshake records (a new handshake's flights, and the ClientKeyExchange of one begun earlier) are
 * dropped quietly before Scandium looks at them, and the PSK look-up of a handshake begun earlier is refused
 * ({@link #admitsKeyLookup}); such a refusal tried no key and is not counted. Records of established sessions
 * still pass.
 * <p>A wrong key shows as the client's Finished (the first record of epoch 1, a handshake record) failing its
 * MAC check, which Scandium would only drop (the handshake then just times out, and the attacker would have
 * learnt the answer from the missing server Finished long before): here that record ends the handshake as
 * failed. Only an epoch-1 handshake record of a handshake under way counts; other records with a bad MAC are
 * dropped as before. UDP sources can be forged, so a third party that knows a device's address and port can
 * still inject such a record during that device's handshake; docs/decisions.md weighs this.
 */
public final class DtlsHandshakeGuard {
    private static final byte HANDSHAKE = 22;
    /** Handshakes under way remembered at most (Scandium's connection limit, {@code DtlsServerConfig}). */
    static final int MAX_PENDING = 20_000;

    private final HandshakeThrottle throttle;
    /**
     * Handshakes under way by their connection id: the peer's address, whether its key look-up was refused, and
     * whether it was counted as failed already.
     */
    private final Map<ConnectionId, Pending> pending =
            java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ConnectionId, Pending> eldest) {
                    return size() > MAX_PENDING;
                }
            });

    /** A handshake under way. */
    private static final class Pending {
        final InetAddress peer;
        volatile boolean refused;
        volatile boolean counted;

        Pending(InetAddress peer) {
            this.peer = peer;
        }
    }

    public DtlsHandshakeGuard(HandshakeThrottle throttle) {
        this.throttle = throttle;
    }

    /**
     * Whether the handshake of connection {@code cid} may have its key looked up: false when its peer's address
     * was shut out since the handshake began, or when the handshake is not known here (fail closed).
     */
    public boolean admitsKeyLookup(ConnectionId cid) {
        Pending p = cid == null ? null : pending.get(cid);
        if (p == null) {
            return false;
        }
        if (!throttle.admit("DTLS-PSK", p.peer)) {
            p.refused = true;
            return false;
        }
        return true;
    }

    /** The address of the peer of handshake {@code cid}, or null when it is not known here. */
    public InetAddress peerOf(ConnectionId cid) {
        Pending p = cid == null ? null : pending.get(cid);
        return p == null ? null : p.peer;
    }

    /**
     * The key look-up of handshake {@code cid} found no key for {@code identity} (unknown, expired or revoked): a
     * failed guess, counted now, once (as TLS-PSK counts it). Scandium answers such a handshake with nothing (its
     * UNKNOWN_PSK_IDENTITY is a quiet drop, so that identities cannot be probed) and never reports it as failed.
     */
    public void noKey(ConnectionId cid, String identity) {
        Pending p = cid == null ? null : pending.get(cid);
        if (p == null || p.counted) {
            return;
        }
        p.counted = true;
        throttle.failed("DTLS-PSK", p.peer, identity, "unknown, expired or revoked identity");
    }

    /** Hears of every handshake's start and end. */
    public SessionAdapter sessions() {
        return new SessionAdapter() {
            @Override
            public void handshakeStarted(Handshaker handshaker) {
                InetSocketAddress peer = handshaker.getPeerAddress();
                ConnectionId cid = handshaker.getConnection().getConnectionId();
                if (peer != null && cid != null) {
                    pending.put(cid, new Pending(peer.getAddress()));
                }
            }

            @Override
            public void handshakeFailed(Handshaker handshaker, Throwable error) {
                Pending p = forget(handshaker);
                InetSocketAddress peer = handshaker.getPeerAddress();
                if (p != null && (p.refused || p.counted)) {
                    return; // its key look-up was refused (no key was tried), or it was counted already
                }
                if (peer == null || error == null || !(error instanceof HandshakeException)) {
                    return; // a peer that went away or a replaced handshake is no guess
                }
                org.eclipse.californium.scandium.dtls.cipher.CipherSuite suite =
                        handshaker.getSession().getCipherSuite();
                if (suite == null || !suite.isPskBased()) {
                    // a certificate refused, or no suite agreed: no key was guessed, and a device with an expired
                    // factory certificate must not shut out the bootstrap-key devices behind the same address
                    return;
                }
                HandshakeException e = (HandshakeException) error;
                throttle.failed(
                        "DTLS-PSK",
                        peer.getAddress(),
                        identity(handshaker.getSession().getPeerIdentity()),
                        e.getAlert() == null
                                ? "handshake failed"
                                : e.getAlert().getDescription().name().toLowerCase(Locale.ROOT));
            }

            @Override
            public void handshakeCompleted(Handshaker handshaker) {
                forget(handshaker);
                InetSocketAddress peer = handshaker.getPeerAddress();
                if (peer != null) {
                    throttle.succeeded(
                            peer.getAddress(), identity(handshaker.getSession().getPeerIdentity()));
                }
            }
        };
    }

    private Pending forget(Handshaker handshaker) {
        ConnectionId cid = handshaker.getConnection().getConnectionId();
        return cid == null ? null : pending.remove(cid);
    }

    /** Scandium's datagram filter, plus: no epoch-0 handshake records from a shut-out address. */
    public DtlsDatagramFilter filter(Configuration config) {
        return new DtlsDatagramFilter(config) {
            @Override
            public boolean onReceiving(DatagramPacket packet) {
                if (packet.getLength() >= 5
                        && packet.getData()[packet.getOffset()] == HANDSHAKE
                        && packet.getData()[packet.getOffset() + 3] == 0
                        && packet.getData()[packet.getOffset() + 4] == 0
                        && !throttle.admit("DTLS-PSK", packet.getAddress())) {
                    return false; // shut out: dropped quietly
                }
                return super.onReceiving(packet);
            }

            /** The client's Finished of a handshake in progress fails its MAC: the key was wrong. */
            @Override
            public boolean onMacError(Record record, Connection connection) {
                Handshaker handshaker = connection.getOngoingHandshake();
                if (handshaker != null && !connection.hasEstablishedDtlsContext() && isFinishedRecord(record)) {
                    handshaker.handshakeFailed(new HandshakeException(
                            "MAC error in the handshake (wrong key?)",
                            new AlertMessage(
                                    AlertMessage.AlertLevel.FATAL, AlertMessage.AlertDescription.BAD_RECORD_MAC)));
                }
                return super.onMacError(record, connection);
            }
        };
    }

    /** A handshake record of epoch 1: in a full handshake, only the peer's Finished. */
    static boolean isFinishedRecord(Record record) {
        return record.getEpoch() == 1 && record.getType() == ContentType.HANDSHAKE;
    }

    private static String identity(Principal principal) {
        if (principal instanceof PreSharedKeyIdentity psk) {
            return psk.getIdentity();
        }
        return principal == null
                ? null
                : new String(principal.getName().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
