package io.citadel.protocol;

/**
 * A request failed with a definite oneM2M status. The message is safe to return to the originator
 * as {@code m2m:dbg}: it never contains secrets or stack traces.
 */
public class OneM2mException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ResponseStatusCode status;

    public OneM2mException(ResponseStatusCode status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public ResponseStatusCode status() {
        return status;
    }

    public static OneM2mException badRequest(String message) {
        return new OneM2mException(ResponseStatusCode.BAD_REQUEST, message);
    }

    public static OneM2mException notFound(String message) {
        return new OneM2mException(ResponseStatusCode.NOT_FOUND, message);
    }
}
