package io.citadel.tls.broker;

/** A broker refused a key, could not be reached, or answered something unusable; the message is ours and short. */
public final class KeyBrokerException extends RuntimeException {
    public KeyBrokerException(String message) {
        super(message, null, false, false);
    }
}
