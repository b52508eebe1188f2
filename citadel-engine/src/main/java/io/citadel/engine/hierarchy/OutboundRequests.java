package io.citadel.engine.hierarchy;

import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The engine's port for requests it originates (DAS consultations now; notifications and forwarding
 * later). A binding-specific implementation picks the protocol from the target URI's scheme.
 */
@FunctionalInterface
public interface OutboundRequests {

    /** For a CSE that sends nothing: every call fails at once. */
    OutboundRequests NONE = (uri, request, timeout) ->
            CompletableFuture.failedFuture(new IllegalStateException("no outbound binding configured"));

    /**
     * Sends to the endpoint {@code uri} exactly (an AE's or DAS's point of access, a notification URL) and
     * completes with the response, or exceptionally: with a {@link java.util.concurrent.TimeoutException}
     * when no answer came in time, with anything else when the target is unreachable or answered nonsense.
     */
    CompletableFuture<ResponsePrimitive> send(String uri, RequestPrimitive request, Duration timeout);

    /**
     * Forwards to the CSE {@code peerCseId} reachable at {@code pointOfAccess}: the binding maps the request's
     * {@code To} into its own addressing under that point of access (HTTP: {@code /~/cse/...},
     * {@code /_/sp/cse/...}) and, over TLS, talks only to a server that proves to be that CSE.
     */
    default CompletableFuture<ResponsePrimitive> forward(
            String pointOfAccess, String peerCseId, RequestPrimitive request, Duration timeout) {
        return send(pointOfAccess, request, timeout);
    }
}
