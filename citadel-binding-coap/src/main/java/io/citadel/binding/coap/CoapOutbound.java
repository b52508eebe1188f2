package io.citadel.binding.coap;

import io.citadel.client.coap.ClientEndpoints;
import io.citadel.client.coap.CoapOptions;
import io.citadel.client.coap.CoapRequests;
import io.citadel.client.coap.DtlsCertificates;
import io.citadel.client.coap.DtlsClients;
import io.citadel.engine.hierarchy.OutboundRequests;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * Requests the CSE originates to {@code coap://} and {@code coaps://} targets (notifications to an AE's
 * CoAP point of access): a CON request with the oneM2M options, completed by the response's oneM2M-RSC.
 * Over DTLS the CSE shows its certificate and the target must show one its trust anchors accept (as for
 * HTTPS targets, there is no unauthenticated DTLS); without a CSE certificate, {@code coaps://} targets fail.
 * The client sockets listen only on the local address toward each target and ignore requests sent to them
 * ({@link ClientEndpoints}).
 */
public final class CoapOutbound implements OutboundRequests, AutoCloseable {
    private final ClientEndpoints endpoints;
    private final ClientEndpoints secure;

    /** {@code coap://} targets, and {@code coaps://} ones when {@code certificates} (this CSE's) is not null. */
    public CoapOutbound(DtlsCertificates certificates) {
        CoapConfig.register();
        UdpConfig.register();
        CoapOptions.install();
        Configuration config = Configuration.createStandardWithoutFile();
        this.endpoints = new ClientEndpoints(local -> CoapEndpoint.builder()
                .setConfiguration(config)
                .setInetSocketAddress(local)
                .build());
        this.secure = certificates == null
                ? null
                : new ClientEndpoints(local -> DtlsClients.certificate(certificates, local));
    }

    /** The local addresses the plain client endpoints listen on (one per interface targets were reached from). */
    java.util.Set<InetSocketAddress> boundAddresses() {
        return endpoints.boundAddresses();
    }

    @Override
    public CompletableFuture<ResponsePrimitive> send(String uri, RequestPrimitive req, Duration timeout) {
        URI target;
        try {
            target = URI.create(uri);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        String scheme = String.valueOf(target.getScheme()).toLowerCase(Locale.ROOT);
        ClientEndpoints endpointsFor = scheme.equals("coap") ? endpoints : scheme.equals("coaps") ? secure : null;
        if (endpointsFor == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    scheme.equals("coaps")
                            ? "coaps:// targets need this CSE's certificate (--tls-cert/--tls-key): " + uri
                            : "only coap:// and coaps:// targets: " + uri));
        }
        CoapEndpoint via;
        try {
            via = endpointsFor.toward(target.getHost());
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(new IOException("cannot reach " + uri + ": " + e.getMessage()));
        }
        Request coap = new Request(CoapRequests.method(req.operation()), CoAP.Type.CON);
        coap.setURI(target);
        CoapRequests.addPrimitive(coap, req);
        CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        coap.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onResponse(Response response) {
                answer.complete(CoapRequests.primitiveOf(response, req));
            }

            @Override
            public void onTimeout() {
                answer.completeExceptionally(new TimeoutException("no CoAP response from " + uri));
            }

            @Override
            public void onReject() {
                answer.completeExceptionally(new IOException("CoAP request rejected by " + uri));
            }

            @Override
            protected void failed() {
                answer.completeExceptionally(new IOException("CoAP request to " + uri + " failed"));
            }
        });
        via.sendRequest(coap);
        return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
            if (e != null) {
                coap.cancel();
            }
        });
    }

    @Override
    public void close() {
        endpoints.close();
        if (secure != null) {
            secure.close();
        }
    }
}
