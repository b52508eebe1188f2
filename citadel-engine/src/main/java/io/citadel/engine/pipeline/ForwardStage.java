package io.citadel.engine.pipeline;

import io.citadel.engine.hierarchy.Forwarder;
import io.citadel.protocol.ResponsePrimitive;
import java.util.Optional;

/** Route stage: a request whose target lives in another CSE is forwarded there (see {@link Forwarder}). */
public final class ForwardStage implements Stage {
    private final Forwarder forwarder;

    public ForwardStage(Forwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        Optional<String> elsewhere = forwarder.remoteTarget(exchange.request().to());
        if (elsewhere.isEmpty()) {
            return next.proceed(exchange);
        }
        return forwarder.forward(
                exchange.request(),
                exchange.get(Facts.ORIGINATOR_ID),
                elsewhere.get(),
                exchange.context().receivedAt());
    }
}
