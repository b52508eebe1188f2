package io.citadel.tls;

/** Exports keying material from a finished TLS session (RFC 5705 / RFC 8446 §7.5, without a context value). */
@FunctionalInterface
public interface KeyingMaterial {
    byte[] export(String label, int length);
}
