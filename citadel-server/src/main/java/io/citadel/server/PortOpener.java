package io.citadel.server;

import io.citadel.engine.pipeline.InboundPort;

/** Opens a binding's inbound port on the engine (the server closes it after the binding). */
@FunctionalInterface
interface PortOpener {

    /** A port with a pool of {@code threads} workers named after {@code name}. */
    InboundPort open(String name, int threads);
}
