package io.citadel.security;

/** A presented token failed verification; the message says why and never contains the token. */
public final class TokenRejectedException extends Exception {
    public TokenRejectedException(String message) {
        super(message, null, false, false);
    }
}
