package io.citadel.protocol.schema;

/** Whether a request may or must carry an attribute. */
public enum Presence {
    MANDATORY,
    OPTIONAL,
    NOT_PERMITTED;

    static Presence parse(String token) {
        return switch (token) {
            case "M" -> MANDATORY;
            case "O" -> OPTIONAL;
            case "NP" -> NOT_PERMITTED;
            default -> throw new IllegalArgumentException("presence must be M, O or NP: " + token);
        };
    }
}
