package io.citadel.engine.pipeline;

import io.citadel.engine.notification.NonBlockingRequests;
import io.citadel.protocol.ResponsePrimitive;

/**
 * Accepts a non-blocking request ({@code rt} 1 or 2) at once and runs it later through the whole pipeline
 * (see {@link NonBlockingRequests}); a blocking request passes on.
 */
public final class NonBlockingStage implements Stage {
    private final NonBlockingRequests nonBlocking;
    private final PrimitiveHandler pipeline;

    /** {@code pipeline} is the whole pipeline this stage is part of, which runs the accepted request later. */
    public NonBlockingStage(NonBlockingRequests nonBlocking, PrimitiveHandler pipeline) {
        this.nonBlocking = nonBlocking;
        this.pipeline = pipeline;
    }

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        if (!exchange.request().isNonBlocking()) {
            return next.proceed(exchange);
        }
        return nonBlocking.accept(
                exchange.request(), exchange.get(Facts.ORIGINATOR_ID), exchange.context(), pipeline::handle);
    }
}
