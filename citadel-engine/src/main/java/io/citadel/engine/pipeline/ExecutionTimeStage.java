package io.citadel.engine.pipeline;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits until the operation execution time ({@code oet}) when one lies ahead; the validate stage already
 * refused one more than {@link ValidateStage#MAX_EXECUTION_DELAY} ahead.
 */
public final class ExecutionTimeStage implements Stage {

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        Instant oet = exchange.request().handling().operationExecution();
        if (oet != null) {
            Duration ahead = Duration.between(Instant.now(), oet);
            if (ahead.compareTo(Duration.ZERO) > 0) {
                Duration wait = ahead.compareTo(ValidateStage.MAX_EXECUTION_DELAY) < 0
                        ? ahead
                        : ValidateStage.MAX_EXECUTION_DELAY;
                sleep(wait.toMillis() + (wait.toNanosPart() % 1_000_000 == 0 ? 0 : 1)); // whole ms, never early
            }
        }
        return next.proceed(exchange);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OneM2mException(ResponseStatusCode.REQUEST_TIMEOUT, "interrupted while waiting for oet");
        }
    }
}
