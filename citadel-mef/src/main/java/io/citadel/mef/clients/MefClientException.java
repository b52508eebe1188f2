package io.citadel.mef.clients;

/**
 * A MEF client request refused: the HTTP status and a one-line reason of ours, safe to send to the client (never a
 * secret or a library's text).
 */
public final class MefClientException extends RuntimeException {
    private final int httpStatus;

    public MefClientException(int httpStatus, String message) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
