package io.citadel.engine.pipeline;

import io.citadel.engine.authorization.AccessControl;
import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.engine.authorization.Originator;
import io.citadel.engine.operations.OperationPlan;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.security.AccessDecision;

/**
 * The one place access is decided: the operation describes what the request needs ({@link OperationPlan}), this
 * stage asks {@link AccessControl} once, which audits the decision, and refuses with the question's status when it
 * denies. Records the plan and the {@link AccessDecision} for the operate stage.
 */
public final class AuthorizeStage implements Stage {
    public static final Exchange.Key<AccessDecision> DECISION =
            Exchange.Key.of("access decision", AccessDecision.class);

    private final OperateStage.Operations operations;
    private final AccessControl accessControl;

    public AuthorizeStage(OperateStage.Operations operations, AccessControl accessControl) {
        this.operations = operations;
        this.accessControl = accessControl;
    }

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        Originator originator = exchange.get(CredentialsStage.ORIGINATOR);
        OperationPlan plan =
                operations.plan(exchange.request(), originator, exchange.get(TargetStage.TARGET), exchange.context());
        AccessDecision decision = null;
        for (AccessQuestion question : plan.question().parts()) {
            decision = accessControl.authorize(originator, question, exchange.context());
            if (!decision.permitted()) {
                throw new OneM2mException(question.refusal(), question.refusalMessage(decision));
            }
        }
        if (decision == null) { // a plan that asked nothing is refused, never run (fail closed)
            throw new IllegalStateException("the operation's plan asked no access question");
        }
        exchange.put(OperationPlan.KEY, plan);
        exchange.put(DECISION, decision);
        return next.proceed(exchange);
    }
}
