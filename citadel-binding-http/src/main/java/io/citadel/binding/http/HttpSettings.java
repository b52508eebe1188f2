package io.citadel.binding.http;

/**
 * How one HTTP listener (plain, TLS, TLS-PSK or raw-key TLS) accepts and bounds its connections.
 * {@link #defaults} gives the secure defaults; the {@code with...} methods change one group of limits.
 *
 * @param host interface to bind (e.g. 127.0.0.1)
 * @param port TCP port, 0 for an ephemeral one
 * @param maxBodyBytes largest request body accepted
 * @param workerThreads threads running the (blocking) engine
 * @param maxConnections open connections beyond this are closed at once
 * @param idleTimeoutSeconds a connection silent this long while a request is under way (a body arriving,
 *     the engine answering) or after a WebSocket upgrade is closed
 * @param maxConnectionsPerPeer open connections one peer address (an IPv6 /64) may hold; more are closed at once
 * @param loopbackReserve of {@code maxConnections}, this many are kept for loopback peers (the administrator)
 * @param headerTimeoutSeconds a request head (request line and headers) must be complete this long after the
 *     connection opened (TLS handshake included) or after its first byte arrived
 * @param keepAliveIdleSeconds between requests, a connection that sends no byte of a new head this long is closed
 * @param maxConnectionsPerLoopbackPeer open connections one loopback address may hold: every local client (the
 *     administrator, a reverse proxy, tools) shares 127.0.0.1
 * @param bodyTimeoutSeconds a request body must be complete this long after its head (at the default 60 s and
 *     1 MiB bodies, a client must send about 17 KiB/s); a body trickled slower is cut
 */
public record HttpSettings(
        String host,
        int port,
        int maxBodyBytes,
        int workerThreads,
        int maxConnections,
        int idleTimeoutSeconds,
        int maxConnectionsPerPeer,
        int loopbackReserve,
        int headerTimeoutSeconds,
        int keepAliveIdleSeconds,
        int maxConnectionsPerLoopbackPeer,
        int bodyTimeoutSeconds) {
    /** Open connections per listener. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** Connections one address (IPv6: one /64) may hold on one listener. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_PEER = 64;
    /** Connections one loopback address may hold on one listener. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_LOOPBACK_PEER = 1024;
    /** Connections only loopback peers may use once the others are taken. */
    public static final int DEFAULT_LOOPBACK_RESERVE = 64;

    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 120;
    public static final int DEFAULT_HEADER_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_KEEP_ALIVE_IDLE_SECONDS = 15;
    public static final int DEFAULT_BODY_TIMEOUT_SECONDS = 60;

    public HttpSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (maxBodyBytes < 1024
                || workerThreads < 1
                || maxConnections < 1
                || idleTimeoutSeconds < 1
                || maxConnectionsPerPeer < 1
                || headerTimeoutSeconds < 1
                || keepAliveIdleSeconds < 1
                || maxConnectionsPerLoopbackPeer < 1
                || bodyTimeoutSeconds < 1) {
            throw new IllegalArgumentException("HTTP limits must be positive (body at least 1024 bytes)");
        }
        if (loopbackReserve < 0 || loopbackReserve >= maxConnections) {
            throw new IllegalArgumentException("the loopback reserve must be 0 or more and below the connection limit");
        }
    }

    /** The earlier form: total connections and idle timeout given, the other limits at their defaults. */
    public HttpSettings(
            String host, int port, int maxBodyBytes, int workerThreads, int maxConnections, int idleTimeoutSeconds) {
        this(
                host,
                port,
                maxBodyBytes,
                workerThreads,
                maxConnections,
                idleTimeoutSeconds,
                Math.min(DEFAULT_MAX_CONNECTIONS_PER_PEER, maxConnections),
                Math.min(DEFAULT_LOOPBACK_RESERVE, maxConnections / 2),
                DEFAULT_HEADER_TIMEOUT_SECONDS,
                DEFAULT_KEEP_ALIVE_IDLE_SECONDS,
                Math.min(DEFAULT_MAX_CONNECTIONS_PER_LOOPBACK_PEER, maxConnections),
                DEFAULT_BODY_TIMEOUT_SECONDS);
    }

    /** A listener with every connection limit and deadline at its secure default. */
    public static HttpSettings defaults(String host, int port, int maxBodyBytes, int workerThreads) {
        return new HttpSettings(
                host,
                port,
                maxBodyBytes,
                workerThreads,
                DEFAULT_MAX_CONNECTIONS,
                DEFAULT_IDLE_TIMEOUT_SECONDS,
                DEFAULT_MAX_CONNECTIONS_PER_PEER,
                DEFAULT_LOOPBACK_RESERVE,
                DEFAULT_HEADER_TIMEOUT_SECONDS,
                DEFAULT_KEEP_ALIVE_IDLE_SECONDS,
                DEFAULT_MAX_CONNECTIONS_PER_LOOPBACK_PEER,
                DEFAULT_BODY_TIMEOUT_SECONDS);
    }

    /** These settings with other connection limits, a loopback address bounded like any other peer. */
    public HttpSettings withConnectionLimits(int total, int perPeer, int reservedForLoopback) {
        return withConnectionLimits(total, perPeer, perPeer, reservedForLoopback);
    }

    /** These settings with other connection limits. */
    public HttpSettings withConnectionLimits(int total, int perPeer, int perLoopbackPeer, int reservedForLoopback) {
        return new HttpSettings(
                host,
                port,
                maxBodyBytes,
                workerThreads,
                total,
                idleTimeoutSeconds,
                perPeer,
                reservedForLoopback,
                headerTimeoutSeconds,
                keepAliveIdleSeconds,
                perLoopbackPeer,
                bodyTimeoutSeconds);
    }

    /** These settings with other deadlines (seconds). */
    public HttpSettings withDeadlines(int header, int keepAliveIdle, int idle) {
        return new HttpSettings(
                host,
                port,
                maxBodyBytes,
                workerThreads,
                maxConnections,
                idle,
                maxConnectionsPerPeer,
                loopbackReserve,
                header,
                keepAliveIdle,
                maxConnectionsPerLoopbackPeer,
                bodyTimeoutSeconds);
    }

    /** These settings with another body deadline (seconds after the head). */
    public HttpSettings withBodyDeadline(int seconds) {
        return new HttpSettings(
                host,
                port,
                maxBodyBytes,
                workerThreads,
                maxConnections,
                idleTimeoutSeconds,
                maxConnectionsPerPeer,
                loopbackReserve,
                headerTimeoutSeconds,
                keepAliveIdleSeconds,
                maxConnectionsPerLoopbackPeer,
                seconds);
    }
}
