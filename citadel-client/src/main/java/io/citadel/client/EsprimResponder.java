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
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An AE as the receiver of ESPrim (TS-0003 §8.4), in front of the AE's handlers of what its CSE delivers
 * ({@link OneM2mTransport#receive}): a NOTIFY {@code m2m:seci} sit 3 gets the AE's receiver rand object; a sit 5
 * ESPrim object is opened ({@link EsprimReceiver}: its checks and codes) and its inner request, which must be a
 * request, JSON, from the identity the pairwise key is bound to (4116) and for this AE or a resource below it (4005),
 * goes to the {@code sealed} handler with that authenticated identity; whatever that handler answers, refusals
 * included, goes back sealed. Everything else goes to the {@code plain} handler as it came. The hosting CSE only relays
 * the NOTIFY (after checking the originator's NOTIFY privilege on the AE).
 */
public final class EsprimResponder implements Function<RequestPrimitive, ResponsePrimitive> {
    private final EsprimReceiver receiver;
    private final java.util.List<String> self;
    private final BiFunction<RequestPrimitive, String, ResponsePrimitive> sealed;
    private final Function<RequestPrimitive, ResponsePrimitive> plain;
    /** The AE as an ESCertKE terminator (sit 6), or null: such messages go to the plain handler. */
    private final io.citadel.e2e.escertke.EsCertKeTerminal terminal;

    /**
     * @param self the AE's resource address as originators name it (e.g. {@code /id-in/cse-in/CaeB})
     * @param sealed answers an inner request; its second argument is the ESPrim-authenticated originator
     * @param plain answers every other request the CSE delivers
     */
    public EsprimResponder(
            EsprimReceiver receiver,
            String self,
            BiFunction<RequestPrimitive, String, ResponsePrimitive> sealed,
            Function<RequestPrimitive, ResponsePrimitive> plain) {
        this(receiver, java.util.List.of(self), sealed, plain);
    }

    /**
     * As above, for an AE that originators name in several ways (e.g. its resource address and its AE-ID, which a
     * notification is addressed to).
     */
    public EsprimResponder(
            EsprimReceiver receiver,
            java.util.List<String> self,
            BiFunction<RequestPrimitive, String, ResponsePrimitive> sealed,
            Function<RequestPrimitive, ResponsePrimitive> plain) {
        this(receiver, null, self, sealed, plain);
    }

    private EsprimResponder(
            EsprimReceiver receiver,
            io.citadel.e2e.escertke.EsCertKeTerminal terminal,
            java.util.List<String> self,
            BiFunction<RequestPrimitive, String, ResponsePrimitive> sealed,
            Function<RequestPrimitive, ResponsePrimitive> plain) {
        if (self.isEmpty()) {
            throw new IllegalArgumentException("an ESPrim responder answers for at least one address");
        }
        this.terminal = terminal;
        this.receiver = receiver;
        this.self = java.util.List.copyOf(self);
        this.sealed = sealed;
        this.plain = plain;
    }

    /**
     * As above, and the AE as an ESCertKE terminator (TS-0003 §8.7): a NOTIFY {@code m2m:seci} sit 6 carries the next
     * handshake message (the initiators {@code terminal} admits, each bound to its identity); the keys agreed serve as
     * pairwise ESPrim keys (SUID 43) beside {@code keys}. Refusals as at a CSE: 4000 for a message out of sequence,
     * 4106 (one fixed line) for a failed handshake, 5000 when no handshake can begin now.
     */
    public static EsprimResponder withEsCertKe(
            io.citadel.e2e.esprim.PairwiseKeys keys,
            EsprimReceiver.Settings settings,
            io.citadel.e2e.escertke.EsCertKeTerminal terminal,
            java.util.List<String> self,
            BiFunction<RequestPrimitive, String, ResponsePrimitive> sealed,
            Function<RequestPrimitive, ResponsePrimitive> plain) {
        return new EsprimResponder(
                new EsprimReceiver(keys.or(terminal), settings, java.time.Clock.systemUTC()),
                terminal,
                self,
                sealed,
                plain);
    }

    /** The answer to an ESCertKE message: the next one, or a refusal. */
    private ResponsePrimitive handshake(RequestPrimitive request, Map<?, ?> seci) {
        byte[] message;
        try {
            message = seci.get("eckm") instanceof String eckm
                    ? java.util.Base64.getDecoder().decode(eckm)
                    : null;
        } catch (IllegalArgumentException e) {
            message = null;
        }
        if (message == null) {
            return ResponsePrimitive.of(
                    ResponseStatusCode.BAD_REQUEST,
                    request,
                    Map.of("m2m:dbg", "an m2m:seci of sit 6 carries the ESCertKE message in eckm (base64)"));
        }
        try {
            // every message comes over the AE's own CSE; the originator's CSE (its ID's first part) shares out the room
            byte[] answer = terminal.receive(request.from(), originatorCse(request.from()), message);
            return ResponsePrimitive.of(
                    ResponseStatusCode.OK,
                    request,
                    Map.of(
                            "m2m:seci",
                            Map.of(
                                    "sit",
                                    6L,
                                    "eckm",
                                    java.util.Base64.getEncoder().encodeToString(answer))));
        } catch (io.citadel.e2e.escertke.EsCertKeException e) {
            return switch (e.kind()) {
                case OUT_OF_SEQUENCE ->
                    ResponsePrimitive.of(ResponseStatusCode.BAD_REQUEST, request, Map.of("m2m:dbg", e.getMessage()));
                case BUSY ->
                    ResponsePrimitive.of(
                            ResponseStatusCode.INTERNAL_SERVER_ERROR, request, Map.of("m2m:dbg", e.getMessage()));
                case HANDSHAKE ->
                    ResponsePrimitive.of(
                            ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED,
                            request,
                            Map.of("m2m:dbg", "the ESCertKE handshake failed"));
            };
        }
    }

    /** {@code /id-mn} of {@code /id-mn/Cae1}, {@code //sp/id-mn} of {@code //sp/id-mn/Cae1}; else the ID itself. */
    static String originatorCse(String from) {
        if (from == null) {
            return "";
        }
        int start = from.startsWith("//") ? from.indexOf('/', 2) : 0;
        int end = start < 0 ? -1 : from.indexOf('/', start + 1);
        return end > 0 ? from.substring(0, end) : from;
    }

    @Override
    public ResponsePrimitive apply(RequestPrimitive request) {
        if (request.operation() != Operation.NOTIFY
                || !(request.content() instanceof Map<?, ?> c)
                || !(c.get("m2m:seci") instanceof Map<?, ?> seci)
                || !(seci.get("sit") instanceof Number sit)
                || (sit.intValue() != 3 && sit.intValue() != 5 && (sit.intValue() != 6 || terminal == null))) {
            return plain.apply(request);
        }
        if (sit.intValue() == 6) {
            return handshake(request, seci);
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
                inner = inner(opened);
            } catch (RuntimeException e) {
                opened.discard();
                throw e;
            }
            ResponsePrimitive answer;
            try {
                answer = sealed.apply(inner, opened.identity());
            } catch (OneM2mException e) { // the handler's refusal is the inner answer: sealed like any other
                answer = ResponsePrimitive.of(e.status(), inner, Map.of("m2m:dbg", e.getMessage()));
            } catch (RuntimeException e) {
                answer = ResponsePrimitive.of(
                        ResponseStatusCode.INTERNAL_SERVER_ERROR, inner, Map.of("m2m:dbg", "the AE could not answer"));
            }
            String epoAnswer;
            try {
                epoAnswer = receiver.sealResponse(
                        opened,
                        PrimitiveCodec.serialize(PrimitiveCodec.encode(answer, inner.from()), Serialization.JSON));
            } catch (RuntimeException e) {
                opened.discard();
                throw new OneM2mException(ResponseStatusCode.ESPRIM_ENCRYPTION_ERROR, "the answer could not be sealed");
            }
            return ResponsePrimitive.of(
                    ResponseStatusCode.OK, request, Map.of("m2m:seci", Map.of("sit", 5L, "epo", epoAnswer)));
        } catch (OneM2mException e) {
            return ResponsePrimitive.of(e.status(), request, Map.of("m2m:dbg", e.getMessage()));
        } catch (RuntimeException e) {
            return ResponsePrimitive.of(
                    ResponseStatusCode.ESPRIM_DECRYPTION_ERROR,
                    request,
                    Map.of("m2m:dbg", "the ESPrim object could not be handled"));
        }
    }

    private RequestPrimitive inner(EsprimReceiver.Opened opened) {
        String cty = opened.contentType();
        if (cty != null && !cty.equals(EsprimObject.REQUEST_TYPE) && !cty.equals("application/json")) {
            throw new OneM2mException(ResponseStatusCode.ESPRIM_UNSUPPORTED_OPTION, "the inner request is JSON here");
        }
        Map<String, Object> document = PrimitiveCodec.document(opened.plaintext(), Serialization.JSON);
        if (PrimitiveCodec.isResponse(document)) {
            throw OneM2mException.badRequest("the inner primitive is a response, not a request");
        }
        RequestPrimitive inner = PrimitiveCodec.decodeRequest(document, Instant.now());
        if (inner.from() == null || !inner.from().equals(opened.identity())) {
            throw new OneM2mException(
                    ResponseStatusCode.ESPRIM_IMPERSONATION_ERROR,
                    "the inner request is not from the identity the pairwise key is bound to");
        }
        if (self.stream().noneMatch(s -> inner.to().equals(s) || inner.to().startsWith(s + "/"))) {
            throw new OneM2mException(
                    ResponseStatusCode.OPERATION_NOT_ALLOWED, "the inner request is for another entity than this AE");
        }
        return inner;
    }
}
