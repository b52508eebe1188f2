package io.citadel.mef.clients;

/**
 * A MEF client request refused: the HTTP status and a one-line reason of ours, safe to send to the client (never a
 * secret or a library's text).
 */
public final class MefClientException extends RuntimeException {
    private final int httpStatus;
    private final String regId;

    public MefClientException(int httpStatus, String message) {
        this(httpStatus, message, null);
    }

    /** @param regId the registration the client has already (409), so that a client that lost it can go on */
    public MefClientException(int httpStatus, String message, String regId) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.regId = regId;
    }

    /** The client's own live registration, on a 409; else null. */
    public String regId() {
        return regId;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
