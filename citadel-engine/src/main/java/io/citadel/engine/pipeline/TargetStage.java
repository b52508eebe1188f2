package io.citadel.engine.pipeline;

import io.citadel.engine.resources.Addressing;
import io.citadel.engine.resources.Target;
import io.citadel.protocol.ResponsePrimitive;

/** Resolves {@code To} to a resource of this CSE or a virtual one (4004 when there is none). */
public final class TargetStage implements Stage {
    static final Exchange.Key<Target> TARGET = Exchange.Key.of("target", Target.class);

    private final Addressing addressing;

    public TargetStage(Addressing addressing) {
        this.addressing = addressing;
    }

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        exchange.put(TARGET, addressing.resolve(exchange.request().to()));
        return next.proceed(exchange);
    }
}
