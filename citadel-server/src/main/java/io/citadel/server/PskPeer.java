package io.citadel.server;

import io.citadel.client.tls.PskHttpConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The registrar CSE reached over TLS-PSK (the JDK's HTTP client cannot do PSK): a few keep-alive
 * connections to its point of access, each with this CSE's KpsaID and key, taken one request at a time.
 */
final class PskPeer implements AutoCloseable {
    private static final int CONNECTIONS = 4;
    private final String host;
    private final int port;
    private final BlockingQueue<PskHttpConnection> idle = new ArrayBlockingQueue<>(CONNECTIONS);

    /** @param pointOfAccess the registrar's {@code https://host:port/} (its TLS-PSK listener) */
    PskPeer(String pointOfAccess, String identity, byte[] key) {
        URI poa = URI.create(pointOfAccess);
        if (!"https".equalsIgnoreCase(poa.getScheme()) || poa.getHost() == null || poa.getPort() < 0) {
            throw new IllegalArgumentException(
                    "a registrar reached with a PSK needs an https://host:port/ point of access");
        }
        this.host = poa.getHost();
        this.port = poa.getPort();
        for (int i = 0; i < CONNECTIONS; i++) {
            idle.add(new PskHttpConnection(host, port, identity, key));
        }
    }

    /** Whether {@code uri} is at this peer (same scheme, host and port). */
    boolean serves(String uri) {
        try {
            URI u = URI.create(uri);
            return "https".equalsIgnoreCase(u.getScheme())
                    && host.equalsIgnoreCase(String.valueOf(u.getHost()))
                    && port == u.getPort();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** One exchange on a free connection (waiting for one at most {@code timeout}); blocking. */
    PskHttpConnection.Reply exchange(
            String method, String pathAndQuery, Map<String, String> headers, byte[] body, Duration timeout) {
        PskHttpConnection c;
        try {
            c = idle.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        if (c == null) {
            throw new java.util.concurrent.CompletionException(
                    new TimeoutException("no free TLS-PSK connection to " + host + ":" + port));
        }
        try {
            return c.exchange(method.toUpperCase(Locale.ROOT), pathAndQuery, headers, body, timeout);
        } catch (java.net.SocketTimeoutException e) {
            c.close();
            throw new java.util.concurrent.CompletionException(
                    new TimeoutException("no response within " + timeout.toMillis() + " ms"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            idle.offer(c);
        }
    }

    @Override
    public void close() {
        idle.forEach(PskHttpConnection::close);
    }
}
