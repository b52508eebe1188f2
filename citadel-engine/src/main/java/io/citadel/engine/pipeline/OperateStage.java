package io.citadel.engine.pipeline;

import io.citadel.engine.authorization.Originator;
import io.citadel.engine.operations.CreateOperation;
import io.citadel.engine.operations.DeleteOperation;
import io.citadel.engine.operations.FanOutOperation;
import io.citadel.engine.operations.NotifyOperation;
import io.citadel.engine.operations.OperationPlan;
import io.citadel.engine.operations.PollingChannelOperation;
import io.citadel.engine.operations.RetrieveOperation;
import io.citadel.engine.operations.UpdateOperation;
import io.citadel.engine.resources.Target;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;

/** The last stage: runs the operation the authorize stage allowed. */
public final class OperateStage implements Stage {

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        return exchange.get(OperationPlan.KEY).perform().get();
    }

    /** The operations, one object each; picks the one a request needs and has it describe its plan. */
    public record Operations(
            CreateOperation create,
            RetrieveOperation retrieve,
            UpdateOperation update,
            DeleteOperation delete,
            NotifyOperation notification,
            FanOutOperation fanOut,
            PollingChannelOperation polling,
            io.citadel.engine.operations.AccessLogOperation accessLog) {

        OperationPlan plan(
                RequestPrimitive request,
                Originator originator,
                Target target,
                io.citadel.engine.pipeline.RequestContext ctx) {
            return switch (target.virtual()) {
                case FAN_OUT -> fanOut.plan(request, originator, target, ctx);
                case POLLING -> polling.plan(request, originator, target);
                case ACCESS_LOG -> accessLog.plan(request, target);
                default ->
                    switch (request.operation()) {
                        case CREATE -> create.plan(request, originator, target, ctx);
                        case RETRIEVE -> retrieve.plan(request, originator, target, ctx);
                        case UPDATE -> update.plan(request, originator, target, ctx);
                        case DELETE -> delete.plan(request, originator, target, ctx);
                        case NOTIFY -> notification.plan(request, originator, target, ctx);
                    };
            };
        }
    }
}
