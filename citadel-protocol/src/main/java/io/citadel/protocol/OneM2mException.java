package io.citadel.protocol;

/**
 * A request failed with a definite oneM2M status. The message is safe to return to the originator
 * as {@code m2m:dbg}: it never contains secrets or stack traces.
 */
public class OneM2mException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ResponseStatusCode status;
    private final transient Object content;

    public OneM2mException(ResponseStatusCode status, String message) {
        this(status, message, null);
    }

    /** @param content a response content to send instead of {@code m2m:dbg} (e.g. {@code tqf}) */
    public OneM2mException(ResponseStatusCode status, String message, Object content) {
        super(message, null, false, false);
        this.status = status;
        this.content = content;
    }

    public ResponseStatusCode status() {
        return status;
    }

    /** The response content to send instead of {@code m2m:dbg}, or null. */
    public Object content() {
        return content;
    }

    public static OneM2mException badRequest(String message) {
        return new OneM2mException(ResponseStatusCode.BAD_REQUEST, message);
    }

    public static OneM2mException notFound(String message) {
        return new OneM2mException(ResponseStatusCode.NOT_FOUND, message);
    }
}
