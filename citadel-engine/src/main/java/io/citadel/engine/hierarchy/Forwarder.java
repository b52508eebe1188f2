package io.citadel.engine.hierarchy;

import io.citadel.engine.CseSettings;
import io.citadel.engine.resources.Resource;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A request whose {@code To} names another CSE, passed on hop by hop (TS-0001 §10.2.3.1, TS-0004
 * §7.3.2.8): to the registree through which that CSE is reached, otherwise up to the registrar.
 * <ul>
 * <li>{@code From} goes on in SP-relative form (an AE's stem becomes {@code /cse/stem}), {@code rqi} as
 * it came, so that the hosting CSE sees who asked.</li>
 * <li>Registrations (CREATE of an AE or remote CSE) are never forwarded: 4000.</li>
 * <li>No route: 4004. Next hop unreachable or silent: 5103 / 4008.</li>
 * <li>A request that comes back while this CSE is still forwarding it is a loop: 4000.</li>
 * <li>The wait is bounded by the request's own expiration ({@code rqet}) and the hop timeout.</li>
 * </ul>
 */
public final class Forwarder {
    private final CseSettings settings;
    private final RemoteCseIndex routes;
    private final OutboundRequests outbound;
    private final Duration hopTimeout;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public Forwarder(CseSettings settings, RemoteCseIndex routes, OutboundRequests outbound, Duration hopTimeout) {
        this.settings = settings;
        this.routes = routes;
        this.outbound = outbound;
        this.hopTimeout = hopTimeout;
    }

    /** The CSE a request is for when that is not this one (SP-relative CSE-ID, or {@code //sp} of another SP). */
    public Optional<String> remoteTarget(String to) {
        if (to == null || !to.startsWith("/")) {
            return Optional.empty();
        }
        String sp = settings.spId();
        if (to.startsWith("//")) {
            if (!to.startsWith(sp + "/")) {
                int slash = to.indexOf('/', 2);
                return Optional.of(slash < 0 ? to : to.substring(0, slash));
            }
            to = to.substring(sp.length());
        }
        String cse = RemoteCseIndex.targetCse(to);
        return cse == null || cse.equals(settings.cseId()) ? Optional.empty() : Optional.of(cse);
    }

    public ResponsePrimitive forward(
            RequestPrimitive req, String normalizedFrom, String targetCse, Instant receivedAt) {
        if (req.operation() == Operation.CREATE
                && req.resourceType() != null
                && (req.resourceType() == ResourceType.AE.code()
                        || req.resourceType() == ResourceType.REMOTE_CSE.code())) {
            throw OneM2mException.badRequest(
                    "registration must be sent to the registrar itself, not through " + settings.cseId());
        }
        if (targetCse.startsWith("//")) {
            throw OneM2mException.notFound(
                    "no route to service provider " + targetCse + ": inter-SP forwarding is not supported");
        }
        Resource hop = routes.nextHop(targetCse)
                .orElseThrow(() -> OneM2mException.notFound(
                        "no route to CSE " + targetCse + ": it is not registered here and this CSE has no registrar"));
        String poa = RemoteCseIndex.pointOfAccess(hop)
                .orElseThrow(() -> new OneM2mException(
                        ResponseStatusCode.TARGET_NOT_REACHABLE,
                        "next hop " + hop.getString("csi") + " has no point of access"));
        String key = normalizedFrom + "\n" + req.requestId();
        if (!inFlight.add(key)) {
            throw OneM2mException.badRequest("forwarding loop: request " + req.requestId() + " from " + normalizedFrom
                    + " came back to " + settings.cseId());
        }
        try {
            Duration timeout = hopTimeout;
            Instant oet = req.handling().operationExecution();
            if (oet != null && oet.isAfter(Instant.now())) {
                timeout = timeout.plus(Duration.between(Instant.now(), oet)); // the hosting CSE waits for it
            }
            Instant deadline = req.requestExpiration() != null
                    ? req.requestExpiration()
                    : req.handling().resultExpiration();
            if (deadline != null) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    throw new OneM2mException(
                            ResponseStatusCode.REQUEST_TIMEOUT, "the request expired before it could be forwarded");
                }
                timeout = left.compareTo(timeout) < 0 ? left : timeout;
            }
            RequestPrimitive onward = withFrom(req, normalizedFrom);
            ResponsePrimitive answer = outbound.forward(poa, hop.getString("csi"), onward, timeout)
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return new ResponsePrimitive(
                    answer.status(),
                    req.requestId(),
                    req.releaseVersion(),
                    answer.content(),
                    answer.contentLocation(),
                    null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OneM2mException(ResponseStatusCode.TARGET_NOT_REACHABLE, "interrupted while forwarding");
        } catch (TimeoutException e) {
            throw new OneM2mException(
                    ResponseStatusCode.REQUEST_TIMEOUT, "next hop " + hop.getString("csi") + " did not answer in time");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw new OneM2mException(
                        ResponseStatusCode.REQUEST_TIMEOUT,
                        "next hop " + hop.getString("csi") + " did not answer in time");
            }
            throw new OneM2mException(
                    ResponseStatusCode.TARGET_NOT_REACHABLE,
                    "next hop " + hop.getString("csi") + " could not be reached at " + poa);
        } finally {
            inFlight.remove(key);
        }
    }

    /** {@code From} in SP-relative form (absolute when it is of another SP), as TS-0001 §7.2 asks of a transit CSE. */
    private RequestPrimitive withFrom(RequestPrimitive req, String normalizedFrom) {
        if (normalizedFrom == null || normalizedFrom.isEmpty() || normalizedFrom.equals(req.from())) {
            return req;
        }
        return req.redirected(req.to(), normalizedFrom, req.requestId());
    }
}
