package io.citadel.binding.coap;

import io.citadel.security.HandshakeThrottle;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DtlsDatagramFilter;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.Record;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.SessionAdapter;

/**
 * The DTLS side of the guard against online guessing of pre-shared keys ({@link HandshakeThrottle}, shared
 * with TLS-PSK): a handshake that fails is logged (identity, peer, reason; never a key) and counted against
 * the peer's address, a completed one clears it; while an address is shut out, the first flight of a new
 * handshake from it (an epoch-0 handshake record) is dropped quietly, before Scandium looks at it. Records of
 * established sessions still pass. A wrong key shows as a Finished record that fails its MAC check, which
 * Scandium would only drop (the handshake then just times out): here it ends the handshake as failed.
 */
final class DtlsHandshakeGuard {
    private static final byte HANDSHAKE = 22;

    private final HandshakeThrottle throttle;

    DtlsHandshakeGuard(HandshakeThrottle throttle) {
        this.throttle = throttle;
    }

    /** Hears of every handshake's end. */
    SessionAdapter sessions() {
        return new SessionAdapter() {
            @Override
            public void handshakeFailed(Handshaker handshaker, Throwable error) {
                InetSocketAddress peer = handshaker.getPeerAddress();
                if (peer == null || error == null || !(error instanceof HandshakeException)) {
                    return; // a peer that went away or a replaced handshake is no guess
                }
                HandshakeException e = (HandshakeException) error;
                throttle.failed("DTLS-PSK", peer.getAddress(), identity(handshaker.getSession().getPeerIdentity()),
                        e.getAlert() == null ? "handshake failed" : e.getAlert().getDescription().name().toLowerCase());
            }

            @Override
            public void handshakeCompleted(Handshaker handshaker) {
                InetSocketAddress peer = handshaker.getPeerAddress();
                if (peer != null) {
                    throttle.succeeded(peer.getAddress());
                }
            }
        };
    }

    /** Scandium's datagram filter, plus: no new handshakes from a shut-out address. */
    DtlsDatagramFilter filter(Configuration config) {
        return new DtlsDatagramFilter(config) {
            @Override
            public boolean onReceiving(DatagramPacket packet) {
                if (packet.getLength() >= 5 && packet.getData()[packet.getOffset()] == HANDSHAKE
                        && packet.getData()[packet.getOffset() + 3] == 0 && packet.getData()[packet.getOffset() + 4] == 0
                        && !throttle.admits(packet.getAddress())) {
                    return false; // shut out: dropped quietly
                }
                return super.onReceiving(packet);
            }

            /** A record of a handshake in progress that fails its MAC: the Finished under a wrong key. */
            @Override
            public boolean onMacError(Record record, Connection connection) {
                Handshaker handshaker = connection.getOngoingHandshake();
                if (handshaker != null && !connection.hasEstablishedDtlsContext()) {
                    handshaker.handshakeFailed(new HandshakeException("MAC error in the handshake (wrong key?)",
                            new AlertMessage(AlertMessage.AlertLevel.FATAL, AlertMessage.AlertDescription.BAD_RECORD_MAC)));
                }
                return super.onMacError(record, connection);
            }
        };
    }

    private static String identity(Principal principal) {
        if (principal instanceof PreSharedKeyIdentity psk) {
            return psk.getIdentity();
        }
        return principal == null ? null : new String(principal.getName().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
