package io.citadel.e2e.escertke;

/** An ESCertKE handshake that cannot go on: one short line of ours (a TLS alert's name at most). */
public final class EsCertKeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EsCertKeException(String message) {
        super(message);
    }
}
