package io.citadel.engine.pipeline;

import io.citadel.credentials.SecurityAssociation;
import io.citadel.e2e.esprim.EsprimObject;
import io.citadel.e2e.esprim.EsprimReceiver;
import io.citadel.engine.hierarchy.Forwarder;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import io.citadel.security.OriginatorIds;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * ESPrim at this CSE as the receiver (TS-0004 §7.6.2, TS-0003 §8.4): a NOTIFY to the {@code <CSEBase>} whose content
 * is {@code m2m:seci} {@code sit} 3 is answered with the CSE's receiver rand object ({@code sit} 4, {@code ero}); one
 * with {@code sit} 5 carries an ESPrim object ({@code epo}), which {@link EsprimReceiver} opens (its refusals and
 * codes). The inner request must be JSON, come from the identity the pairwise key is bound to (else 4116), be for this
 * CSE (else 4005) and not be ESPrim again; it then runs through the whole pipeline as a blocking request whose hop
 * association is the pairwise key (so it is an authenticated originator for the ACPs: TS-0003 {@code rq_authn}), and
 * its response goes back sealed under the same session key ({@code sit} 5). Any other NOTIFY passes on. Transit CSEs
 * forward the outer NOTIFY untouched (the forward stage runs before this one).
 */
public final class EsprimStage implements Stage {
    private static final System.Logger LOG = System.getLogger("citadel.security");

    private final EsprimReceiver receiver;
    private final Forwarder forwarder;
    private final OriginatorIds ids;
    private final PrimitiveHandler pipeline;

    /** @param pipeline the whole pipeline, which runs the inner request */
    public EsprimStage(EsprimReceiver receiver, Forwarder forwarder, OriginatorIds ids, PrimitiveHandler pipeline) {
        this.receiver = receiver;
        this.forwarder = forwarder;
        this.ids = ids;
        this.pipeline = pipeline;
    }

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        RequestPrimitive req = exchange.request();
        Integer sit = SecurityInfo.type(req);
        if (sit == null || (sit != 3 && sit != 5) || !SecurityInfo.toCseBase(exchange)) {
            return next.proceed(exchange);
        }
        if (SecurityInfo.insideEsprim(exchange)) {
            throw OneM2mException.badRequest("an ESPrim object does not carry another one");
        }
        if (sit == 3) {
            return ResponsePrimitive.of(
                    ResponseStatusCode.OK,
                    req,
                    Map.of(
                            "m2m:seci",
                            Map.of("sit", 4L, "ero", receiver.randObject().toJson())));
        }
        Map<?, ?> seci = (Map<?, ?>) ((Map<?, ?>) req.content()).get("m2m:seci");
        if (!(seci.get("epo") instanceof String epo)) {
            throw OneM2mException.badRequest("an m2m:seci of sit 5 carries the ESPrim object as epo");
        }
        EsprimReceiver.Opened opened = receiver.open(epo);
        try {
            return answer(exchange, req, opened);
        } catch (RuntimeException e) {
            opened.discard(); // no answer will be sealed with it
            throw e;
        }
    }

    private ResponsePrimitive answer(Exchange exchange, RequestPrimitive req, EsprimReceiver.Opened opened) {
        RequestPrimitive inner = inner(opened, exchange.context().receivedAt());
        String originator = ids.normalize(inner.from());
        if (!originator.equals(ids.normalize(opened.identity()))) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "ESPrim: key " + opened.keyId() + " is bound to " + opened.identity()
                            + ", the inner request is from " + SecurityInfo.printable(inner.from())
                            + ": refused (4116)");
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_IMPERSONATION_ERROR,
                    "the inner request is not from the identity the pairwise key is bound to");
        }
        if (forwarder.remoteTarget(inner.to()).isPresent()) {
            throw new OneM2mException(
                    ResponseStatusCode.OPERATION_NOT_ALLOWED, "the inner request of an ESPrim object is for this CSE");
        }
        if (SecurityInfo.type(inner) != null) {
            throw OneM2mException.badRequest("an ESPrim object does not carry another one");
        }
        RequestContext innerContext = new RequestContext(
                exchange.context().peerAddress(),
                new SecurityAssociation(
                        SecurityInfo.esprimCredential(opened.suid(), opened.keyId()),
                        Set.of(originator),
                        io.citadel.credentials.Credential.Kind.END_TO_END,
                        SecurityInfo.esprimAssurance(exchange.context().association(), originator)),
                false,
                exchange.context().receivedAt());
        ResponsePrimitive answer = pipeline.handle(
                inner.redirected(inner.to(), inner.from(), inner.requestId()), innerContext); // blocking
        byte[] response = PrimitiveCodec.serialize(PrimitiveCodec.encode(answer, inner.from()), Serialization.JSON);
        return ResponsePrimitive.of(
                ResponseStatusCode.OK,
                req,
                Map.of("m2m:seci", Map.of("sit", 5L, "epo", receiver.sealResponse(opened, response))));
    }

    /** The inner request: JSON ({@code cty} absent or a JSON type), a request primitive; else 4111 or 4000. */
    private static RequestPrimitive inner(EsprimReceiver.Opened opened, Instant now) {
        String cty = opened.contentType();
        if (cty != null && !cty.equals(EsprimObject.REQUEST_TYPE) && !cty.equals("application/json")) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION, "the inner request is JSON here (" + cty + ")");
        }
        Map<String, Object> document;
        try {
            document = PrimitiveCodec.document(opened.plaintext(), Serialization.JSON);
        } catch (OneM2mException e) {
            throw e;
        } catch (RuntimeException e) {
            throw OneM2mException.badRequest("the inner request is not a JSON primitive");
        }
        if (PrimitiveCodec.isResponse(document)) {
            throw OneM2mException.badRequest("the inner primitive is a response, not a request");
        }
        RequestPrimitive inner = PrimitiveCodec.decodeRequest(document, now);
        if (inner.from() == null || inner.from().isEmpty()) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_IMPERSONATION_ERROR, "the inner request names no originator");
        }
        return inner;
    }
}
