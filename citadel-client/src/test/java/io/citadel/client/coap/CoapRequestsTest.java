package io.citadel.client.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK's primitive ↔ CoAP mapping (TS-0008 §6): a response without a known oneM2M-RSC is a 5000 naming the CoAP
 * code, not an exception; the legacy RSC number is read; options and payload of a request are set from the primitive.
 */
class CoapRequestsTest {
    private static final RequestPrimitive RETRIEVE = RequestPrimitive.builder(Operation.RETRIEVE, "cse-in")
            .from("Cae1")
            .requestId("r1")
            .releaseVersion("3")
            .build();

    @BeforeAll
    static void options() {
        CoapOptions.install();
    }

    @Test
    void a_response_without_rsc_is_a_5000_naming_the_coap_code() {
        ResponsePrimitive rsp = CoapRequests.primitiveOf(new Response(CoAP.ResponseCode.NOT_FOUND), RETRIEVE);
        assertThat(rsp.status()).isEqualTo(ResponseStatusCode.INTERNAL_SERVER_ERROR);
        assertThat(rsp.requestId()).isEqualTo("r1");
        assertThat(rsp.releaseVersion()).isEqualTo("3");
        assertThat(String.valueOf(rsp.content())).contains("4.04").contains("oneM2M-RSC");
    }

    @Test
    void a_response_with_an_unknown_rsc_is_a_5000() {
        Response coap = new Response(CoAP.ResponseCode.CONTENT);
        coap.getOptions().addOtherOption(new Option(CoapOptions.RSC, 9999));
        assertThat(CoapRequests.primitiveOf(coap, RETRIEVE).status())
                .isEqualTo(ResponseStatusCode.INTERNAL_SERVER_ERROR);
    }

    @Test
    void a_payload_that_is_not_its_content_format_is_a_5000_not_an_exception() {
        Response coap = new Response(CoAP.ResponseCode.CONTENT);
        coap.getOptions().addOtherOption(new Option(CoapOptions.RSC, 2000));
        coap.getOptions().setContentFormat(50); // JSON
        coap.setPayload("{\"m2m:cnt\": [unterminated");
        ResponsePrimitive rsp = CoapRequests.primitiveOf(coap, RETRIEVE);
        assertThat(rsp.status()).isEqualTo(ResponseStatusCode.INTERNAL_SERVER_ERROR);
        assertThat(rsp.content().toString()).contains("the CoAP peer answered content that is not JSON");
    }

    @Test
    void reads_the_legacy_rsc_and_rqi_numbers() {
        Response coap = new Response(CoAP.ResponseCode.DELETED);
        coap.getOptions().addOtherOption(new Option(CoapOptions.LEGACY_RSC, 2002));
        coap.getOptions().addOtherOption(new Option(CoapOptions.LEGACY_RQI, "old"));
        ResponsePrimitive rsp = CoapRequests.primitiveOf(coap, RETRIEVE);
        assertThat(rsp.status()).isEqualTo(ResponseStatusCode.DELETED);
        assertThat(rsp.requestId()).isEqualTo("old");
        assertThat(rsp.content()).isNull();
    }

    @Test
    void decodes_the_payload_in_its_content_format() {
        Response coap = new Response(CoAP.ResponseCode.CONTENT);
        coap.getOptions().addOtherOption(new Option(CoapOptions.RSC, 2000));
        coap.getOptions().addOtherOption(new Option(CoapOptions.RQI, "r1"));
        coap.getOptions().addOtherOption(new Option(CoapOptions.RVI, "3"));
        coap.getOptions().setContentFormat(60);
        coap.setPayload(ContentCodec.of(Serialization.CBOR).encode(Map.of("m2m:cnt", Map.of("cni", 2L))));
        ResponsePrimitive rsp = CoapRequests.primitiveOf(coap, RETRIEVE);
        assertThat(rsp.status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(rsp.requestId()).isEqualTo("r1");
        assertThat(rsp.releaseVersion()).isEqualTo("3");
        assertThat(rsp.content()).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) rsp.content()).get("m2m:cnt")).isInstanceOf(Map.class);
    }

    @Test
    void maps_operations_to_methods() {
        assertThat(CoapRequests.method(Operation.CREATE)).isEqualTo(CoAP.Code.POST);
        assertThat(CoapRequests.method(Operation.NOTIFY)).isEqualTo(CoAP.Code.POST);
        assertThat(CoapRequests.method(Operation.RETRIEVE)).isEqualTo(CoAP.Code.GET);
        assertThat(CoapRequests.method(Operation.UPDATE)).isEqualTo(CoAP.Code.PUT);
        assertThat(CoapRequests.method(Operation.DELETE)).isEqualTo(CoAP.Code.DELETE);
    }

    @Test
    void sets_the_onem2m_options_and_a_json_payload_from_the_primitive() {
        Request coap = new Request(CoAP.Code.POST);
        CoapRequests.addPrimitive(
                coap,
                RequestPrimitive.builder(Operation.CREATE, "cse-in")
                        .from("Cae1")
                        .requestId("c1")
                        .releaseVersion("3")
                        .resourceType(3)
                        .content(Map.of("m2m:cnt", Map.of("rn", "box")))
                        .build());
        assertThat(CoapOptions.text(coap.getOptions(), CoapOptions.FR, null)).isEqualTo("Cae1");
        assertThat(CoapOptions.text(coap.getOptions(), CoapOptions.RQI, null)).isEqualTo("c1");
        assertThat(CoapOptions.text(coap.getOptions(), CoapOptions.RVI, null)).isEqualTo("3");
        assertThat(CoapOptions.integer(coap.getOptions(), CoapOptions.TY)).isEqualTo(3);
        assertThat(coap.getOptions().getContentFormat()).isEqualTo(50);
        assertThat(coap.getOptions().getAccept()).isEqualTo(50);
        assertThat(ContentCodec.of(Serialization.JSON).decode(coap.getPayload()))
                .isEqualTo(Map.of("m2m:cnt", Map.of("rn", "box")));

        Request bare = new Request(CoAP.Code.GET);
        CoapRequests.addPrimitive(
                bare, RequestPrimitive.builder(Operation.RETRIEVE, "cse-in").build());
        assertThat(bare.getOptions().getOtherOption(CoapOptions.FR)).isNull();
        assertThat(bare.getOptions().getOtherOption(CoapOptions.RQI)).isNull();
        assertThat(bare.getOptions().hasContentFormat()).isFalse();
        assertThat(bare.getPayloadSize()).isZero();
    }
}
