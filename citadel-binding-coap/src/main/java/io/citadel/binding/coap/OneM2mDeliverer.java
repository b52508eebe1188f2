package io.citadel.binding.coap;

import io.citadel.client.coap.CoapOptions;
import io.citadel.credentials.SecurityAssociation;
import io.citadel.engine.pipeline.InboundPort;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.binding.CoapContentFormats;
import io.citadel.protocol.codec.Serialization;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.eclipse.californium.elements.EndpointContext;

/**
 * Hands every CoAP request, whatever its path, to the engine: decoded on Californium's thread, run on the
 * worker pool. A CON request the engine has not answered within {@link #SEPARATE_AFTER_MS} is acknowledged
 * at once and answered later in a separate response. On a DTLS endpoint the session's identity is looked
 * up for each request; a session whose credential is no longer valid is refused with 4106 and closed.
 */
final class OneM2mDeliverer implements MessageDeliverer {
    static final long SEPARATE_AFTER_MS = 400;
    private final InboundPort port;
    private final ScheduledExecutorService timer;
    private final PeerIdentities identities;
    private final Consumer<InetSocketAddress> closeSession;

    OneM2mDeliverer(
            InboundPort port,
            ScheduledExecutorService timer,
            PeerIdentities identities,
            Consumer<InetSocketAddress> closeSession) {
        this.port = port;
        this.timer = timer;
        this.identities = identities;
        this.closeSession = closeSession;
    }

    @Override
    public void deliverRequest(Exchange exchange) {
        Request request = exchange.getRequest();
        Instant now = Instant.now();
        String rqi = CoapOptions.text(request.getOptions(), CoapOptions.RQI, CoapOptions.LEGACY_RQI);
        String rvi = CoapOptions.text(request.getOptions(), CoapOptions.RVI, null);
        Serialization accepted;
        CoapRequestDecoder.Decoded decoded;
        try {
            decoded = CoapRequestDecoder.decode(request, now);
            accepted = accepted(request, decoded.serialization());
        } catch (OneM2mException e) {
            respond(exchange, ResponsePrimitive.error(e.status(), rqi, rvi, e.getMessage()), Serialization.JSON);
            return;
        }
        EndpointContext source = request.getSourceContext();
        Principal principal = source.getPeerIdentity();
        SecurityAssociation association = null;
        if (principal != null) {
            Optional<SecurityAssociation> found;
            try {
                found = identities.associationOf(principal);
            } catch (RuntimeException e) { // the credential store cannot be read: nothing is proven
                respond(
                        exchange,
                        ResponsePrimitive.error(
                                ResponseStatusCode.INTERNAL_SERVER_ERROR,
                                rqi,
                                rvi,
                                "the credential store cannot be read"),
                        accepted);
                closeSession.accept(source.getPeerAddress());
                return;
            }
            if (found.isEmpty()) {
                respond(
                        exchange,
                        ResponsePrimitive.error(
                                ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED,
                                rqi,
                                rvi,
                                "the credential of this DTLS session is unknown, expired or revoked"),
                        accepted);
                closeSession.accept(source.getPeerAddress());
                return;
            }
            association = found.get();
        }
        RequestContext context = new RequestContext(
                source.getPeerAddress().getAddress().getHostAddress(), association, decoded.textual(), now);
        AtomicBoolean answered = new AtomicBoolean();
        ScheduledFuture<?> accept = !request.isConfirmable()
                ? null
                : timer.schedule(
                        () -> {
                            if (!answered.get()) {
                                exchange.sendAccept();
                            }
                        },
                        SEPARATE_AFTER_MS,
                        TimeUnit.MILLISECONDS);
        port.submit(decoded.primitive(), context, rsp -> {
            answered.set(true);
            if (accept != null) {
                accept.cancel(false); // answered in time: piggybacked, no timer task left behind
            }
            respond(exchange, rsp, accepted);
        });
    }

    /** The Accept option's serialization, else the request's; 4.06 (5207) for one we do not produce. */
    private static Serialization accepted(Request request, Serialization requestSerialization) {
        if (!request.getOptions().hasAccept()) {
            return requestSerialization;
        }
        return CoapContentFormats.serialization(request.getOptions().getAccept())
                .orElseThrow(() -> new OneM2mException(
                        ResponseStatusCode.NOT_ACCEPTABLE,
                        "Accept " + request.getOptions().getAccept() + " is not supported"));
    }

    private static void respond(Exchange exchange, ResponsePrimitive rsp, Serialization serialization) {
        Response response = CoapResponses.encode(rsp, serialization);
        exchange.sendResponse(response);
    }

    @Override
    public void deliverResponse(Exchange exchange, Response response) {
        exchange.getRequest().setResponse(response);
    }
}
