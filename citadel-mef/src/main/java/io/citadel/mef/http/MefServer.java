package io.citadel.mef.http;

import io.citadel.credentials.PskStore;
import io.citadel.mef.est.EstService;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.PskTlsHandler;
import java.net.InetSocketAddress;
import java.util.function.UnaryOperator;

/**
 * The MEF's enrolment listener for the pre-provisioned symmetric key RSPF (TS-0003 §8.3.2): EST over HTTP over
 * TLS-PSK, the enrolee known by the bootstrap key's identity (KpmID) its handshake proved. Failed handshakes count
 * against the peer's address like the CSE's own PSK listeners.
 */
public final class MefServer implements AutoCloseable {
    private final ServiceListener listener;

    /**
     * Listens on {@code address} (port 0: any free one).
     *
     * @param bootstrapKeys the KpmID → Kpm keys of the devices that may enrol
     */
    public MefServer(
            InetSocketAddress address,
            EstService est,
            KeyRoutes keys,
            PskStore bootstrapKeys,
            HandshakeThrottle throttle,
            long handshakeTimeoutMillis)
            throws InterruptedException {
        UnaryOperator<String> asIs = UnaryOperator.identity();
        listener = new ServiceListener(
                address,
                ch -> new PskTlsHandler(bootstrapKeys, throttle, asIs, handshakeTimeoutMillis)
                        .exporting(java.util.Map.of(
                                io.citadel.credentials.KeyDerivation.BOOTSTRAP_EXPORTER,
                                io.citadel.credentials.KeyDerivation.EXPORT_LENGTH)),
                worker -> new EstHttpHandler(est, keys, worker, EstHttpHandler::byBootstrapKey));
    }

    /**
     * The bootstrap identity (KpmID) of a MEF handshake's association: its Credential-ID ({@code <type>-<identity>},
     * §10.4) without the type; the same over TLS-PSK and DTLS-PSK.
     */
    public static String enrolee(io.citadel.credentials.SecurityAssociation association) {
        return association.credentialId().replaceFirst("^[0-9]{2}-", "");
    }

    /** The port it listens on. */
    public int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
    }
}
