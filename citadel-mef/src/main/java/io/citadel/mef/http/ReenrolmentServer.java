package io.citadel.mef.http;

import io.citadel.credentials.KeyDerivation;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
import io.citadel.tls.CertificateTlsHandler;
import io.citadel.tls.ChannelIdentity;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        List<X509Certificate> anchors = new java.util.ArrayList<>(List.of(clientCa));
        anchors.addAll(deviceAnchors);
        anchors.addAll(targetAnchors);
        EnrolmentTargets targets = new EnrolmentTargets(clientCa, targetAnchors, enrolments);
        CertificateTlsHandler.Settings tls = CertificateTlsHandler.Settings.of(key, chain, anchors);
        Map<String, Integer> exported = Map.of(KeyDerivation.BOOTSTRAP_EXPORTER, KeyDerivation.EXPORT_LENGTH);
        listener = new ServiceListener(
                address,
                ch -> tls.newHandler(handshakeTimeoutMillis).exporting(exported),
                worker -> new EstHttpHandler(
                        est, keys, worker, ctx -> byCertificate(ctx, enrolments, clientCa, targets)));
    }

    /**
     * Who the client certificate proves. One the MEF issued: the enrolee holding it now, with the certificate (for
     * re-enrolment). A device certificate of a manufacturer (the handshake chained it to a device trust anchor):
     * the enrolee named by its key's RFC 6920 identifier, without a certificate of ours (so it may enrol, not
     * re-enrol).
     */
    static Optional<EstHttpHandler.Enrolee> byCertificate(
            ChannelHandlerContext ctx, Enrolments enrolments, X509Certificate mefCa, EnrolmentTargets targets) {
        List<X509Certificate> chain =
                ctx.channel().attr(ChannelIdentity.PEER_CERTIFICATES).get();
        if (chain == null || chain.isEmpty()) {
            return Optional.empty();
        }
        X509Certificate cert = chain.get(0);
        List<String> targetNames = targets.namesProven(chain.toArray(Certificate[]::new));
        if (issuedBy(cert, mefCa)) {
            return enrolments
                    .enroleeHolding(cert.getSerialNumber())
                    .map(id -> new EstHttpHandler.Enrolee(id, cert, targetNames));
        }
        return Optional.of(new EstHttpHandler.Enrolee(deviceEnrolee(cert), null, targetNames));
    }

    /** The enrolee ID of a device certificate: its public key's RFC 6920 identifier ({@code ni:///sha-256;...}). */
    public static String deviceEnrolee(X509Certificate deviceCertificate) {
        return io.citadel.credentials.RawPublicKeyId.of(
                        deviceCertificate.getPublicKey().getEncoded())
                .toString();
    }

    static boolean issuedBy(X509Certificate cert, X509Certificate ca) {
        if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(ca.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    public int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
    }
}
