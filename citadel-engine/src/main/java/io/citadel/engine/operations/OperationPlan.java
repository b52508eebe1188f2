package io.citadel.engine.operations;

import io.citadel.engine.authorization.AccessQuestion;
import io.citadel.protocol.ResponsePrimitive;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An operation checked and ready, nothing changed yet: what it needs to be allowed, and how it then runs. Made by
 * an operation's {@code plan} (the checks that need no permission come first, so a malformed request is told so
 * whoever sends it), decided by the authorize stage, run by the operate stage.
 *
 * @param question what the request needs to be allowed
 * @param perform runs the operation once it is allowed; may still refuse (e.g. a name conflict found in the write)
 */
public record OperationPlan(AccessQuestion question, Supplier<ResponsePrimitive> perform) {
    public static final io.citadel.engine.pipeline.Exchange.Key<OperationPlan> KEY =
            io.citadel.engine.pipeline.Exchange.Key.of("operation plan", OperationPlan.class);

    public OperationPlan {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(perform, "perform");
    }
}
