package io.citadel.e2e.esdata;

/** Protected data that cannot be made or opened: one short line of ours, never a library's. */
public final class EsDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EsDataException(String message) {
        super(message);
    }
}
