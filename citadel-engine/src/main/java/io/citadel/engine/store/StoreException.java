package io.citadel.engine.store;

/** The store failed (I/O, constraint, connection). Mapped to 5000 without details for the originator. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
