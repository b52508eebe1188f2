package io.citadel.client;

import io.citadel.e2e.esprim.EsprimObject;
import io.citadel.e2e.esprim.EsprimReceiver;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * An AE as the receiver of ESPrim (TS-0003 §8.4): in front of the AE's own handler of the requests its CSE delivers
 * ({@link OneM2mTransport#receive}), it answers a NOTIFY {@code m2m:seci} sit 3 with the AE's receiver rand object,
 * opens a sit 5 ESPrim object ({@link EsprimReceiver}: its checks and codes), refuses an inner request that is not
 * from the identity the pairwise key is bound to (4116), hands the inner request to the handler, and seals its
 * answer. Anything else goes to the handler as it came. The hosting CSE only relays the NOTIFY (after checking the
 * originator's NOTIFY privilege on the AE).
 */
public final class EsprimResponder implements Function<RequestPrimitive, ResponsePrimitive> {
    private final EsprimReceiver receiver;
    private final Function<RequestPrimitive, ResponsePrimitive> handler;

    public EsprimResponder(EsprimReceiver receiver, Function<RequestPrimitive, ResponsePrimitive> handler) {
        this.receiver = receiver;
        this.handler = handler;
    }

    @Override
    public ResponsePrimitive apply(RequestPrimitive request) {
        if (request.operation() != Operation.NOTIFY
                || !(request.content() instanceof Map<?, ?> c)
                || !(c.get("m2m:seci") instanceof Map<?, ?> seci)
                || !(seci.get("sit") instanceof Number sit)
                || (sit.intValue() != 3 && sit.intValue() != 5)) {
            return handler.apply(request);
        }
        try {
            if (sit.intValue() == 3) {
                return ResponsePrimitive.of(
                        ResponseStatusCode.OK,
                        request,
                        Map.of(
                                "m2m:seci",
                                Map.of("sit", 4L, "ero", receiver.randObject().toJson())));
            }
            if (!(seci.get("epo") instanceof String epo)) {
                throw OneM2mException.badRequest("an m2m:seci of sit 5 carries the ESPrim object as epo");
            }
            EsprimReceiver.Opened opened = receiver.open(epo);
            RequestPrimitive inner;
            try {
                if (opened.contentType() != null && !opened.contentType().equals(EsprimObject.REQUEST_TYPE)) {
                    throw new OneM2mException(
                            ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION, "the inner request is JSON here");
                }
                inner = PrimitiveCodec.decodeRequest(
                        PrimitiveCodec.document(opened.plaintext(), Serialization.JSON), Instant.now());
                if (inner.from() == null || !inner.from().equals(opened.identity())) {
                    throw new OneM2mException(
                            ResponseStatusCode.ESPRIM_IMPERSONATION_ERROR,
                            "the inner request is not from the identity the pairwise key is bound to");
                }
            } catch (RuntimeException e) {
                opened.discard();
                throw e;
            }
            ResponsePrimitive answer = handler.apply(inner);
            byte[] json = PrimitiveCodec.serialize(PrimitiveCodec.encode(answer, inner.from()), Serialization.JSON);
            return ResponsePrimitive.of(
                    ResponseStatusCode.OK,
                    request,
                    Map.of("m2m:seci", Map.of("sit", 5L, "epo", receiver.sealResponse(opened, json))));
        } catch (OneM2mException e) {
            return ResponsePrimitive.of(e.status(), request, Map.of("m2m:dbg", e.getMessage()));
        } catch (RuntimeException e) {
            return ResponsePrimitive.of(
                    ResponseStatusCode.ESPRIM_DECRYPTION_ERROR,
                    request,
                    Map.of("m2m:dbg", "the ESPrim object could not be handled"));
        }
    }
}
