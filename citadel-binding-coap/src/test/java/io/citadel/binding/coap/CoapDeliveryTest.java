package io.citadel.binding.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.coap.CoapOptions;
import io.citadel.engine.hierarchy.EntityConnections;
import io.citadel.engine.pipeline.InboundPort;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CoAP binding end to end on loopback with a stub engine: decoding errors and an unsupported Accept answered
 * with the oneM2M status and the request's RQI, datagrams Californium cannot parse answered 4.00 / 4000, and the
 * response in the serialization the Accept option asks for.
 */
class CoapDeliveryTest {
    static InboundPort port;
    static CoapBinding binding;
    static CoapEndpoint client;
    static final List<RequestPrimitive> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        port = InboundPort.open(
                (request, context) -> {
                    seen.add(request);
                    return ResponsePrimitive.of(
                            ResponseStatusCode.OK, request, Map.of("m2m:dbg", "seen " + request.to()));
                },
                new EntityConnections(s -> s),
                "coap-test",
                1,
                16);
        binding = new CoapBinding(port, new CoapSettings("127.0.0.1", 0, null, 4096, 1), null);
        client = CoapEndpoint.builder()
                .setConfiguration(Configuration.createStandardWithoutFile())
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0))
                .build();
        client.start();
    }

    @AfterAll
    static void stop() {
        client.destroy();
        binding.close();
        port.close();
    }

    private static Request get(String rqi) {
        Request r = Request.newGet();
        r.setURI(URI.create("coap://127.0.0.1:" + binding.port() + "/cse-in"));
        r.getOptions().addOtherOption(new Option(CoapOptions.FR, "Cae1"));
        r.getOptions().addOtherOption(new Option(CoapOptions.RQI, rqi));
        r.getOptions().addOtherOption(new Option(CoapOptions.RVI, "3"));
        return r;
    }

    private static Response exchange(Request r) throws InterruptedException {
        client.sendRequest(r);
        Response response = r.waitForResponse(5_000);
        assertThat(response).as("a response").isNotNull();
        return response;
    }

    @Test
    void an_accept_the_cse_cannot_produce_gets_4_06_with_5207_and_the_rqi() throws Exception {
        Request r = get("acc1");
        r.getOptions().setAccept(0); // text/plain
        Response response = exchange(r);
        assertThat(response.getCode()).isEqualTo(CoAP.ResponseCode.NOT_ACCEPTABLE);
        assertThat(CoapOptions.integer(response.getOptions(), CoapOptions.RSC)).isEqualTo(5207);
        assertThat(CoapOptions.text(response.getOptions(), CoapOptions.RQI, null))
                .isEqualTo("acc1");
        assertThat(seen).noneMatch(p -> "acc1".equals(p.requestId()));
    }

    @Test
    void a_request_that_does_not_decode_gets_its_status_its_rqi_and_rvi_in_json() throws Exception {
        Request r = get("bad1");
        r.getOptions().addUriQuery("rcn"); // not name=value
        r.getOptions().setAccept(60); // the error is still JSON: the Accept check comes after decoding
        Response response = exchange(r);
        assertThat(response.getCode()).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
        assertThat(CoapOptions.integer(response.getOptions(), CoapOptions.RSC)).isEqualTo(4000);
        assertThat(CoapOptions.text(response.getOptions(), CoapOptions.RQI, null))
                .isEqualTo("bad1");
        assertThat(CoapOptions.text(response.getOptions(), CoapOptions.RVI, null))
                .isEqualTo("3");
        assertThat(response.getOptions().getContentFormat()).isEqualTo(50);
        assertThat(seen).noneMatch(p -> "bad1".equals(p.requestId()));
    }

    @Test
    void an_option_longer_than_its_definition_gets_4_00_with_4000_and_our_message() throws Exception {
        ByteArrayOutputStream datagram = new ByteArrayOutputStream();
        datagram.writeBytes(new byte[] {0x40, 0x01, 0x12, 0x34}); // CON GET, MID 0x1234, no token
        datagram.write(0xb6); // Uri-Path (11), 6 bytes
        datagram.writeBytes("cse-in".getBytes(StandardCharsets.US_ASCII));
        datagram.write(0xd6); // delta 13 + 247 = 260 -> oneM2M-RVI (271), 6 bytes where 4 at most are allowed
        datagram.write(247);
        datagram.writeBytes("123456".getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = datagram.toByteArray();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(5_000);
            s.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", binding.port())));
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            s.receive(in);
            Response response =
                    (Response) new UdpDataParser().parseMessage(java.util.Arrays.copyOf(in.getData(), in.getLength()));
            assertThat(response.getCode()).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
            assertThat(response.getMID()).isEqualTo(0x1234);
            assertThat(CoapOptions.integer(response.getOptions(), CoapOptions.RSC))
                    .isEqualTo(4000);
            assertThat(ContentCodec.of(Serialization.JSON).decode(response.getPayload()))
                    .isEqualTo(Map.of("m2m:dbg", "malformed CoAP request"));
        }
    }

    @Test
    void a_good_request_reaches_the_engine_and_is_answered_in_the_accepted_serialization() throws Exception {
        Request r = get("ok1");
        r.getOptions().setAccept(60);
        Response response = exchange(r);
        assertThat(response.getCode()).isEqualTo(CoAP.ResponseCode.CONTENT);
        assertThat(CoapOptions.integer(response.getOptions(), CoapOptions.RSC)).isEqualTo(2000);
        assertThat(CoapOptions.text(response.getOptions(), CoapOptions.RQI, null))
                .isEqualTo("ok1");
        assertThat(response.getOptions().getContentFormat()).isEqualTo(60);
        assertThat(ContentCodec.of(Serialization.CBOR).decode(response.getPayload()))
                .isEqualTo(Map.of("m2m:dbg", "seen cse-in"));
        assertThat(seen).anySatisfy(p -> {
            assertThat(p.requestId()).isEqualTo("ok1");
            assertThat(p.from()).isEqualTo("Cae1");
        });
    }
}
