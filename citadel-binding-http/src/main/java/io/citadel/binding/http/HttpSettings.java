package io.citadel.binding.http;

/**
 * @param host interface to bind (e.g. 127.0.0.1)
 * @param port TCP port, 0 for an ephemeral one
 * @param maxBodyBytes largest request body accepted
 * @param workerThreads threads running the (blocking) engine
 * @param maxConnections open connections beyond this are closed at once
 * @param idleTimeoutSeconds a connection silent this long is closed
 */
public record HttpSettings(String host, int port, int maxBodyBytes, int workerThreads, int maxConnections,
                           int idleTimeoutSeconds) {

    public HttpSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (maxBodyBytes < 1024 || workerThreads < 1 || maxConnections < 1 || idleTimeoutSeconds < 1) {
            throw new IllegalArgumentException("HTTP limits must be positive (body at least 1024 bytes)");
        }
    }
}
