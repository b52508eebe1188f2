package io.citadel.engine.pipeline;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ReleaseVersion;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.ResultContent;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/** Receiver checks that need no resource (TS-0004 §7.3.2.1 steps 1-7); refuses with 4000, 4008, 4001 or 5001. */
public final class ValidateStage implements Stage {
    /** The longest an operation execution time ({@code oet}) may lie ahead. */
    static final Duration MAX_EXECUTION_DELAY = Duration.ofSeconds(30);

    private static final Pattern PRINTABLE_ID = Pattern.compile("[\\x21-\\x7e]*");

    @Override
    public ResponsePrimitive apply(Exchange exchange, Next next) {
        validate(exchange.request(), exchange.context().receivedAt());
        return next.proceed(exchange);
    }

    static void validate(RequestPrimitive req, Instant receivedAt) {
        if (req.requestId() == null || req.requestId().isEmpty()) {
            throw OneM2mException.badRequest("Request Identifier (rqi / X-M2M-RI) is missing");
        }
        if (req.requestId().length() > 256) {
            throw OneM2mException.badRequest("Request Identifier is longer than 256 characters");
        }
        if (req.releaseVersion() == null) {
            throw new OneM2mException(
                    ResponseStatusCode.RELEASE_VERSION_NOT_SUPPORTED,
                    "Release Version Indicator (rvi / X-M2M-RVI) missing: Release 1 is not supported; use one of "
                            + ReleaseVersion.SUPPORTED);
        }
        if (!ReleaseVersion.isSupported(req.releaseVersion())) {
            throw new OneM2mException(
                    ResponseStatusCode.RELEASE_VERSION_NOT_SUPPORTED,
                    "release version '" + req.releaseVersion() + "' is not supported; use one of "
                            + ReleaseVersion.SUPPORTED);
        }
        if (req.requestExpiration() != null && !req.requestExpiration().isAfter(receivedAt)) {
            throw new OneM2mException(ResponseStatusCode.REQUEST_TIMEOUT, "the request expired before it was received");
        }
        validateHandling(req, receivedAt);
        boolean aeRegistration = req.operation() == Operation.CREATE
                && req.resourceType() != null
                && req.resourceType() == ResourceType.AE.code();
        if ((req.from() == null || req.from().isEmpty()) && !aeRegistration) {
            throw OneM2mException.badRequest("'From' (X-M2M-Origin) is missing");
        }
        if (req.from() != null
                && (req.from().length() > 1024
                        || !PRINTABLE_ID.matcher(req.from()).matches())) {
            throw OneM2mException.badRequest("'From' is not a valid identifier");
        }
        if (req.operation() == Operation.CREATE && req.resourceType() == null) {
            throw OneM2mException.badRequest("CREATE needs the resource type (ty)");
        }
        if (req.operation() != Operation.CREATE && req.resourceType() != null) {
            throw OneM2mException.badRequest("resource type (ty) is only allowed in CREATE");
        }
        if (req.resultContent() != null) {
            ResultContent rcn = ResultContent.of(req.resultContent())
                    .orElseThrow(() -> OneM2mException.badRequest("unsupported rcn " + req.resultContent()));
            if (!rcn.isValidFor(req.operation(), req.isDiscovery())) {
                throw OneM2mException.badRequest("rcn " + rcn.code() + " is not valid for this operation");
            }
        }
        if (req.filterCriteria() != null && req.operation() == Operation.CREATE) {
            throw OneM2mException.badRequest("filter criteria are not allowed in CREATE");
        }
    }

    /** {@code rset}, {@code oet}, {@code ec} (TS-0004 §7.3.2.1): consistent with {@code rqet} and in range. */
    private static void validateHandling(RequestPrimitive req, Instant now) {
        RequestPrimitive.Handling h = req.handling();
        Integer ec = h.eventCategory();
        if (ec != null && !(ec >= 2 && ec <= 4) && !(ec >= 100 && ec <= 999)) {
            throw OneM2mException.badRequest("event category (ec) must be 2, 3, 4 or 100-999");
        }
        if (h.resultExpiration() != null) {
            if (req.requestExpiration() != null && h.resultExpiration().isBefore(req.requestExpiration())) {
                throw OneM2mException.badRequest(
                        "result expiration (rset) must not be before request expiration (rqet)");
            }
            if (!h.resultExpiration().isAfter(now)) {
                throw new OneM2mException(
                        ResponseStatusCode.REQUEST_TIMEOUT, "the result expiration time (rset) has passed");
            }
        }
        if (h.operationExecution() != null) {
            if (req.requestExpiration() != null && h.operationExecution().isAfter(req.requestExpiration())) {
                throw OneM2mException.badRequest(
                        "operation execution time (oet) is after the request expiration (rqet)");
            }
            if (h.operationExecution().isAfter(now.plus(MAX_EXECUTION_DELAY))) {
                throw new OneM2mException(
                        ResponseStatusCode.NOT_IMPLEMENTED,
                        "an operation execution time (oet) more than " + MAX_EXECUTION_DELAY.toSeconds()
                                + " s ahead is not supported");
            }
        }
    }
}
