package io.citadel.it;

import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.container;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input gets the right status and an m2m:dbg message, never a 5000, a stack trace or a changed
 * resource. Each case runs against the same container and checks it is unchanged afterwards.
 */
class BadInputTest {
    @TempDir
    static Path dataDir;

    static RunningCse cse;
    static OneM2mHttpClient app;
    static String before;

    @BeforeAll
    static void start() throws Exception {
        cse = TestCse.start(dataDir, "--max-body", "65536");
        app = cse.client().as("Cbad");
        assertThat(app.create("cse-in", 2, ae("bad")).rsc()).isEqualTo(2001);
        assertThat(app.create("cse-in/bad", 3, container("box")).rsc()).isEqualTo(2001);
        before = app.retrieve("cse-in/bad/box").text();
    }

    @AfterAll
    static void stop() throws Exception {
        assertThat(app.retrieve("cse-in/bad/box").text())
                .as("container unchanged by bad input")
                .isEqualTo(before);
        cse.close();
    }

    @ParameterizedTest(name = "{0} {1} [{2}] -> {4}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "POST|cse-in/bad/box|application/json;ty=4|{\"m2m:cin\":{\"con\":|4000",
                "POST|cse-in/bad/box|application/json;ty=4|{\"m2m:cin\":{\"con\":\"a\"}} trailing|4000",
                "POST|cse-in/bad/box|application/json;ty=4|{\"m2m:cin\":{\"con\":\"a\",\"con\":\"b\"}}|4000",
                "POST|cse-in/bad/box|application/json;ty=4|{\"m2m:cin\":{}}|4000",
                "POST|cse-in/bad/box|application/json;ty=4|{\"m2m:cin\":{\"con\":\"a\",\"bogus\":1}}|4000",
                "POST|cse-in/bad/box|application/json;ty=4|{\"m2m:cnt\":{\"con\":\"a\"}}|4000",
                "POST|cse-in/bad/box|application/json;ty=4|[1,2]|4000",
                "POST|cse-in/bad/box|application/json;ty=4|{\"m2m:cin\":{\"con\":\"a\",\"ri\":\"x\"}}|4000",
                "POST|cse-in/bad/box|application/json;ty=4|{\"m2m:cin\":{\"con\":\"a\",\"cs\":1}}|4000",
                "POST|cse-in/bad/box|application/json;ty=3|{\"m2m:cnt\":{\"mni\":\"ten\"}}|4000",
                "POST|cse-in/bad/box|application/json;ty=3|{\"m2m:cnt\":{\"mni\":-1}}|4000",
                "POST|cse-in/bad/box|application/json;ty=3|{\"m2m:cnt\":{\"rn\":\"a b\"}}|4000",
                "POST|cse-in/bad/box|application/json;ty=3|{\"m2m:cnt\":{\"rn\":\"la\"}}|4000",
                "POST|cse-in/bad/box|application/json;ty=3|{\"m2m:cnt\":{\"lbl\":\"notalist\"}}|4000",
                "POST|cse-in/bad/box|application/json;ty=999|{\"m2m:cin\":{\"con\":\"a\"}}|4000",
                "POST|cse-in/bad/box|application/json;ty=abc|{\"m2m:cin\":{\"con\":\"a\"}}|4000",
                "POST|cse-in/bad/box|application/json;ty=2|{\"m2m:ae\":{\"api\":\"Na\",\"rr\":true,\"srv\":[\"3\"]}}|4108",
                "POST|cse-in/bad/box|application/json;ty=23|{\"m2m:sub\":{\"nu\":[\"x\"]}}|5204",
                "POST|cse-in/bad/box|application/json;ty=23|{\"m2m:sub\":{\"nu\":\"x\"}}|4000",
                "POST|cse-in/bad/box|application/json;ty=24|{\"m2m:smd\":{\"dcrp\":1}}|5001",
                "POST|cse-in/bad/box|application/json;ty=5|{\"m2m:cb\":{}}|4108",
                "POST|cse-in/bad/box|text/plain;ty=4|hello|4015",
                "POST|cse-in/bad/box||{\"m2m:cin\":{\"con\":\"a\"}}|4015",
                "POST|cse-in/bad/box|application/cbor;ty=4|not cbor at all|4000",
                "POST|cse-in/bad/box|application/xml;ty=4|<m2m:cin><con>a</con>|4000",
                "PUT|cse-in/bad/box|application/json|{\"m2m:cnt\":{\"cni\":5}}|4000",
                "PUT|cse-in/bad/box|application/json|{\"m2m:cnt\":{\"ty\":4}}|4000",
                "PUT|cse-in/bad/box|application/json|{\"m2m:ae\":{\"lbl\":[\"a\"]}}|4000",
                "PUT|cse-in/bad/box/la|application/json|{\"m2m:cin\":{\"lbl\":[\"a\"]}}|4005",
                "DELETE|cse-in|||4005",
                "GET|cse-in/bad/box/..|||4000",
                "GET|cse-in/bad//box|||4000",
                "GET|cse-in/bad%2Fbox|||4000",
                "GET|cse-in/bad/box?rcn=99|||4000",
                "GET|cse-in/bad/box?rcn=abc|||4000",
                "GET|cse-in/bad/box?fu=7|||4000",
                "GET|cse-in/bad/box?crb=yesterday|||4000",
                "GET|cse-in/bad/box?lim=-1|||4000",
                "GET|cse-in/bad/box?x%20y=1|||4000",
                "GET|cse-in/nothing/here|||4004",
                "GET|cse-in/bad/box%23nope|||4000",
                "GET|cse-in/bad/box%23a.b|||4000",
            })
    void bad_request_is_refused_cleanly(String method, String to, String contentType, String body, int expected) {
        OneM2mResponse r = app.send(
                method,
                to,
                contentType == null || contentType.isEmpty() ? null : contentType,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.rsc()).as(r.text()).isEqualTo(expected);
        assertThat(r.text()).contains("m2m:dbg").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void missing_or_bad_headers() {
        Map<String, String> noRi = new HashMap<>();
        noRi.put("X-M2M-RI", null);
        assertThat(app.send("GET", "cse-in/bad/box", null, null, noRi).rsc()).isEqualTo(4000);
        assertThat(app.releaseVersion(null).retrieve("cse-in/bad/box").rsc()).isEqualTo(4001);
        assertThat(app.releaseVersion("1").retrieve("cse-in/bad/box").rsc()).isEqualTo(4001);
        for (String rvi : new String[] {"2a", "3", "4", "5"}) {
            assertThat(app.releaseVersion(rvi).retrieve("cse-in/bad/box").rsc()).isEqualTo(2000);
        }
        assertThat(cse.client().as(null).retrieve("cse-in/bad/box").rsc()).isEqualTo(4000);
        assertThat(app.send("GET", "cse-in/bad/box", null, null, Map.of("X-M2M-RET", "20000101T000000"))
                        .rsc())
                .isEqualTo(4008);
        assertThat(app.send("GET", "cse-in/bad/box", null, null, Map.of("Accept", "text/html"))
                        .rsc())
                .isEqualTo(5207);
        assertThat(app.send("PATCH", "cse-in/bad/box", null, null).rsc()).isEqualTo(4005);
        // rset, oet and ec
        assertThat(app.send("GET", "cse-in/bad/box", null, null, Map.of("X-M2M-EC", "7"))
                        .rsc())
                .isEqualTo(4000);
        assertThat(app.send("GET", "cse-in/bad/box", null, null, Map.of("X-M2M-EC", "soon"))
                        .rsc())
                .isEqualTo(4000);
        assertThat(app.send("GET", "cse-in/bad/box", null, null, Map.of("X-M2M-RET", "20000", "X-M2M-RST", "10000"))
                        .rsc())
                .isEqualTo(4000);
        assertThat(app.send("GET", "cse-in/bad/box", null, null, Map.of("X-M2M-RST", "20000101T000000"))
                        .rsc())
                .isEqualTo(4008);
        assertThat(app.send("GET", "cse-in/bad/box", null, null, Map.of("X-M2M-OET", "60000"))
                        .rsc())
                .isEqualTo(5001);
        assertThat(app.send("GET", "cse-in/bad/box", null, null, Map.of("X-M2M-RET", "5000", "X-M2M-OET", "9000"))
                        .rsc())
                .isEqualTo(4000);
        assertThat(app.send("GET", "cse-in/bad/box", null, null, Map.of("X-M2M-OET", "tomorrow"))
                        .rsc())
                .isEqualTo(4000);
    }

    @Test
    void an_operation_execution_time_ahead_delays_the_operation_and_a_late_result_is_withheld() {
        long t0 = System.nanoTime();
        OneM2mResponse r = app.send("GET", "cse-in/bad/box", null, null, Map.of("X-M2M-OET", "800", "X-M2M-EC", "3"));
        assertThat(r.rsc()).isEqualTo(2000);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(700);
        // executed at oet, after the result expiration: the result is withheld
        assertThat(app.send("GET", "cse-in/bad/box", null, null, Map.of("X-M2M-OET", "900", "X-M2M-RST", "300"))
                        .rsc())
                .isEqualTo(4008);
    }

    @Test
    void oversize_body_is_refused_without_reading_it_all() {
        byte[] big = ("{\"m2m:cin\":{\"con\":\"" + "x".repeat(70_000) + "\"}}").getBytes(StandardCharsets.UTF_8);
        OneM2mResponse r = app.send("POST", "cse-in/bad/box", "application/json;ty=4", big);
        assertThat(r.rsc()).isEqualTo(4000);
        assertThat(r.text()).contains("exceeds");
    }

    @Test
    void xml_external_entities_are_refused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<m2m:cin xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><con>&e;</con></m2m:cin>";
        OneM2mResponse r =
                app.send("POST", "cse-in/bad/box", "application/xml;ty=4", xxe.getBytes(StandardCharsets.UTF_8));
        assertThat(r.rsc()).isEqualTo(4000);
        assertThat(r.text()).doesNotContain("root:");
    }

