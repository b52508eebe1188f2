package io.citadel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.protocol.Operation;
import io.citadel.protocol.QueryParameters;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK's HTTP binding (TS-0009) against a loopback peer: a server answer that is no oneM2M response (no or an
 * unknown X-M2M-RSC, a body that does not parse) is an {@link UncheckedIOException} saying so; primitives map to
 * method, path, {@code X-M2M-*} headers and a percent-encoded query; the target path is percent-encoded too.
 */
class HttpTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    static HttpPeer peer;
    static HttpTransport transport;

    @BeforeAll
    static void start() throws Exception {
        peer = new HttpPeer();
        transport = HttpTransport.connect(peer.base() + "/", null);
    }

    @AfterAll
    static void stop() throws Exception {
        transport.close();
        peer.close();
    }

    @BeforeEach
    void okByDefault() {
        peer.drain();
        peer.answer("HTTP/1.1 200 OK\r\nX-M2M-RSC: 2000\r\n", "");
    }

    private static RequestPrimitive retrieve(String to) {
        return RequestPrimitive.builder(Operation.RETRIEVE, to)
                .from("Cae1")
                .requestId("r1")
                .releaseVersion("3")
                .build();
    }

    @Test
    void an_answer_without_rsc_is_an_io_error() {
        peer.answer("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n", "<html>proxy error</html>");
        assertThatThrownBy(() -> transport.send(retrieve("cse-in"), TIMEOUT))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("X-M2M-RSC");
    }

    @Test
    void an_rsc_that_is_no_response_status_code_is_an_io_error() {
        peer.answer("HTTP/1.1 200 OK\r\nX-M2M-RSC: two thousand\r\n", "");
        assertThatThrownBy(() -> transport.send(retrieve("cse-in"), TIMEOUT))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("X-M2M-RSC");
        peer.answer("HTTP/1.1 200 OK\r\nX-M2M-RSC: 9999\r\n", "");
        assertThatThrownBy(() -> transport.send(retrieve("cse-in"), TIMEOUT))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("9999");
    }

    @Test
    void a_body_that_does_not_parse_in_its_content_type_is_an_io_error() {
        peer.answer("HTTP/1.1 200 OK\r\nX-M2M-RSC: 2000\r\nContent-Type: application/json\r\n", "{\"m2m:cb\": ");
        assertThatThrownBy(() -> transport.send(retrieve("cse-in"), TIMEOUT))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("body");
        peer.answer("HTTP/1.1 200 OK\r\nX-M2M-RSC: 2000\r\nContent-Type: application/cbor\r\n", "\u00ff\u00ff");
        assertThatThrownBy(() -> transport.send(retrieve("cse-in"), TIMEOUT)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void a_request_without_identifier_goes_out_without_the_header_for_the_cse_to_refuse() throws Exception {
        peer.answer("HTTP/1.1 400 Bad Request\r\nX-M2M-RSC: 4000\r\n", "");
        RequestPrimitive anonymous = RequestPrimitive.builder(Operation.RETRIEVE, "cse-in")
                .from("Cae1")
                .build();
        assertThat(transport.send(anonymous, TIMEOUT).status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(peer.next().header("X-M2M-RI")).isNull();
    }

    @Test
    void maps_operations_targets_and_parameters_to_method_path_and_headers() throws Exception {
        RequestPrimitive create = RequestPrimitive.builder(Operation.CREATE, "/id-in/cse-in")
                .from("Cae1")
                .requestId("c1")
                .releaseVersion("3")
                .resourceType(3)
                .content(Map.of("m2m:cnt", Map.of("rn", "box")))
                .requestExpiration(Instant.parse("2030-01-01T00:00:00Z"))
                .responseTargets(List.of("http://a", "http://b"))
                .build();
        transport.send(create, TIMEOUT);
        HttpPeer.Received r = peer.next();
        assertThat(r.requestLine()).isEqualTo("POST /~/id-in/cse-in HTTP/1.1");
        assertThat(r.header("Content-Type")).isEqualTo("application/json;ty=3");
        assertThat(r.header("X-M2M-Origin")).isEqualTo("Cae1");
        assertThat(r.header("X-M2M-RI")).isEqualTo("c1");
        assertThat(r.header("X-M2M-RVI")).isEqualTo("3");
        assertThat(r.header("X-M2M-RET")).isEqualTo("20300101T000000");
        assertThat(r.header("X-M2M-RTU")).isEqualTo("http://a&http://b");
        assertThat(r.header("Accept")).isEqualTo("application/json");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"rn\":\"box\"");

        transport.send(
                RequestPrimitive.builder(Operation.UPDATE, "//sp.example/id-in/cse-in/box")
                        .from("Cae1")
                        .requestId("u1")
                        .content(Map.of("m2m:cnt", Map.of("lbl", List.of("x"))))
                        .build(),
                TIMEOUT);
        HttpPeer.Received update = peer.next();
        assertThat(update.requestLine()).isEqualTo("PUT /_/sp.example/id-in/cse-in/box HTTP/1.1");
        assertThat(update.header("Content-Type")).isEqualTo("application/json");

        transport.send(
                RequestPrimitive.builder(Operation.DELETE, "cse-in/box")
                        .from("Cae1")
                        .requestId("d1")
                        .build(),
                TIMEOUT);
        assertThat(peer.next().requestLine()).isEqualTo("DELETE /cse-in/box HTTP/1.1");
        transport.send(
                RequestPrimitive.builder(Operation.NOTIFY, "cse-in/box")
                        .from("Cae1")
                        .requestId("n1")
                        .content(Map.of("m2m:sgn", Map.of("vrq", true)))
                        .build(),
                TIMEOUT);
        HttpPeer.Received notify = peer.next();
        assertThat(notify.requestLine()).startsWith("POST /cse-in/box ");
        assertThat(notify.header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void query_values_are_percent_encoded_and_come_back_whole() throws Exception {
        RequestPrimitive.Builder b = RequestPrimitive.builder(Operation.RETRIEVE, "cse-in")
                .from("Cae1")
                .requestId("q1");
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        parameters.put("fu", List.of("1"));
        parameters.put("lbl", List.of("key#1", "x&y=z", "50%", "größe"));
        parameters.put("rcn", List.of("4"));
        QueryParameters.apply(parameters, b, Operation.RETRIEVE, Instant.now());
        transport.send(b.build(), TIMEOUT);
        String line = peer.next().requestLine();
        String query = line.substring(line.indexOf('?') + 1, line.lastIndexOf(" HTTP/1.1"));
        assertThat(query).doesNotContain("#", " ").matches("\\p{ASCII}*");
        Map<String, String> decoded = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            decoded.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        assertThat(decoded)
                .containsEntry("lbl", "key#1+x&y=z+50%+größe")
                .containsEntry("rcn", "4")
                .containsEntry("fu", "1");
    }

    @Test
    void the_target_path_is_percent_encoded_segment_by_segment() throws Exception {
        transport.send(retrieve("cse-in/a b#c%d+e/größe"), TIMEOUT);
        assertThat(peer.next().requestLine()).isEqualTo("GET /cse-in/a%20b%23c%25d%2Be/gr%C3%B6%C3%9Fe HTTP/1.1");
        transport.send(retrieve("/id-in/cse-in/x?y"), TIMEOUT);
        assertThat(peer.next().requestLine()).isEqualTo("GET /~/id-in/cse-in/x%3Fy HTTP/1.1");
    }

    @Test
    void decodes_the_response_status_identifiers_and_content() {
        peer.answer(
                "HTTP/1.1 201 Created\r\nX-M2M-RSC: 2001\r\nX-M2M-RI: c9\r\nX-M2M-RVI: 3\r\n"
                        + "Content-Type: application/json;ty=3\r\n",
                "{\"m2m:cnt\": {\"rn\": \"box\", \"cni\": 0}}");
        ResponsePrimitive rsp = transport.send(retrieve("cse-in"), TIMEOUT);
        assertThat(rsp.status()).isEqualTo(ResponseStatusCode.CREATED);
        assertThat(rsp.requestId()).isEqualTo("c9");
        assertThat(rsp.releaseVersion()).isEqualTo("3");
        assertThat(rsp.content()).isEqualTo(Map.of("m2m:cnt", Map.of("rn", "box", "cni", 0L)));
    }
}
