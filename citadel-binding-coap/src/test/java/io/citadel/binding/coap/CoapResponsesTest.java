package io.citadel.binding.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.coap.CoapOptions;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Response primitive → CoAP response (TS-0008 §6.3): the CoAP code from the status table, oneM2M-RSC/-RQI/-RVI/-ATI,
 * Location-Path for a created resource, Max-Age 0, the payload in the requested serialization with its
 * Content-Format.
 */
class CoapResponsesTest {

    @BeforeAll
    static void options() {
        CoapOptions.install();
    }

    @ParameterizedTest
    @EnumSource(ResponseStatusCode.class)
    void every_status_gets_a_coap_code_californium_knows_and_its_rsc(ResponseStatusCode status) {
        Response coap = CoapResponses.encode(ResponsePrimitive.error(status, "q1", "3", "m"), Serialization.JSON);
        String expected = status.coapCode().orElse(status.isSuccess() ? "2.05" : "5.00");
        assertThat(coap.getCode()).isEqualTo(CoAP.ResponseCode.valueOfText(expected));
        assertThat(CoapOptions.integer(coap.getOptions(), CoapOptions.RSC)).isEqualTo(status.code());
    }

    @Test
    void an_error_without_rqi_or_rvi_carries_neither_option() {
        Response coap = CoapResponses.encode(
                ResponsePrimitive.error(ResponseStatusCode.BAD_REQUEST, null, null, "bad"), Serialization.JSON);
        assertThat(coap.getCode()).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
        assertThat(coap.getOptions().getOtherOption(CoapOptions.RQI)).isNull();
        assertThat(coap.getOptions().getOtherOption(CoapOptions.RVI)).isNull();
        assertThat(coap.getOptions().getOtherOption(CoapOptions.ATI)).isNull();
        assertThat(ContentCodec.of(Serialization.JSON).decode(coap.getPayload()))
                .isEqualTo(Map.of("m2m:dbg", "bad"));
    }

    @Test
    void a_created_resource_gets_location_path_segments_rqi_rvi_and_no_caching() {
        ResponsePrimitive created = new ResponsePrimitive(
                ResponseStatusCode.CREATED,
                "c1",
                "3",
                Map.of("m2m:cnt", Map.of("rn", "box")),
                "/id-in/cse-in/ae1/box",
                Map.of("lt1", "tk1"));
        Response coap = CoapResponses.encode(created, Serialization.JSON);
        assertThat(coap.getCode()).isEqualTo(CoAP.ResponseCode.CREATED);
        assertThat(coap.getOptions().getLocationPath()).containsExactly("id-in", "cse-in", "ae1", "box");
        assertThat(CoapOptions.text(coap.getOptions(), CoapOptions.RQI, null)).isEqualTo("c1");
        assertThat(CoapOptions.text(coap.getOptions(), CoapOptions.RVI, null)).isEqualTo("3");
        assertThat(CoapOptions.text(coap.getOptions(), CoapOptions.ATI, null)).isEqualTo("lt1:tk1");
        assertThat(coap.getOptions().getMaxAge()).isZero();
    }

    @Test
    void the_payload_uses_the_requested_serialization_and_names_it() {
        ResponsePrimitive ok = new ResponsePrimitive(
                ResponseStatusCode.OK, "r1", "3", Map.of("m2m:cnt", Map.of("cni", 1L)), null, null);
        Response cbor = CoapResponses.encode(ok, Serialization.CBOR);
        assertThat(cbor.getOptions().getContentFormat()).isEqualTo(60);
        assertThat(ContentCodec.of(Serialization.CBOR).decode(cbor.getPayload()))
                .isInstanceOf(Map.class);
        Response xml = CoapResponses.encode(ok, Serialization.XML);
        assertThat(xml.getOptions().getContentFormat()).isEqualTo(41);
        assertThat(xml.getPayloadString()).contains("m2m:cnt");

        Response empty = CoapResponses.encode(
                new ResponsePrimitive(ResponseStatusCode.DELETED, "d1", null, null, null, null), Serialization.JSON);
        assertThat(empty.getCode()).isEqualTo(CoAP.ResponseCode.DELETED);
        assertThat(empty.getPayloadSize()).isZero();
        assertThat(empty.getOptions().hasContentFormat()).isFalse();
    }
}