    @Test
    void deeply_nested_json_is_refused() {
        String deep = "{\"m2m:cin\":{\"con\":" + "[".repeat(5000) + "]".repeat(5000) + "}}";
        assertThat(app.send("POST", "cse-in/bad/box", "application/json;ty=4", deep.getBytes())
                        .rsc())
                .isEqualTo(4000);
    }

    @Test
    void garbage_on_the_socket_gets_a_4000_or_a_closed_connection_never_a_hang() throws Exception {
        try (Socket s = new Socket("127.0.0.1", cse.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("NOT-HTTP \u0000\u0001\u0002 garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            String answer = n < 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            assertThat(answer.isEmpty() || answer.contains("X-M2M-RSC: 4000") || answer.contains("x-m2m-rsc: 4000"))
                    .as(answer)
                    .isTrue();
        }
    }

    @Test
    void xml_and_cbor_content_work_when_well_formed() {
        String xml = "<m2m:cnt xmlns:m2m=\"http://www.onem2m.org/xml/protocols\" rn=\"xmlbox\"><mni>2</mni>"
                + "<lbl>a b</lbl></m2m:cnt>";
        OneM2mResponse r = app.send(
                "POST",
                "cse-in/bad",
                "application/xml;ty=3",
                xml.getBytes(StandardCharsets.UTF_8),
                Map.of("Accept", "application/xml"));
        assertThat(r.rsc()).as(r.text()).isEqualTo(2001);
        assertThat(r.text()).contains("<mni>2</mni>").contains("<lbl>a b</lbl>");
        byte[] cbor = io.citadel.protocol.codec.ContentCodec.of(io.citadel.protocol.codec.Serialization.CBOR)
                .encode(Map.of("m2m:cin", Map.of("con", "from-cbor")));
        OneM2mResponse c = app.send("POST", "cse-in/bad/xmlbox", "application/cbor;ty=4", cbor);
        assertThat(c.rsc()).isEqualTo(2001);
        assertThat(app.retrieve("cse-in/bad/xmlbox/la").resource("m2m:cin").get("con"))
                .isEqualTo("from-cbor");
    }
}
