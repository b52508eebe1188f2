package io.citadel.maf;

/** A MAF request refused: its HTTP status and a one-line reason of ours. */
public final class MafException extends RuntimeException {
    private final int httpStatus;
    private final String regId;

    public MafException(int httpStatus, String message) {
        this(httpStatus, message, null);
    }

    /** A refusal that names the caller's own live registration (a second registration: 409). */
    public MafException(int httpStatus, String message, String regId) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.regId = regId;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The caller's own registration a refusal names, or null. */
    public String regId() {
        return regId;
    }
}
