package io.citadel.binding.coap;

import io.citadel.client.coap.CoapOptions;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.binding.CoapContentFormats;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.util.stream.Collectors;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.Response;

/**
 * A response primitive as CoAP (TS-0008 §6.3): the code from the one status table, oneM2M-RSC, -RQI,
 * -RVI, Location-Path for a created resource, Max-Age 0 (responses are not cacheable), the payload in the
 * request's serialization.
 */
final class CoapResponses {
    private CoapResponses() {}

    static Response encode(ResponsePrimitive rsp, Serialization serialization) {
        String code = rsp.status().coapCode().orElse(rsp.status().isSuccess() ? "2.05" : "5.00");
        Response coap = new Response(CoAP.ResponseCode.valueOfText(code));
        coap.getOptions()
                .addOtherOption(new Option(CoapOptions.RSC, rsp.status().code()));
        if (rsp.requestId() != null) {
            coap.getOptions().addOtherOption(new Option(CoapOptions.RQI, rsp.requestId()));
        }
        if (rsp.releaseVersion() != null) {
            coap.getOptions().addOtherOption(new Option(CoapOptions.RVI, rsp.releaseVersion()));
        }
        if (!rsp.assignedTokenIds().isEmpty()) {
            coap.getOptions()
                    .addOtherOption(new Option(
                            CoapOptions.ATI,
                            rsp.assignedTokenIds().entrySet().stream()
                                    .map(e -> e.getKey() + ":" + e.getValue())
                                    .collect(Collectors.joining("+"))));
        }
        if (rsp.contentLocation() != null) {
            for (String segment : rsp.contentLocation().split("/")) {
                if (!segment.isEmpty()) {
                    coap.getOptions().addLocationPath(segment);
                }
            }
        }
        coap.getOptions().setMaxAge(0);
        if (rsp.content() != null) {
            coap.setPayload(ContentCodec.of(serialization).encode(rsp.content()));
            coap.getOptions().setContentFormat(CoapContentFormats.number(serialization));
        }
        return coap;
    }
}
