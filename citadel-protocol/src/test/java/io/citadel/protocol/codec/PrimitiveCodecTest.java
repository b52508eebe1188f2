package io.citadel.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrimitiveCodecTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static Map<String, Object> json(String text) {
        return PrimitiveCodec.document(text.getBytes(StandardCharsets.UTF_8), Serialization.JSON);
    }

    private static ResponseStatusCode statusOf(String text) {
        try {
            PrimitiveCodec.decodeRequest(json(text), NOW);
        } catch (OneM2mException e) {
            return e.status();
        }
        return null;
    }

    @Test
    void malformedPrimitivesAreRejectedWithTheirCode() {
        assertThat(statusOf("{\"to\":\"cse\",\"rqi\":\"1\"}")).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(statusOf("{\"op\":9,\"to\":\"cse\"}")).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(statusOf("{\"op\":\"x\",\"to\":\"cse\"}")).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(statusOf("{\"op\":2}")).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(statusOf("{\"op\":2,\"to\":7}")).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(statusOf("{\"op\":2,\"to\":\"cse\",\"fr\":{}}")).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(statusOf("{\"op\":2,\"to\":\"cse\",\"fc\":[1]}")).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(statusOf("{\"op\":2,\"to\":\"cse\",\"fc\":{\"lim\":\"many\"}}"))
                .isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(statusOf("{\"op\":2,\"to\":\"cse\",\"rt\":5}")).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(statusOf("{\"op\":2,\"to\":\"cse\",\"rqet\":\"yesterday\"}"))
                .isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(statusOf("{\"op\":1,\"to\":\"cse\",\"ty\":3,\"fc\":{\"lbl\":[\"a\"]}}"))
                .isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(statusOf("{\"op\":2,\"to\":\"cse\",\"gid\":\"g\"}")).isEqualTo(ResponseStatusCode.NOT_IMPLEMENTED);
        assertThatThrownBy(() -> PrimitiveCodec.document("[1,2]".getBytes(StandardCharsets.UTF_8), Serialization.JSON))
                .isInstanceOf(OneM2mException.class);
        assertThatThrownBy(
                        () -> PrimitiveCodec.document("{\"op\":".getBytes(StandardCharsets.UTF_8), Serialization.JSON))
                .isInstanceOf(OneM2mException.class);
        assertThatThrownBy(() -> PrimitiveCodec.decodeResponse(json("{\"rsc\":1234,\"rqi\":\"1\"}")))
                .isInstanceOf(OneM2mException.class);
    }

    @Test
    void aDiscoveryRequestDecodesItsFilterCriteriaAndResponseType() {
        RequestPrimitive r = PrimitiveCodec.decodeRequest(json("""
                {"op":2,"to":"cse-in/ae1","fr":"Cae1","rqi":"r1","rvi":"3","rcn":1,
                 "rt":{"rtv":2,"nu":["http://127.0.0.1:9/n"]},
                 "fc":{"fu":1,"ty":[3,4],"lbl":["k:v"],"lim":5,"atr":[{"nm":"rn","val":"cnt"}]},
                 "rqet":10000,"ec":3}"""), NOW);
        assertThat(r.operation()).isEqualTo(Operation.RETRIEVE);
        assertThat(r.to()).isEqualTo("cse-in/ae1");
        assertThat(r.from()).isEqualTo("Cae1");
        assertThat(r.isDiscovery()).isTrue();
        assertThat(r.filterCriteria().resourceTypes()).containsExactly(3, 4);
        assertThat(r.filterCriteria().labels()).containsExactly("k:v");
        assertThat(r.filterCriteria().limit()).isEqualTo(5);
        assertThat(r.filterCriteria().attributes()).hasSize(1);
        assertThat(r.responseType()).isEqualTo(2);
        assertThat(r.responseTargets()).containsExactly("http://127.0.0.1:9/n");
        assertThat(r.requestExpiration()).isEqualTo(NOW.plusSeconds(10));
        assertThat(r.handling().eventCategory()).isEqualTo(3);

        RequestPrimitive again = PrimitiveCodec.decodeRequest(PrimitiveCodec.encode(r), NOW);
        assertThat(again).isEqualTo(r);
    }

    @Test
    void anXmlPrimitiveWithTextualValuesDecodes() {
        String xml = "<m2m:rqp xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><op>1</op><to>cse-in</to><fr>Cx</fr>"
                + "<rqi>r2</rqi><rvi>3</rvi><ty>2</ty><pc><m2m:ae rn=\"x\"><api>Nx</api></m2m:ae></pc></m2m:rqp>";
        RequestPrimitive r = PrimitiveCodec.decodeRequest(
                PrimitiveCodec.document(xml.getBytes(StandardCharsets.UTF_8), Serialization.XML), NOW);
        assertThat(r.operation()).isEqualTo(Operation.CREATE);
        assertThat(r.resourceType()).isEqualTo(2);
        assertThat(r.content()).isInstanceOf(Map.class);
    }

    @Test
    void responsesRoundTrip() {
        ResponsePrimitive rsp = new ResponsePrimitive(
                ResponseStatusCode.CREATED, "r3", "3", Map.of("m2m:cnt", Map.of("rn", "c")), null, null);
        Map<String, Object> encoded = PrimitiveCodec.encode(rsp, "Cae1");
        assertThat(PrimitiveCodec.isResponse(encoded)).isTrue();
        byte[] cbor = ContentCodec.of(Serialization.CBOR).encode(encoded);
        ResponsePrimitive back = PrimitiveCodec.decodeResponse(PrimitiveCodec.document(cbor, Serialization.CBOR));
        assertThat(back.status()).isEqualTo(ResponseStatusCode.CREATED);
        assertThat(back.requestId()).isEqualTo("r3");
        assertThat(back.content()).isEqualTo(Map.of("m2m:cnt", Map.of("rn", "c")));
        assertThat(PrimitiveCodec.isResponse(PrimitiveCodec.encode(RequestPrimitive.builder(Operation.NOTIFY, "x")
                        .requestId("1")
                        .build())))
                .isFalse();
        assertThat(List.of()).isEmpty();
    }
}
