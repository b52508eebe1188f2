package io.citadel.mef.coap;

import io.citadel.credentials.PskStore;
import io.citadel.mef.est.EstException;
import io.citadel.mef.http.CertificateEnrolees;
import io.citadel.mef.http.ClientRoutes;
import io.citadel.mef.http.Enrolee;
import io.citadel.mef.http.KeyRoutes;
import io.citadel.mef.http.MefServer;
import io.citadel.tls.KeyingMaterial;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;

/**
 * Every request of the MEF's CoAPS listener: the enrolee is the bootstrap identity (KpmID) the DTLS-PSK handshake
 * proved, looked up again in the bootstrap-key store for each request (a key revoked since the handshake proves
 * nothing: 4.01); then EST ({@link EstOverCoap}), the enrolment exchange ({@code POST /mef/enrolment}) and MEF client
 * registration and commands ({@code /mef/clients...}), the latter two answered by the same transport-free code as over
 * HTTP ({@link KeyRoutes}, {@link ClientRoutes}) with the same JSON (Content-Format 50). The work runs on a bounded
 * worker pool, never on Californium's threads (busy: 5.03).
 */
final class MefCoapDeliverer implements MessageDeliverer {
    private static final System.Logger LOG = System.getLogger("citadel.mef");

    private final EstOverCoap est;
    private final KeyRoutes keys;
    private final PskStore bootstrapKeys;
    private final CertificateEnrolees certificates;
    private final Function<EndpointContext, KeyingMaterial> sessions;
    private final Executor worker;
    private final Clock clock;

    /**
     * @param certificates who a client certificate proves, or null when the listener takes bootstrap keys only
     * @param sessions the keying material of the DTLS session a request came in (null when that session is no longer
     *                 the peer's current one)
     */
    MefCoapDeliverer(
            EstOverCoap est,
            KeyRoutes keys,
            PskStore bootstrapKeys,
            CertificateEnrolees certificates,
            Function<EndpointContext, KeyingMaterial> sessions,
            Executor worker,
            Clock clock) {
        this.est = est;
        this.keys = keys;
        this.bootstrapKeys = bootstrapKeys;
        this.certificates = certificates;
        this.sessions = sessions;
        this.worker = worker;
        this.clock = clock;
    }

    @Override
    public void deliverRequest(Exchange exchange) {
        try {
            worker.execute(() -> exchange.sendResponse(
                    answerOrIncident(exchange.getRequest()).response()));
        } catch (RejectedExecutionException busy) {
            exchange.sendResponse(
                    CoapAnswer.diagnostic(ResponseCode.SERVICE_UNAVAILABLE, "the MEF is busy; retry later")
                            .response());
        }
    }

    @Override
    public void deliverResponse(Exchange exchange, Response response) {
        exchange.getRequest().setResponse(response); // the MEF sends no requests of its own
    }

    private CoapAnswer answerOrIncident(Request request) {
        try {
            return answer(request);
        } catch (RuntimeException e) { // a store that cannot be read, say: details in the log only
            long incident = System.nanoTime();
            LOG.log(System.Logger.Level.ERROR, "CoAP request to the MEF failed (incident " + incident + ")", e);
            return CoapAnswer.diagnostic(
                    ResponseCode.INTERNAL_SERVER_ERROR,
                    "the MEF could not complete the request (incident " + incident + ")");
        }
    }

    private CoapAnswer answer(Request request) {
        Optional<Enrolee> enrolee = enrolee(request.getSourceContext());
        if (enrolee.isEmpty()) {
            return CoapAnswer.diagnostic(
                    ResponseCode.UNAUTHORIZED, "no enrolee: the DTLS handshake proved none the MEF knows");
        }
        String path = "/" + String.join("/", request.getOptions().getUriPath());
        Code method = request.getCode();
        if (path.startsWith(EstOverCoap.PREFIX)) {
            return est.handle(
                    path.substring(EstOverCoap.PREFIX.length()),
                    method,
                    request.getOptions().getContentFormat(),
                    request.getOptions().getAccept(),
                    enrolee.get(),
                    request.getPayload());
        }
        KeyRoutes.Answer answer;
        try {
            if (KeyRoutes.ENROLMENT.equals(path)) {
                if (method != Code.POST) {
                    throw new EstException(405, "the enrolment exchange takes POST");
                }
                answer = keys.enrolmentExchange(enrolee.get().id(), sessions.apply(request.getSourceContext()));
            } else if (keys.servesKeyProcedures(path)) {
                answer = keys.keyProcedure(
                        method.name(),
                        path,
                        enrolee.get().id(),
                        request.getPayload(),
                        sessions.apply(request.getSourceContext()));
            } else if (ClientRoutes.serves(path)) {
                answer = keys.clientOperation(method.name(), path, enrolee.get().id(), request.getPayload());
            } else {
                return CoapAnswer.diagnostic(ResponseCode.NOT_FOUND, "no such MEF operation");
            }
        } catch (EstException e) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "MEF " + path + " refused for " + enrolee.get().id() + ": " + e.getMessage());
            answer = KeyRoutes.refusal(e);
        } catch (RuntimeException e) {
            long incident = System.nanoTime();
            LOG.log(System.Logger.Level.ERROR, "MEF " + path + " failed (incident " + incident + ")", e);
            answer = KeyRoutes.refusal(
                    new EstException(500, "the MEF could not complete the request (incident " + incident + ")"));
        }
        return new CoapAnswer(
                CoapAnswer.code(answer.status(), method),
                answer.json().length == 0 ? MediaTypeRegistry.UNDEFINED : MediaTypeRegistry.APPLICATION_JSON,
                answer.json());
    }

    /**
     * Who the session proved: the bootstrap identity while the bootstrap-key store still vouches for it, or the enrolee
     * of the client certificate ({@link CertificateEnrolees}: the holder of a certificate the MEF issued, the device
     * of a manufacturer's certificate) while that certificate is valid and, if ours, still the enrolee's current one.
     */
    private Optional<Enrolee> enrolee(EndpointContext source) {
        Principal peer = source == null ? null : source.getPeerIdentity();
        if (peer instanceof PreSharedKeyIdentity psk) {
            return bootstrapKeys
                    .association(psk.getIdentity(), clock.instant(), UnaryOperator.identity())
                    .map(association -> Enrolee.byBootstrapKey(MefServer.enrolee(association)));
        }
        if (peer instanceof X509CertPath path && certificates != null) {
            return certificates.of(path.getPath().getCertificates().stream()
                    .map(c -> (X509Certificate) c)
                    .toList());
        }
        return Optional.empty();
    }
}
