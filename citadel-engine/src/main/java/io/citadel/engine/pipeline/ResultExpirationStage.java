package io.citadel.engine.pipeline;

import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Clock;
import java.time.Instant;

/**
 * A result that was ready only after the request's result expiration time ({@code rset}) is withheld: the
 * originator gets 4008 instead. Refusals pass unchanged (they carry no result).
 */
public final class ResultExpirationStage implements Stage {
    private final Clock clock;

    public ResultExpirationStage(Clock clock) {
        this.clock = clock;
    }

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        ResponsePrimitive response = next.proceed(exchange);
        Instant rset = exchange.request().handling().resultExpiration();
        if (rset != null && response.status().isSuccess() && clock.instant().isAfter(rset)) {
            return ResponsePrimitive.error(
                    ResponseStatusCode.REQUEST_TIMEOUT,
                    exchange.request().requestId(),
                    exchange.request().releaseVersion(),
                    "the result was ready after its expiration time (rset) and is withheld");
        }
        return response;
    }
}
