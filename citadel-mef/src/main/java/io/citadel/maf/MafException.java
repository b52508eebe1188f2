package io.citadel.maf;

/** A MAF request refused: its HTTP status and a one-line reason of ours. */
public final class MafException extends RuntimeException {
    private final int httpStatus;

    public MafException(int httpStatus, String message) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
