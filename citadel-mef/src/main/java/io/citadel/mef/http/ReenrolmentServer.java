package io.citadel.mef.http;

import io.citadel.credentials.KeyDerivation;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
import io.citadel.tls.CertificateTlsHandler;
import io.citadel.tls.ChannelIdentity;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The MEF's certificate listener: EST over TLS with client certificates. A certificate the MEF issued
 * re-enrols (RFC 7030 §4.2.2): the enrolee is the one that holds it now; an older certificate of it, or one it
 * never held, gets 401 ({@link EstService#simpleReenroll} checks the serial again inside the operation). A device
 * certificate of a trusted manufacturer enrols (the certificate RSPF, TS-0003 §8.3.2). The MEF proves itself
 * with its FQDN certificate. TLS is Bouncy Castle's ({@link CertificateTlsHandler}), which exports
 * {@code EXPORTER-oneM2M-Bootstrap} from every session, so that the enrolment exchange ({@code POST /mef/enrolment})
 * gives a device proved by its certificate a Ke as the bootstrap-key listener does.
 */
public final class ReenrolmentServer implements AutoCloseable {
    private final ServiceListener listener;

    public ReenrolmentServer(
            InetSocketAddress address,
            EstService est,
            Enrolments enrolments,
            PrivateKey key,
            List<X509Certificate> chain,
            X509Certificate clientCa,
            List<X509Certificate> deviceAnchors,
            KeyRoutes keys,
            List<X509Certificate> targetAnchors,
            long handshakeTimeoutMillis)
            throws InterruptedException, SSLException {
        List<X509Certificate> anchors = clientAnchors(clientCa, deviceAnchors, targetAnchors);
        CertificateEnrolees enrolees = new CertificateEnrolees(enrolments, clientCa, targetAnchors);
        CertificateTlsHandler.Settings tls = CertificateTlsHandler.Settings.of(key, chain, anchors);
        Map<String, Integer> exported = Map.of(KeyDerivation.BOOTSTRAP_EXPORTER, KeyDerivation.EXPORT_LENGTH);
        listener = new ServiceListener(
                address,
                ch -> tls.newHandler(handshakeTimeoutMillis).exporting(exported),
                worker -> new EstHttpHandler(
                        est,
                        keys,
                        worker,
                        ctx -> enrolees.of(ctx.channel()
                                .attr(ChannelIdentity.PEER_CERTIFICATES)
                                .get())));
    }

    /**
     * The anchors a client certificate of the MEF must chain to, on TLS and DTLS alike: the MEF's CA (re-enrolment),
     * the manufacturers' (the certificate RSPF), the enrolment targets' (fetchCredentials).
     */
    public static List<X509Certificate> clientAnchors(
            X509Certificate mefCa, List<X509Certificate> deviceAnchors, List<X509Certificate> targetAnchors) {
        List<X509Certificate> anchors = new java.util.ArrayList<>(List.of(mefCa));
        anchors.addAll(deviceAnchors);
        anchors.addAll(targetAnchors);
        return List.copyOf(anchors);
    }

    public int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
    }
}
