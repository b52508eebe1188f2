package io.citadel.mef.est;

/**
 * An EST request refused (RFC 7030 §4.2.3: an HTTP error status with a short text body). The message is ours and
 * safe to send to the client: it never contains a secret or a library's internal text.
 */
public final class EstException extends RuntimeException {
    private final int httpStatus;

    public EstException(int httpStatus, String message) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
    }

    /** 400: the request is malformed or does not fit the enrolment policy. */
    static EstException badRequest(String message) {
        return new EstException(400, message);
    }

    /** 401: the enrolee is unknown or not allowed to enrol (now). */
    static EstException unauthorized(String message) {
        return new EstException(401, message);
    }

    public int httpStatus() {
        return httpStatus;
    }
}
