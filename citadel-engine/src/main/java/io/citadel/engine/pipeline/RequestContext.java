package io.citadel.engine.pipeline;

import io.citadel.credentials.SecurityAssociation;
import java.time.Instant;

/**
 * What the binding knows about a request beyond the primitive.
 *
 * @param peerAddress transport peer address (IP literal), never taken from a header
 * @param association what the hop's security association proved, or null when the request came without one
 * @param textualContent true when the content came in XML (all leaves text)
 * @param receivedAt when the binding received the request
 */
public record RequestContext(
        String peerAddress, SecurityAssociation association, boolean textualContent, Instant receivedAt) {

    public static RequestContext local() {
        return new RequestContext("127.0.0.1", null, false, Instant.now());
    }

    /** The peer address as an {@code m2m:ipAddress} ({@code ip4} or {@code ip6}), or null when unknown. */
    public java.util.Map<String, Object> peerIpAddress() {
        return peerAddress == null
                ? null
                : java.util.Map.of(peerAddress.indexOf(':') >= 0 ? "ip6" : "ip4", peerAddress);
    }
}
