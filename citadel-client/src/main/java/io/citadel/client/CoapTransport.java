package io.citadel.client;

import io.citadel.client.coap.ClientEndpoints;
import io.citadel.client.coap.CoapOptions;
import io.citadel.client.coap.CoapRequests;
import io.citadel.client.coap.DtlsCertificates;
import io.citadel.client.coap.DtlsClients;
import io.citadel.client.coap.DtlsServerConfig;
import io.citadel.protocol.Operation;
import io.citadel.protocol.QueryParameters;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.X509TrustManager;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;

/**
 * The CoAP binding (TS-0008) for an AE, over plain UDP or DTLS 1.2 with a pre-shared key or a certificate; notifications
 * arrive at a small CoAP server of the AE's own ({@link #receive}).
 */
public final class CoapTransport implements OneM2mTransport {
    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        CoapOptions.install();
    }

    private final String base;
    private final CoapEndpoint endpoint;
    private final DtlsCertificates certificates;
    private CoapServer receiver;

    private CoapTransport(String base, CoapEndpoint endpoint, DtlsCertificates certificates) {
        this.base = base;
        this.endpoint = endpoint;
        this.certificates = certificates;
        try {
            endpoint.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CoapTransport plain(String host, int port) {
        CoapEndpoint endpoint = CoapEndpoint.builder()
                .setConfiguration(Configuration.createStandardWithoutFile())
                .setInetSocketAddress(localToward(host))
                .build();
        endpoint.setMessageDeliverer(ClientEndpoints.CLIENT_ONLY);
        return new CoapTransport("coap://" + host + ":" + port, endpoint, null);
    }

    /** The local address toward the CSE, any port: the client socket does not listen on every interface. */
    private static InetSocketAddress localToward(String host) {
        try {
            return new InetSocketAddress(ClientEndpoints.localAddressToward(java.net.InetAddress.getByName(host)), 0);
        } catch (java.net.UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CoAP over DTLS with the pre-shared key {@code key} for {@code identity} (TLS_PSK_WITH_AES_128_CCM_8 first). */
    public static CoapTransport psk(String host, int port, String identity, byte[] key) {
        return new CoapTransport(
                "coaps://" + host + ":" + port, DtlsClients.psk(identity, key, localToward(host)), null);
    }

    /** CoAP over DTLS with the AE's raw public key (RFC 7250); the CSE's certificate must satisfy {@code trust}. */
    public static CoapTransport rawPublicKey(
            String host, int port, java.security.KeyPair keys, X509TrustManager trust) {
        return new CoapTransport(
                "coaps://" + host + ":" + port, DtlsClients.rawPublicKey(keys, trust, localToward(host)), null);
    }

    /**
     * CoAP over DTLS with the AE's certificate (an AE-ID certificate binds its originator); the CSE's must
     * satisfy {@code trust}. Notifications then arrive over DTLS too, from a CSE showing a certificate
     * {@code trust} accepts ({@link #receive}).
     */
    public static CoapTransport certificate(
            String host, int port, PrivateKey key, List<X509Certificate> chain, X509TrustManager trust) {
        DtlsCertificates mine = new DtlsCertificates(key, chain, trust, null);
        return new CoapTransport(
                "coaps://" + host + ":" + port, DtlsClients.certificate(mine, localToward(host)), mine);
    }

    @Override
    public ResponsePrimitive send(RequestPrimitive r, Duration timeout) {
        Request coap = new Request(CoapRequests.method(r.operation()), CoAP.Type.CON);
        coap.setURI(URI.create(base));
        String to = r.to();
        if (to.startsWith("//")) {
            coap.getOptions().addUriPath("_");
            to = to.substring(2);
        } else if (to.startsWith("/")) {
            coap.getOptions().addUriPath("~");
            to = to.substring(1);
        }
        for (String segment : to.split("/")) {
            coap.getOptions().addUriPath(segment);
        }
        for (Map.Entry<String, String> q : QueryParameters.encode(r)) {
            coap.getOptions().addUriQuery(q.getKey() + "=" + q.getValue());
        }
        if (r.responseType() != null) {
            coap.getOptions().addUriQuery("rt=" + r.responseType());
        }
        CoapRequests.addPrimitive(coap, r);
        endpoint.sendRequest(coap);
        try {
            Response response = coap.waitForResponse(timeout.toMillis());
            if (response == null) {
                coap.cancel();
                throw new UncheckedIOException(new IOException("no CoAP response to " + r.requestId()));
            }
            return CoapRequests.primitiveOf(response, r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts the AE's CoAP server on loopback (over DTLS with the AE's certificate when this transport has
     * one, requiring the CSE's); every POST becomes a NOTIFY for {@code handler}.
     */
    @Override
    public synchronized String receive(Function<RequestPrimitive, ResponsePrimitive> handler) {
        if (receiver != null) {
            receiver.destroy();
        }
        receiver = new CoapServer(Configuration.createStandardWithoutFile());
        CoapEndpoint local = certificates == null
                ? CoapEndpoint.builder()
                        .setConfiguration(Configuration.createStandardWithoutFile())
                        .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0))
                        .build()
                : DtlsServerConfig.certificateEndpoint(new InetSocketAddress("127.0.0.1", 0), certificates);
        receiver.addEndpoint(local);
        receiver.setMessageDeliverer(new MessageDeliverer() {
            @Override
            public void deliverRequest(Exchange exchange) {
                Request in = exchange.getRequest();
                var o = in.getOptions();
                RequestPrimitive.Builder b = RequestPrimitive.builder(Operation.NOTIFY, o.getUriPathString())
                        .from(
                                o.getOtherOption(CoapOptions.FR) == null
                                        ? null
                                        : o.getOtherOption(CoapOptions.FR).getStringValue())
                        .requestId(
                                o.getOtherOption(CoapOptions.RQI) == null
                                        ? null
                                        : o.getOtherOption(CoapOptions.RQI).getStringValue());
                if (in.getPayloadSize() > 0) {
                    b.content(ContentCodec.of(Serialization.JSON).decode(in.getPayload()));
                }
                ResponsePrimitive rsp = handler.apply(b.build());
                Response out = new Response(
                        CoAP.ResponseCode.valueOfText(rsp.status().coapCode().orElse("2.04")));
                out.getOptions()
                        .addOtherOption(new Option(CoapOptions.RSC, rsp.status().code()));
                if (rsp.requestId() != null) {
                    out.getOptions().addOtherOption(new Option(CoapOptions.RQI, rsp.requestId()));
                }
                exchange.sendResponse(out);
            }

            @Override
            public void deliverResponse(Exchange exchange, Response response) {
                exchange.getRequest().setResponse(response);
            }
        });
        receiver.start();
        return (certificates == null ? "coap" : "coaps") + "://127.0.0.1:"
                + local.getAddress().getPort() + "/notify";
    }

    @Override
    public synchronized void close() {
        if (receiver != null) {
            receiver.destroy();
        }
        endpoint.destroy();
    }
}
