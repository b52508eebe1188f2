package io.citadel.engine.pipeline;

import io.citadel.engine.store.StoreException;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.lang.System.Logger.Level;
import java.util.UUID;

/**
 * Turns a failure into the error response the originator sees: a refusal ({@link OneM2mException}) with its
 * status and our message; anything else as 5000 with an incident number, the details going to the log only
 * (never a stack trace or a library's message to the peer).
 */
public final class ErrorResponses {
    private static final System.Logger LOG = System.getLogger("citadel.engine");

    private ErrorResponses() {}

    public static ResponsePrimitive of(RequestPrimitive request, RuntimeException failure) {
        if (failure instanceof OneM2mException e) {
            return e.content() != null
                    ? ResponsePrimitive.error(e.status(), request.requestId(), request.releaseVersion(), e.content())
                    : ResponsePrimitive.error(
                            e.status(), request.requestId(), request.releaseVersion(), e.getMessage());
        }
        if (failure instanceof StoreException) {
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.ERROR, "storage failure, incident " + incident, failure);
            return ResponsePrimitive.error(
                    ResponseStatusCode.INTERNAL_SERVER_ERROR,
                    request.requestId(),
                    request.releaseVersion(),
                    "storage failure (incident " + incident + ")");
        }
        return internal(request, failure);
    }

    static ResponsePrimitive internal(RequestPrimitive request, RuntimeException failure) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.ERROR, "unexpected failure, incident " + incident, failure);
        return ResponsePrimitive.error(
                ResponseStatusCode.INTERNAL_SERVER_ERROR,
                request.requestId(),
                request.releaseVersion(),
                "internal error (incident " + incident + ")");
    }
}
