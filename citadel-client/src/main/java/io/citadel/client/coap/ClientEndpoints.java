package io.citadel.client.coap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.MessageDeliverer;

/**
 * CoAP client endpoints that listen only where they must: one per local address, the one the system routes to
 * the target from (127.0.0.1 for a loopback target), never the wildcard address; and they ignore requests
 * nobody asked for (Californium's default answers each with a reset and an ERROR log line, which lets anyone
 * on the network fill the log). Endpoints are created on first use and kept until {@link #close()}; there are
 * as many as the host has local addresses that targets are reached from.
 */
public final class ClientEndpoints implements AutoCloseable {
    /** Responses to our requests go to them; requests to a client endpoint are dropped without an answer or a log line. */
    public static final MessageDeliverer CLIENT_ONLY = new MessageDeliverer() {
        @Override
        public void deliverRequest(Exchange exchange) {
            exchange.executeComplete(); // forget it: no reset, no log
        }

        @Override
        public void deliverResponse(Exchange exchange, Response response) {
            exchange.getRequest().setResponse(response);
        }
    };

    private final Function<InetSocketAddress, CoapEndpoint> factory;
    private final Map<InetAddress, CoapEndpoint> byLocalAddress = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param factory builds an endpoint (not started) bound to the given local address, port 0 */
    public ClientEndpoints(Function<InetSocketAddress, CoapEndpoint> factory) {
        this.factory = factory;
    }

    /** The started endpoint for requests to {@code host}. */
    public CoapEndpoint toward(String host) throws UnknownHostException {
        InetAddress local = localAddressToward(InetAddress.getByName(host));
        return byLocalAddress.computeIfAbsent(local, a -> {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            CoapEndpoint e = factory.apply(new InetSocketAddress(a, 0));
            e.setMessageDeliverer(CLIENT_ONLY);
            try {
                e.start();
            } catch (IOException ex) {
                e.destroy();
                throw new UncheckedIOException("cannot open a CoAP client endpoint on " + a.getHostAddress(), ex);
            }
            return e;
        });
    }

    /** The local addresses endpoints are bound to (for tests and diagnostics). */
    public java.util.Set<InetSocketAddress> boundAddresses() {
        java.util.Set<InetSocketAddress> out = new java.util.HashSet<>();
        byLocalAddress.values().forEach(e -> out.add(e.getAddress()));
        return out;
    }

    /** The local address the system would send from to reach {@code target} (no packet is sent). */
    public static InetAddress localAddressToward(InetAddress target) {
        if (target.isLoopbackAddress()) {
            return target instanceof java.net.Inet6Address ? loopback6() : loopback4();
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(target, 9); // a UDP connect only picks the route
            InetAddress local = probe.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new UncheckedIOException(new IOException("no route to " + target.getHostAddress()));
            }
            return local;
        } catch (java.net.SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetAddress loopback4() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress loopback6() {
        try {
            return InetAddress.getByName("::1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        byLocalAddress.values().forEach(CoapEndpoint::destroy);
        byLocalAddress.clear();
    }
}
