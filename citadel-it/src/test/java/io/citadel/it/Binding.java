package io.citadel.it;

import io.citadel.client.OneM2mTransport;
import java.util.function.Supplier;

/** A binding and security mode that the conformance scenarios run over; its name appears in test names. */
record Binding(String name, Supplier<OneM2mTransport> connector) {

    OneM2mTransport connect() {
        return connector.get();
    }

    @Override
    public String toString() {
        return name;
    }
}
