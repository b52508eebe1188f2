package io.citadel.client;

import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import java.time.Duration;
import java.util.function.Function;

/**
 * One oneM2M binding as an AE sees it: request primitives out, response primitives back, and, on the
 * bindings that carry requests both ways (WebSocket, MQTT, CoAP with a local server), requests from the
 * CSE in. The same scenarios run over every implementation.
 */
public interface OneM2mTransport extends AutoCloseable {

    /** Sends and waits for the response; throws {@link java.io.UncheckedIOException} when none comes. */
    ResponsePrimitive send(RequestPrimitive request, Duration timeout);

    /**
     * Answers requests from the CSE (notifications) with {@code handler}; returns the address the CSE reaches
     * this AE at (a point of access or notification URI), or null when the CSE reaches it over this very
     * connection (WebSocket) and the AE-ID is the address.
     */
    String receive(Function<RequestPrimitive, ResponsePrimitive> handler);

    @Override
    void close();
}
