package io.citadel.engine;

import io.citadel.engine.pipeline.Exchange;
import io.citadel.engine.pipeline.Stage;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;

/** The last stage: runs the operation on the resolved target (a group's fan-out and a polling channel have their own). */
final class OperateStage implements Stage {
    private final Operations operations;

    OperateStage(Operations operations) {
        this.operations = operations;
    }

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        RequestPrimitive request = exchange.request();
        Originator originator = exchange.get(CredentialsStage.ORIGINATOR);
        Target target = exchange.get(TargetStage.TARGET);
        var ctx = exchange.context();
        return switch (target.virtual()) {
            case FAN_OUT -> operations.fanOut().execute(request, originator, target, ctx);
            case POLLING -> operations.polling().execute(request, originator, target);
            default -> switch (request.operation()) {
                case CREATE -> operations.create().execute(request, originator, target, ctx);
                case RETRIEVE -> operations.retrieve().execute(request, originator, target, ctx);
                case UPDATE -> operations.update().execute(request, originator, target, ctx);
                case DELETE -> operations.delete().execute(request, originator, target, ctx);
                case NOTIFY -> operations.notification().execute(request, originator, target, ctx);
            };
        };
    }

    /** The operations, one object each. */
    record Operations(CreateOperation create, RetrieveOperation retrieve, UpdateOperation update,
                      DeleteOperation delete, NotifyOperation notification, FanOutOperation fanOut,
                      PollingChannelOperation polling) {
    }
}
