package io.citadel.e2e.esprim;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper of the module. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}
}
