package io.citadel.binding.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.citadel.client.coap.CoapOptions;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.Request;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CoAP request → request primitive (TS-0008 §6): method and {@code op} to the operation, Uri-Path to {@code To},
 * the oneM2M options (current and legacy numbers) to their parameters, Content-Format to the serialization; every
 * malformed part refused with its oneM2M status. Californium {@link Request} objects, no sockets.
 */
class CoapRequestDecoderTest {
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

    @BeforeAll
    static void options() {
        CoapOptions.install();
    }

    private static Request request(CoAP.Code code, String... path) {
        Request r = new Request(code);
        for (String segment : path) {
            r.getOptions().addUriPath(segment);
        }
        r.getOptions().addOtherOption(new Option(CoapOptions.FR, "Cae1"));
        r.getOptions().addOtherOption(new Option(CoapOptions.RQI, "q1"));
        return r;
    }

    private static ResponseStatusCode refusal(Request r) {
        return catchThrowableOfType(OneM2mException.class, () -> CoapRequestDecoder.decode(r, NOW))
                .status();
    }

    @Test
    void refuses_a_request_without_or_with_unsafe_uri_path_with_4000() {
        assertThat(refusal(request(CoAP.Code.GET))).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(refusal(request(CoAP.Code.GET, "cse-in", ".."))).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(refusal(request(CoAP.Code.GET, "cse-in", "."))).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(refusal(request(CoAP.Code.GET, "cse-in", "a\\b"))).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(refusal(request(CoAP.Code.GET, "~"))).as("~ alone").isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(refusal(request(CoAP.Code.GET, "_"))).as("_ alone").isEqualTo(ResponseStatusCode.BAD_REQUEST);
    }

    @Test
    void refuses_a_misplaced_or_bad_op_parameter_and_methods_outside_onem2m() {
        Request onGet = request(CoAP.Code.GET, "cse-in");
        onGet.getOptions().addUriQuery("op=2");
        assertThat(refusal(onGet)).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        Request outOfRange = request(CoAP.Code.POST, "cse-in");
        outOfRange.getOptions().addUriQuery("op=6");
        assertThat(refusal(outOfRange)).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        Request twice = request(CoAP.Code.POST, "cse-in");
        twice.getOptions().addUriQuery("op=2").addUriQuery("op=2");
        assertThat(refusal(twice)).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(refusal(request(CoAP.Code.FETCH, "cse-in"))).isEqualTo(ResponseStatusCode.OPERATION_NOT_ALLOWED);
        assertThat(refusal(request(CoAP.Code.PATCH, "cse-in"))).isEqualTo(ResponseStatusCode.OPERATION_NOT_ALLOWED);
    }

    @Test
    void refuses_a_query_option_that_is_not_name_value_with_4000() {
        Request r = request(CoAP.Code.GET, "cse-in");
        r.getOptions().addUriQuery("rcn");
        assertThat(refusal(r)).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        Request noName = request(CoAP.Code.GET, "cse-in");
        noName.getOptions().addUriQuery("=4");
        assertThat(refusal(noName)).isEqualTo(ResponseStatusCode.BAD_REQUEST);
    }

    @Test
    void refuses_a_payload_without_or_with_an_unknown_content_format_with_4015() {
        Request none = request(CoAP.Code.POST, "cse-in");
        none.setPayload("{}");
        assertThat(refusal(none)).isEqualTo(ResponseStatusCode.UNSUPPORTED_MEDIA_TYPE);
        Request text = request(CoAP.Code.POST, "cse-in");
        text.setPayload("{}");
        text.getOptions().setContentFormat(0); // text/plain
        assertThat(refusal(text)).isEqualTo(ResponseStatusCode.UNSUPPORTED_MEDIA_TYPE);
    }

    @Test
    void refuses_a_payload_that_does_not_parse_in_its_content_format_with_4000() {
        Request r = request(CoAP.Code.POST, "cse-in");
        r.getOptions().addOtherOption(new Option(CoapOptions.TY, 2));
        r.getOptions().setContentFormat(50);
        r.setPayload("{\"m2m:ae\": ");
        assertThat(refusal(r)).isEqualTo(ResponseStatusCode.BAD_REQUEST);
    }

    @Test
    void refuses_malformed_timestamps_and_unsupported_group_options() {
        Request rqet = request(CoAP.Code.GET, "cse-in");
        rqet.getOptions().addOtherOption(new Option(CoapOptions.RQET, "tomorrow"));
        assertThat(refusal(rqet)).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        Request ot = request(CoAP.Code.GET, "cse-in");
        ot.getOptions().addOtherOption(new Option(CoapOptions.OT, "yesterday"));
        assertThat(refusal(ot)).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        Request gid = request(CoAP.Code.GET, "cse-in");
        gid.getOptions().addOtherOption(new Option(CoapOptions.GID, "g1"));
        assertThat(refusal(gid)).isEqualTo(ResponseStatusCode.NOT_IMPLEMENTED);
    }

