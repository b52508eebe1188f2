package io.citadel.engine.pipeline;

import io.citadel.protocol.ResponsePrimitive;

/**
 * One step of the request pipeline. A stage may look at or replace the request (through the {@link Exchange}),
 * record what it learnt for later stages, answer by itself (a refusal, a forwarded request) or pass the exchange
 * on with {@code next.proceed(exchange)} and look at or replace the response on the way back.
 *
 * <p>A stage may throw {@link io.citadel.protocol.OneM2mException} to refuse a request; the pipeline turns it
 * (and any other failure) into an error response before it reaches the stage in front, so {@code next.proceed}
 * never throws and a stage that wraps responses sees every answer.
 */
@FunctionalInterface
public interface Stage {

    /** Processes the exchange; returns the response (never null). */
    ResponsePrimitive apply(Exchange exchange, Next next);

    /** The rest of the pipeline behind a stage. */
    @FunctionalInterface
    interface Next {

        /** Runs the following stages; never throws, never returns null. */
        ResponsePrimitive proceed(Exchange exchange);
    }
}
