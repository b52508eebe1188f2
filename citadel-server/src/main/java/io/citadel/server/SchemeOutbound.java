package io.citadel.server;

import io.citadel.engine.hierarchy.OutboundRequests;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's one outbound port, dispatching on the target's URI scheme: {@code http}/{@code https} to
 * the HTTP client, {@code coap} to the CoAP client, {@code mqtt} to the MQTT client, each registered when
 * its binding is configured. An unknown scheme fails the request at once.
 */
final class SchemeOutbound implements OutboundRequests, AutoCloseable {
    private final HttpOutbound http;
    private final Map<String, OutboundRequests> others = new ConcurrentHashMap<>();

    SchemeOutbound(HttpOutbound http) {
        this.http = http;
    }

    void register(String scheme, OutboundRequests outbound) {
        others.put(scheme, outbound);
    }

    private OutboundRequests of(String uri) {
        int colon = uri.indexOf("://");
        String scheme = colon <= 0 ? "" : uri.substring(0, colon).toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https") ? http : others.get(scheme);
    }

    @Override
    public CompletableFuture<ResponsePrimitive> send(String uri, RequestPrimitive request, Duration timeout) {
        OutboundRequests via = of(uri);
        return via == null
                ? CompletableFuture.failedFuture(new IllegalArgumentException("no binding for " + uri))
                : via.send(uri, request, timeout);
    }

    @Override
    public CompletableFuture<ResponsePrimitive> forward(
            String pointOfAccess, String peerCseId, RequestPrimitive request, Duration timeout) {
        OutboundRequests via = of(pointOfAccess);
        return via == null
                ? CompletableFuture.failedFuture(new IllegalArgumentException("no binding for " + pointOfAccess))
                : via.forward(pointOfAccess, peerCseId, request, timeout);
    }

    @Override
    public void close() {
        http.close();
        // one client may serve several schemes (coap and coaps): closed once
        java.util.Set<OutboundRequests> distinct =
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        distinct.addAll(others.values());
        for (OutboundRequests o : distinct) {
            if (o instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing anyway
                }
            }
        }
    }
}
