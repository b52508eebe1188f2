package io.citadel.it;

import io.citadel.client.OneM2mTransport;
import java.util.function.Function;

/**
 * A binding and security mode that the conformance scenarios run over; its name appears in test names.
 * {@code secured}: the transport authenticates the AE (a credential bound to its originator), so a From of
 * another registered AE is refused (4106) rather than believed.
 *
 * @param connector a transport for the given originator (the credential it needs, where there is one)
 */
record Binding(String name, boolean secured, Function<String, OneM2mTransport> connector) {

    OneM2mTransport connect(String originator) {
        return connector.apply(originator);
    }

    @Override
    public String toString() {
        return name;
    }
}
