package io.citadel.binding.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.client.coap.ClientEndpoints;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The CSE's outbound CoAP sockets (issue 14, defect 16): they listen on the local address toward the target
 * only (loopback for a loopback target), not on every interface, and a request sent to them unasked gets no
 * answer (Californium's default answers with a reset and logs an error for each).
 */
class CoapOutboundSocketTest {

    @Test
    void client_sockets_listen_only_toward_their_target_and_ignore_unsolicited_requests() throws Exception {
        CoapServer target = new CoapServer(Configuration.createStandardWithoutFile());
        target.addEndpoint(CoapEndpoint.builder()
                .setConfiguration(Configuration.createStandardWithoutFile())
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0))
                .build());
        target.add(new CoapResource("n") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                exchange.respond(CoAP.ResponseCode.CHANGED);
            }
        });
        target.start();
        try (CoapOutbound outbound = new CoapOutbound(null)) {
            int port = target.getEndpoints().get(0).getAddress().getPort();
            RequestPrimitive notify = RequestPrimitive.builder(Operation.NOTIFY, "/n")
                    .from("/id-in")
                    .requestId("n1")
                    .releaseVersion("3")
                    .content(Map.of("m2m:sgn", Map.of("vrq", true)))
                    .build();
            ResponsePrimitive answer = outbound.send("coap://127.0.0.1:" + port + "/n", notify, Duration.ofSeconds(20))
                    .get();
            assertThat(answer).isNotNull(); // a response came back through the client socket

            assertThat(outbound.boundAddresses()).isNotEmpty().allSatisfy(a -> {
                assertThat(a.getAddress().isAnyLocalAddress()).as(a.toString()).isFalse();
                assertThat(a.getAddress().isLoopbackAddress()).as(a.toString()).isTrue();
            });

            // a request nobody asked for: no reset, no answer at all
            InetSocketAddress client = outbound.boundAddresses().iterator().next();
            Request unsolicited = Request.newGet();
            unsolicited.setType(CoAP.Type.CON);
            unsolicited.setMID(4711);
            unsolicited.setToken(new byte[] {1, 2, 3, 4});
            unsolicited.setURI("coap://127.0.0.1/x");
            byte[] bytes = new UdpDataSerializer().getByteArray(unsolicited);
            try (DatagramSocket attacker =
                    new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                attacker.setSoTimeout(1_000);
                attacker.send(new DatagramPacket(bytes, bytes.length, client));
                assertThatThrownBy(() -> attacker.receive(new DatagramPacket(new byte[1500], 1500)))
                        .isInstanceOf(SocketTimeoutException.class);
            }
            // and the socket still serves its own requests
            assertThat(outbound.send("coap://127.0.0.1:" + port + "/n", notify, Duration.ofSeconds(20))
                            .get())
                    .isNotNull();
        } finally {
            target.destroy();
        }
    }

    @Test
    void the_local_address_is_the_one_toward_the_target() throws Exception {
        assertThat(ClientEndpoints.localAddressToward(InetAddress.getByName("127.0.0.1"))
                        .getHostAddress())
                .isEqualTo("127.0.0.1");
        assertThat(ClientEndpoints.localAddressToward(InetAddress.getByName("127.0.0.9"))
                        .isLoopbackAddress())
                .isTrue();
    }
}
