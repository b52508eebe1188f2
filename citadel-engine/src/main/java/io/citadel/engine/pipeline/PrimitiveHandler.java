package io.citadel.engine.pipeline;

import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;

/**
 * The inbound port of the engine: what a binding hands a decoded request primitive to. Bindings see only this
 * (through {@link InboundPort}), never the engine's classes.
 *
 * <p>Implementations never throw: every failure becomes an error response with {@code m2m:dbg}. A call blocks
 * until the answer is known (a write returns when it is durable), so bindings call it on a worker thread.
 */
@FunctionalInterface
public interface PrimitiveHandler {

    /** Handles one request; never null, never throws. */
    ResponsePrimitive handle(RequestPrimitive request, RequestContext context);
}
