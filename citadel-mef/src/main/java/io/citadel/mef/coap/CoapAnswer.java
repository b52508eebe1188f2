package io.citadel.mef.coap;

import java.nio.charset.StandardCharsets;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;

/**
 * One answer of the MEF's CoAPS listener: a CoAP code, a Content-Format ({@link MediaTypeRegistry#UNDEFINED} for a
 * diagnostic payload, RFC 7252 §5.5.2: one short line of ours) and a payload.
 */
record CoapAnswer(ResponseCode code, int contentFormat, byte[] payload) {

    /** A refusal (or other answer without a representation) with one line of ours as diagnostic payload. */
    static CoapAnswer diagnostic(ResponseCode code, String message) {
        return new CoapAnswer(code, MediaTypeRegistry.UNDEFINED, message.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The CoAP code for an HTTP status the MEF's transport-free code decided ({@link io.citadel.mef.est.EstException},
     * {@link io.citadel.mef.http.KeyRoutes.Answer}): 200 is 2.05 Content for GET and 2.04 Changed otherwise, 201 2.01,
     * 204 2.02 Deleted for DELETE (2.04 otherwise), 4xx the CoAP code of the same number where CoAP has one, any other
     * status 5.00.
     */
    static ResponseCode code(int httpStatus, Code method) {
        return switch (httpStatus) {
            case 200 -> method == Code.GET ? ResponseCode.CONTENT : ResponseCode.CHANGED;
            case 201 -> ResponseCode.CREATED;
            case 204 -> method == Code.DELETE ? ResponseCode.DELETED : ResponseCode.CHANGED;
            case 400 -> ResponseCode.BAD_REQUEST;
            case 401 -> ResponseCode.UNAUTHORIZED;
            case 403 -> ResponseCode.FORBIDDEN;
            case 404 -> ResponseCode.NOT_FOUND;
            case 405 -> ResponseCode.METHOD_NOT_ALLOWED;
            case 406 -> ResponseCode.NOT_ACCEPTABLE;
            case 409 -> ResponseCode.CONFLICT;
            case 413 -> ResponseCode.REQUEST_ENTITY_TOO_LARGE;
            case 415 -> ResponseCode.UNSUPPORTED_CONTENT_FORMAT;
            case 503 -> ResponseCode.SERVICE_UNAVAILABLE;
            default -> ResponseCode.INTERNAL_SERVER_ERROR;
        };
    }

    /** The response to send; marked as ours, so that {@link LibraryAnswers} leaves it as it is. */
    Response response() {
        Response r = new Ours(code);
        if (contentFormat != MediaTypeRegistry.UNDEFINED) {
            r.getOptions().setContentFormat(contentFormat);
        }
        r.setPayload(payload);
        return r;
    }

    /** Whether {@code response} is one the MEF made (not one Californium made on its own). */
    static boolean ours(Response response) {
        return response instanceof Ours;
    }

    private static final class Ours extends Response {
        Ours(ResponseCode code) {
            super(code);
        }
    }
}
