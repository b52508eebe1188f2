package io.citadel.engine.pipeline;

import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;

/**
 * The inbound port of the engine: what a binding hands a decoded request primitive to, through
 * {@link InboundPort}. Bindings reach the request path only this way; besides the port they use the pipeline's
 * connection types ({@link RequestContext}, {@link TwoWayConnection}, {@link PendingResponses}) and, for the
 * CSE's outbound requests, the hierarchy's {@code OutboundRequests} and {@code EntityConnections}.
 *
 * <p>Implementations never throw: every failure becomes an error response with {@code m2m:dbg}. A call blocks
 * until the answer is known (a write returns when it is durable), so bindings call it on a worker thread.
 */
@FunctionalInterface
public interface PrimitiveHandler {

    /** Handles one request; never null, never throws. */
    ResponsePrimitive handle(RequestPrimitive request, RequestContext context);
}
