package io.citadel.client.device;

/**
 * A device could not enrol, renew or use its stored credentials: the message says what, in one line of ours (a
 * refusal by the MEF quotes the MEF's one-line reason). Nothing was stored when it is thrown.
 */
public final class EnrolmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EnrolmentException(String message) {
        super(message);
    }

    public EnrolmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