    @Test
    void maps_methods_and_op_to_operations() {
        assertThat(CoapRequestDecoder.decode(request(CoAP.Code.GET, "cse-in"), NOW)
                        .primitive()
                        .operation())
                .isEqualTo(Operation.RETRIEVE);
        assertThat(CoapRequestDecoder.decode(request(CoAP.Code.PUT, "cse-in"), NOW)
                        .primitive()
                        .operation())
                .isEqualTo(Operation.UPDATE);
        assertThat(CoapRequestDecoder.decode(request(CoAP.Code.DELETE, "cse-in"), NOW)
                        .primitive()
                        .operation())
                .isEqualTo(Operation.DELETE);
        assertThat(CoapRequestDecoder.decode(request(CoAP.Code.POST, "cse-in"), NOW)
                        .primitive()
                        .operation())
                .as("POST without oneM2M-TY")
                .isEqualTo(Operation.NOTIFY);
        Request create = request(CoAP.Code.POST, "cse-in");
        create.getOptions().addOtherOption(new Option(CoapOptions.TY, 3));
        var created = CoapRequestDecoder.decode(create, NOW).primitive();
        assertThat(created.operation()).isEqualTo(Operation.CREATE);
        assertThat(created.resourceType()).isEqualTo(3);
        Request viaOp = request(CoAP.Code.POST, "cse-in");
        viaOp.getOptions().addUriQuery("op=4");
        assertThat(CoapRequestDecoder.decode(viaOp, NOW).primitive().operation())
                .isEqualTo(Operation.DELETE);
    }

    @Test
    void maps_the_uri_path_to_cse_relative_sp_relative_and_absolute_targets() {
        assertThat(CoapRequestDecoder.decode(request(CoAP.Code.GET, "cse-in", "ae1"), NOW)
                        .primitive()
                        .to())
                .isEqualTo("cse-in/ae1");
        assertThat(CoapRequestDecoder.decode(request(CoAP.Code.GET, "~", "id-in", "cse-in"), NOW)
                        .primitive()
                        .to())
                .isEqualTo("/id-in/cse-in");
        assertThat(CoapRequestDecoder.decode(request(CoAP.Code.GET, "_", "sp.example", "id-in"), NOW)
                        .primitive()
                        .to())
                .isEqualTo("//sp.example/id-in");
        // a segment is one level whatever it holds: spaces and '#' come as they are, no percent-decoding
        assertThat(CoapRequestDecoder.decode(request(CoAP.Code.GET, "cse-in", "a b#c%20"), NOW)
                        .primitive()
                        .to())
                .isEqualTo("cse-in/a b#c%20");
    }

    @Test
    void reads_the_onem2m_options_and_the_legacy_numbers() {
        Request r = new Request(CoAP.Code.GET);
        r.getOptions().addUriPath("cse-in");
        r.getOptions().addOtherOption(new Option(CoapOptions.LEGACY_FR, "Cold"));
        r.getOptions().addOtherOption(new Option(CoapOptions.LEGACY_RQI, "old1"));
        r.getOptions().addOtherOption(new Option(CoapOptions.RVI, "2a"));
        r.getOptions().addOtherOption(new Option(CoapOptions.VSI, "vendor"));
        r.getOptions().addOtherOption(new Option(CoapOptions.RTURI, "coap://127.0.0.1:5683/a"));
        r.getOptions().addOtherOption(new Option(CoapOptions.RTURI, "coap://127.0.0.1:5683/b"));
        var p = CoapRequestDecoder.decode(r, NOW).primitive();
        assertThat(p.from()).isEqualTo("Cold");
        assertThat(p.requestId()).isEqualTo("old1");
        assertThat(p.releaseVersion()).isEqualTo("2a");
        assertThat(p.vendorInfo()).isEqualTo("vendor");
        assertThat(p.responseTargets()).containsExactly("coap://127.0.0.1:5683/a", "coap://127.0.0.1:5683/b");

        Request both = request(CoAP.Code.GET, "cse-in");
        both.getOptions().addOtherOption(new Option(CoapOptions.LEGACY_FR, "Cold"));
        assertThat(CoapRequestDecoder.decode(both, NOW).primitive().from())
                .as("the current number wins")
                .isEqualTo("Cae1");
    }

    @Test
    void decodes_the_payload_in_the_serialization_its_content_format_names() {
        Request xml = request(CoAP.Code.PUT, "cse-in", "ae1");
        xml.getOptions().setContentFormat(41);
        xml.setPayload("<m2m:ae xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><lbl>x</lbl></m2m:ae>"
                .getBytes(StandardCharsets.UTF_8));
        var decoded = CoapRequestDecoder.decode(xml, NOW);
        assertThat(decoded.serialization()).isEqualTo(Serialization.XML);
        assertThat(decoded.textual()).isTrue();
        assertThat(decoded.primitive().content()).isInstanceOf(Map.class);

        Request json = request(CoAP.Code.PUT, "cse-in", "ae1");
        json.getOptions().setContentFormat(10001); // a oneM2M JSON format (application/vnd.onem2m-res+json)
        json.setPayload("{\"m2m:ae\": {\"lbl\": [\"x\"]}}");
        var fromJson = CoapRequestDecoder.decode(json, NOW);
        assertThat(fromJson.serialization()).isEqualTo(Serialization.JSON);
        assertThat(fromJson.textual()).isFalse();
        assertThat(fromJson.primitive().content()).isEqualTo(Map.of("m2m:ae", Map.of("lbl", List.of("x"))));
    }
}
