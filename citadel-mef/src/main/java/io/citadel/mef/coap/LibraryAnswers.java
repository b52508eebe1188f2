package io.citadel.mef.coap;

import java.nio.charset.StandardCharsets;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;

/**
 * The refusals Californium makes on its own (a block-wise upload over the size bound, an incomplete one, a request it
 * cannot parse): their code and options stay (Size1 tells the bound), their text becomes one line of ours; the log
 * gets one line (never the library's text to the client).
 */
final class LibraryAnswers extends MessageInterceptorAdapter {
    private static final System.Logger LOG = System.getLogger("citadel.mef");
    /** A peer may send many bad requests: a few lines a second, the rest counted. */
    private static final io.citadel.protocol.LogBudget BUDGET = new io.citadel.protocol.LogBudget(10);

    private final int maxBody;

    LibraryAnswers(int maxBody) {
        this.maxBody = maxBody;
    }

    @Override
    public void sendResponse(Response response) {
        if (response.isSuccess() || CoapAnswer.ours(response)) {
            return;
        }
        String budget = BUDGET.admit();
        if (budget != null) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "CoAP request to the MEF answered " + response.getCode().text + " by the CoAP stack" + budget);
        }
        String ours;
        if (response.getCode() == ResponseCode.REQUEST_ENTITY_TOO_LARGE) {
            ours = "a request body is at most " + maxBody + " bytes";
        } else if (response.getCode() == ResponseCode.REQUEST_ENTITY_INCOMPLETE) {
            ours = "the block-wise transfer is incomplete; start it again";
        } else if (response.getCode().codeClass == 4) {
            ours = "malformed CoAP request";
        } else {
            ours = "the MEF could not handle the request";
        }
        response.getOptions().removeContentFormat();
        response.setPayload(ours.getBytes(StandardCharsets.UTF_8));
    }
}
