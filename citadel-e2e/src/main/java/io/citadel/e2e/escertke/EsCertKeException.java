package io.citadel.e2e.escertke;

/** An ESCertKE handshake that cannot go on: one short line of ours (a TLS alert's name at most). */
public final class EsCertKeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for the status code a CSE answers with. */
    public enum Kind {
        /** The handshake failed: a certificate not admitted or not expected, a signature or Finished that fails. */
        HANDSHAKE,
        /** The message is not one the exchange can take now (not an ESCertKE message, no handshake under way). */
        OUT_OF_SEQUENCE,
        /** No room for another handshake now (the ones under way go on). */
        BUSY
    }

    private final Kind kind;

    public EsCertKeException(String message) {
        this(Kind.HANDSHAKE, message);
    }

    public EsCertKeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
