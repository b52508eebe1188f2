package io.citadel.tls;

/** Exports keying material from a finished TLS session (RFC 5705 / RFC 8446 §7.5, without a context value). */
@FunctionalInterface
public interface KeyingMaterial {
    /** The material; an {@link IllegalStateException} when it was handed out already (it is handed out once). */
    byte[] export(String label, int length);

    /** The material of {@code session}, or null when there is none or it was handed out already. */
    static byte[] once(KeyingMaterial session, String label, int length) {
        try {
            return session == null ? null : session.export(label, length);
        } catch (IllegalStateException usedAlready) {
            return null;
        }
    }
}
