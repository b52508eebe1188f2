package io.citadel.client.coap;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.binding.CoapContentFormats;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;

/**
 * Primitive ↔ CoAP message for requests this side sends: the AE SDK's requests, the CSE's notifications and
 * forwarded requests to {@code coap://} targets.
 */
public final class CoapRequests {
    private CoapRequests() {}

    /** The CoAP method of an operation (a NOTIFY is a POST without oneM2M-TY). */
    public static CoAP.Code method(Operation op) {
        return switch (op) {
            case CREATE, NOTIFY -> CoAP.Code.POST;
            case RETRIEVE -> CoAP.Code.GET;
            case UPDATE -> CoAP.Code.PUT;
            case DELETE -> CoAP.Code.DELETE;
        };
    }

    /** Adds From, RQI, RVI, TY and the JSON payload of {@code req} to a request whose URI is set. */
    public static void addPrimitive(Request coap, RequestPrimitive req) {
        var o = coap.getOptions();
        if (req.from() != null) {
            o.addOtherOption(new Option(CoapOptions.FR, req.from()));
        }
        if (req.requestId() != null) {
            o.addOtherOption(new Option(CoapOptions.RQI, req.requestId()));
        }
        if (req.releaseVersion() != null) {
            o.addOtherOption(new Option(CoapOptions.RVI, req.releaseVersion()));
        }
        if (req.resourceType() != null) {
            o.addOtherOption(new Option(CoapOptions.TY, req.resourceType()));
        }
        if (req.content() != null) {
            coap.setPayload(ContentCodec.of(Serialization.JSON).encode(req.content()));
            o.setContentFormat(CoapContentFormats.JSON);
        }
        o.setAccept(CoapContentFormats.JSON);
    }

    /** The response primitive a CoAP response carries; 5000 when it has no (known) oneM2M-RSC. */
    public static ResponsePrimitive primitiveOf(Response response, RequestPrimitive req) {
        Integer rsc = CoapOptions.integer(response.getOptions(), CoapOptions.RSC);
        if (rsc == null) {
            rsc = CoapOptions.integer(response.getOptions(), CoapOptions.LEGACY_RSC);
        }
        ResponseStatusCode status =
                rsc == null ? null : ResponseStatusCode.of(rsc).orElse(null);
        if (status == null) {
            return ResponsePrimitive.error(
                    ResponseStatusCode.INTERNAL_SERVER_ERROR,
                    req.requestId(),
                    req.releaseVersion(),
                    "the CoAP peer answered " + response.getCode() + " without a known oneM2M-RSC");
        }
        Object content = null;
        byte[] payload = response.getPayload();
        if (payload != null && payload.length > 0) {
            Serialization s = CoapContentFormats.serialization(
                            response.getOptions().getContentFormat())
                    .orElse(Serialization.JSON);
            try {
                content = ContentCodec.of(s).decode(payload);
            } catch (OneM2mException malformed) { // the peer's content, not our request, is at fault
                return ResponsePrimitive.error(
                        ResponseStatusCode.INTERNAL_SERVER_ERROR,
                        req.requestId(),
                        req.releaseVersion(),
                        "the CoAP peer answered content that is not " + s + ": " + malformed.getMessage());
            }
        }
        return new ResponsePrimitive(
                status,
                CoapOptions.text(response.getOptions(), CoapOptions.RQI, CoapOptions.LEGACY_RQI),
                CoapOptions.text(response.getOptions(), CoapOptions.RVI, null),
                content,
                null,
                null);
    }
}
