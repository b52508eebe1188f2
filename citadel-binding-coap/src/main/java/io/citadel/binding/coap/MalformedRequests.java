package io.citadel.binding.coap;

import io.citadel.client.coap.CoapOptions;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAPMessageFormatException;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;
import org.eclipse.californium.core.network.serialization.MessageHeader;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.elements.util.DatagramReader;

/**
 * Requests Californium cannot parse (an option longer than its definition allows, a bad block option ...):
 * the parser makes them 4.00 instead of 4.02, and every response that leaves without a oneM2M-RSC (those
 * Californium writes itself, with its own text) gets 4000 BAD_REQUEST and a short message of ours, while
 * the log gets one line with the cause. No library text and no stack trace reach the client or the log.
 */
final class MalformedRequests {
    private static final Logger LOG = Logger.getLogger("citadel.coap");
    /** Datagrams come from spoofable sources: a few lines a second, the rest counted. */
    private static final io.citadel.protocol.LogBudget BUDGET = new io.citadel.protocol.LogBudget(10);

    private MalformedRequests() {}

    /** Californium's UDP parser, with malformed options answered 4.00 (our answer replaces its text, see {@link #answers()}). */
    static UdpDataParser parser() {
        return new UdpDataParser() {
            @Override
            protected Message parseMessage(DatagramReader source, MessageHeader header, Message target) {
                try {
                    return super.parseMessage(source, header, target);
                } catch (CoAPMessageFormatException e) {
                    throw badRequest(e.getMessage(), header);
                } catch (IllegalArgumentException e) {
                    throw badRequest(e.getMessage(), header);
                }
            }
        };
    }

    private static CoAPMessageFormatException badRequest(String cause, MessageHeader header) {
        return new CoAPMessageFormatException(
                cause,
                header.getToken(),
                header.getMID(),
                header.getCode(),
                header.getType() == CoAP.Type.CON,
                CoAP.ResponseCode.BAD_REQUEST);
    }

    /** Rewrites the responses Californium made on its own (no oneM2M-RSC): RSC, a short message of ours, one log line. */
    static MessageInterceptorAdapter answers() {
        return new MessageInterceptorAdapter() {
            @Override
            public void sendResponse(Response response) {
                if (response.getOptions().getOtherOption(CoapOptions.RSC) != null || response.isSuccess()) {
                    return;
                }
                String cause = response.getPayloadSize() == 0
                        ? response.getCode().text
                        : new String(response.getPayload(), StandardCharsets.UTF_8);
                var peer = response.getDestinationContext() == null
                        ? null
                        : response.getDestinationContext().getPeerAddress();
                String budget = BUDGET.admit();
                if (budget != null) {
                    LOG.info("malformed CoAP request from "
                            + (peer == null ? "?" : peer.getAddress().getHostAddress() + ":" + peer.getPort()) + ": "
                            + cause.replaceAll("[^\\x20-\\x7e]", "?") + " (answered "
                            + response.getCode().text + ")" + budget);
                }
                ResponseStatusCode status = response.getCode().codeClass == 4
                        ? ResponseStatusCode.BAD_REQUEST
                        : ResponseStatusCode.INTERNAL_SERVER_ERROR;
                Response ours = CoapResponses.encode(
                        ResponsePrimitive.error(
                                status,
                                null,
                                null,
                                status == ResponseStatusCode.BAD_REQUEST
                                        ? "malformed CoAP request"
                                        : "the request could not be handled"),
                        Serialization.JSON);
                response.getOptions().addOtherOption(ours.getOptions().getOtherOption(CoapOptions.RSC));
                response.getOptions().setContentFormat(ours.getOptions().getContentFormat());
                response.setPayload(ours.getPayload());
            }
        };
    }
}
