package io.citadel.client;

import io.citadel.protocol.Operation;
import io.citadel.protocol.QueryParameters;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The AE SDK over any binding: the same calls whatever the {@link OneM2mTransport}. {@code to} is a
 * oneM2M address (CSE-relative {@code cse-in/ae1}, SP-relative {@code /id-in/...}, absolute {@code //sp/...}).
 */
public final class OneM2mClient {
    private static final AtomicLong REQUEST_IDS = new AtomicLong();
    private final OneM2mTransport transport;
    private final String originator;
    private final Duration timeout;

    public OneM2mClient(OneM2mTransport transport, String originator) {
        this(transport, originator, Duration.ofSeconds(20));
    }

    private OneM2mClient(OneM2mTransport transport, String originator, Duration timeout) {
        this.transport = transport;
        this.originator = originator;
        this.timeout = timeout;
    }

    /** The same transport and originator, waiting at most {@code newTimeout} for each response. */
    public OneM2mClient withTimeout(Duration newTimeout) {
        if (newTimeout.isNegative() || newTimeout.isZero()) {
            throw new IllegalArgumentException("a response timeout must be positive");
        }
        return new OneM2mClient(transport, originator, newTimeout);
    }

    /** The same transport, another originator. */
    public OneM2mClient as(String newOriginator) {
        return new OneM2mClient(transport, newOriginator, timeout);
    }

    /** The {@code From} of its requests. */
    public String originator() {
        return originator;
    }

    public OneM2mTransport transport() {
        return transport;
    }

    public ResponsePrimitive create(String to, int ty, Map<String, Object> content) {
        return send(Operation.CREATE, to, b -> b.resourceType(ty).content(content));
    }

    public ResponsePrimitive retrieve(String to) {
        return send(Operation.RETRIEVE, to, b -> b);
    }

    /** RETRIEVE with request parameters as a query string would give them ({@code fu=1}, {@code ty=3}, ...). */
    public ResponsePrimitive retrieve(String to, Map<String, List<String>> parameters) {
        return send(Operation.RETRIEVE, to, b -> {
            QueryParameters.apply(parameters, b, Operation.RETRIEVE, Instant.now());
            return b;
        });
    }

    public ResponsePrimitive update(String to, Map<String, Object> content) {
        return send(Operation.UPDATE, to, b -> b.content(content));
    }

    public ResponsePrimitive delete(String to) {
        return send(Operation.DELETE, to, b -> b);
    }

    /** Any request: the builder arrives with {@code From}, a fresh request identifier and {@code rvi} 3. */
    public ResponsePrimitive send(Operation op, String to, UnaryOperator<RequestPrimitive.Builder> details) {
        RequestPrimitive.Builder b = RequestPrimitive.builder(op, to)
                .from(originator)
                .requestId("rq" + REQUEST_IDS.incrementAndGet())
                .releaseVersion("3");
        return transport.send(details.apply(b).build(), timeout);
    }
}
