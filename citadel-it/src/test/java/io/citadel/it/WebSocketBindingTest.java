package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket binding (TS-0020) against third-party peers: curl for the opening handshake, Debian's
 * python3-websockets as the AE, over ws:// and over wss:// with an AE-ID certificate. Negative cases first.
 */
class WebSocketBindingTest {
    private static final String SP = "citadel.example";

    @TempDir
    static Path data;

    @TempDir
    static Path pki;

    static RunningCse cse;
    static int tlsPort;
    static Path peer;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("python3-websockets", "/usr/bin/python3", "-c", "import websockets");
        CertificateAuthority ca = CertificateAuthority.create(SP, Duration.ofDays(2));
        ca.save(pki);
        CertificateAuthority.save(ca.issueCse("/id-in", SP, Duration.ofDays(1)), pki, "cse-in");
        CertificateAuthority.save(ca.issueAe("Cwss1", "/id-in", SP, Duration.ofDays(1)), pki, "Cwss1");
        cse = TestCse.start(
                data,
                "--max-body",
                "65536",
                "--tls-port",
                "0",
                "--tls-cert",
                pki.resolve("cse-in.pem").toString(),
                "--tls-key",
                pki.resolve("cse-in.key").toString(),
                "--tls-trust",
                pki.resolve("ca.pem").toString());
        tlsPort = Integer.parseInt(
                cse.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
        peer = data.resolve("ws_peer.py");
        try (var in = WebSocketBindingTest.class.getResourceAsStream("/ws_peer.py")) {
            Files.write(peer, in.readAllBytes());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** Runs the python peer over ws:// with these steps (a JSON array); returns what it printed. */
    static String peer(String subprotocol, String steps) throws Exception {
        return run(
                List.of("/usr/bin/python3", peer.toString(), "ws://127.0.0.1:" + cse.port() + "/", subprotocol, steps));
    }

    static String curlUpgrade(String... protocolHeaders) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "curl",
                "-s",
                "-i",
                "--max-time",
                "2",
                "--http1.1",
                "-H",
                "Connection: Upgrade",
                "-H",
                "Upgrade: websocket",
                "-H",
                "Sec-WebSocket-Version: 13",
                "-H",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="));
        for (String h : protocolHeaders) {
            cmd.addAll(List.of("-H", "Sec-WebSocket-Protocol: " + h));
        }
        cmd.add("http://127.0.0.1:" + cse.port() + "/");
        return run(cmd);
    }

    @Test
    void an_upgrade_must_offer_a_oneM2M_subprotocol_and_gets_the_first_one_offered() throws Exception {
        assertThat(curlUpgrade()).startsWith("HTTP/1.1 400").containsIgnoringCase("X-M2M-RSC: 4000");
        assertThat(curlUpgrade("chat, superchat"))
                .startsWith("HTTP/1.1 400")
                .contains("Sec-WebSocket-Protocol must offer");
        assertThat(curlUpgrade("chat", "oneM2M.cbor, oneM2M.json"))
                .startsWith("HTTP/1.1 101")
                .containsIgnoringCase("Sec-WebSocket-Protocol: oneM2M.cbor");
        assertThat(curlUpgrade("oneM2M.R2.0.json"))
                .startsWith("HTTP/1.1 101")
                .containsIgnoringCase("Sec-WebSocket-Protocol: oneM2M.R2.0.json");
    }

    @Test
    void malformed_primitives_get_4000_and_the_socket_stays_usable() throws Exception {
        String out = peer("oneM2M.json", """
                ["{not json", "[1,2]", {"to":"cse-in","rqi":"no-op"}, {"op":9,"to":"cse-in","rqi":"bad-op"},
                 {"op":2,"to":"cse-in","rqi":"bad-fc","fc":{"lim":"many"}},
                 {"op":2,"to":"cse-in","fr":"Cnobody","rqi":"fine","rvi":"3"}]""");
        assertThat(out).contains("\"subprotocol\": \"oneM2M.json\"");
        assertThat(out.lines().filter(l -> l.contains("\"rsc\": 4000")).count())
                .as(out)
                .isEqualTo(5);
        assertThat(out)
                .contains("\"rqi\": \"no-op\"")
                .contains("\"rqi\": \"bad-op\"")
                .contains("\"rqi\": \"bad-fc\"");
        assertThat(out).containsPattern("\"rsc\": \\d+, \"rqi\": \"fine\"");
        assertThat(out).doesNotContain("Exception").doesNotContain("timeout");
    }

    @Test
    void an_oversized_message_closes_the_socket_with_1009() throws Exception {
        String big = "{\\\"op\\\":2,\\\"to\\\":\\\"cse-in\\\",\\\"rqi\\\":\\\"big\\\",\\\"pad\\\":\\\""
                + "x".repeat(70_000) + "\\\"}";
        String out = peer("oneM2M.json", "[\"" + big + "\"]");
        assertThat(out).contains("\"closed\"").contains("1009");
    }

    @Test
    void a_third_party_ae_registers_and_gets_its_notifications_on_its_own_socket() throws Exception {
        String out = peer("oneM2M.json", """
                [{"op":1,"to":"cse-in","fr":"Cpy1","rqi":"r1","rvi":"3","ty":2,
                  "pc":{"m2m:ae":{"rn":"py1","api":"Npy","rr":false,"srv":["3"]}}},
                 {"op":1,"to":"cse-in/py1","fr":"Cpy1","rqi":"r2","rvi":"3","ty":3,"pc":{"m2m:cnt":{"rn":"box"}}},
                 {"op":1,"to":"cse-in/py1/box","fr":"Cpy1","rqi":"r3","rvi":"3","ty":23,
                  "pc":{"m2m:sub":{"rn":"s","nu":["Cpy1"],"enc":{"net":[3]}}}},
                 {"op":1,"to":"cse-in/py1/box","fr":"Cpy1","rqi":"r4","rvi":"3","ty":4,"pc":{"m2m:cin":{"con":"hello"}}},
                 {"op":2,"to":"cse-in/py1/box/la","fr":"Cpy1","rqi":"r5","rvi":"3"}]""");
        assertThat(out)
                .containsPattern("\"rsc\": 2001, \"rqi\": \"r1\"")
                .containsPattern("\"rsc\": 2001, \"rqi\": \"r4\"");
        assertThat(out)
                .containsPattern("\"op\": 5, \"to\": \"Cpy1\", \"fr\": \"/id-in\"")
                .contains("\"con\": \"hello\"");
        assertThat(out).containsPattern("\"rsc\": 2000, \"rqi\": \"r5\"");
    }

    @Test
    void xml_primitives_over_the_xml_subprotocol() throws Exception {
        String register = "<m2m:rqp xmlns:m2m=\\\"http://www.onem2m.org/xml/protocols\\\"><op>1</op><to>cse-in</to>"
                + "<fr>Cxml1</fr><rqi>x1</rqi><rvi>3</rvi><ty>2</ty><pc><m2m:ae rn=\\\"xml1\\\"><api>Nxml</api>"
                + "<rr>false</rr><srv>3</srv></m2m:ae></pc></m2m:rqp>";
        String out = peer("oneM2M.xml", "[\"" + register + "\"]");
        assertThat(out)
                .contains("\"subprotocol\": \"oneM2M.xml\"")
                .contains("\"rsc\": 2001")
                .contains("<aei>Cxml1</aei>");
    }

    @Test
    void over_wss_the_certificate_binds_the_originator() throws Exception {
        String steps = """
                [{"op":1,"to":"cse-in","fr":"Cmallory","rqi":"spoof","rvi":"3","ty":2,
                  "pc":{"m2m:ae":{"rn":"mallory","api":"Nm","rr":false,"srv":["3"]}}},
                 {"op":1,"to":"cse-in","fr":"Cwss1","rqi":"mine","rvi":"3","ty":2,
                  "pc":{"m2m:ae":{"rn":"wss1","api":"Nw","rr":false,"srv":["3"]}}},
                 {"op":2,"to":"cse-in/wss1","fr":"Cmallory","rqi":"spoof2","rvi":"3"}]""";
        String out = run(List.of(
                "/usr/bin/python3",
                peer.toString(),
                "wss://127.0.0.1:" + tlsPort + "/",
                "oneM2M.json",
                steps,
                pki.resolve("ca.pem").toString(),
                pki.resolve("Cwss1.pem").toString(),
                pki.resolve("Cwss1.key").toString(),
                "id-in." + SP));
        assertThat(out).containsPattern("\"rsc\": 4106, \"rqi\": \"spoof\"");
        assertThat(out).containsPattern("\"rsc\": 2001, \"rqi\": \"mine\"");
        assertThat(out).containsPattern("\"rsc\": 4106, \"rqi\": \"spoof2\"");
    }

    @Test
    void notifications_wait_for_a_websocket_ae_that_is_away_and_arrive_when_it_reconnects() throws Exception {
        java.util.concurrent.BlockingQueue<io.citadel.protocol.RequestPrimitive> received =
                new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.function.Function<io.citadel.protocol.RequestPrimitive, io.citadel.protocol.ResponsePrimitive>
                handler = n -> {
                    received.add(n);
                    return io.citadel.protocol.ResponsePrimitive.of(io.citadel.protocol.ResponseStatusCode.OK, n, null);
                };
        java.net.URI ws = java.net.URI.create("ws://127.0.0.1:" + cse.port() + "/");
        try (var first =
                io.citadel.client.WebSocketTransport.connect(ws, io.citadel.protocol.codec.Serialization.JSON, null)) {
            first.receive(handler);
            var ae = new io.citadel.client.OneM2mClient(first, "Cwsaway");
            assertThat(ae.create(
                                    "cse-in",
                                    2,
                                    java.util.Map.of(
                                            "m2m:ae",
                                            java.util.Map.of(
                                                    "rn", "wsaway", "api", "Nw", "rr", true, "srv", List.of("3"))))
                            .status())
                    .isEqualTo(io.citadel.protocol.ResponseStatusCode.CREATED);
            ae.create("cse-in/wsaway", 3, java.util.Map.of("m2m:cnt", java.util.Map.of("rn", "box")));
            assertThat(ae.create(
                                    "cse-in/wsaway/box",
                                    23,
                                    java.util.Map.of(
                                            "m2m:sub",
                                            java.util.Map.of(
                                                    "rn",
                                                    "s",
                                                    "nu",
                                                    List.of("Cwsaway"),
                                                    "enc",
                                                    java.util.Map.of("net", List.of(3)))))
                            .status())
                    .isEqualTo(io.citadel.protocol.ResponseStatusCode.CREATED);
        }
        // away: readings arrive meanwhile (written over HTTP); no socket, no point of access
        try (var http = io.citadel.client.HttpTransport.connect("http://127.0.0.1:" + cse.port(), null)) {
            var writer = new io.citadel.client.OneM2mClient(http, "Cwsaway");
            for (String reading : List.of("away-1", "away-2", "away-3")) {
                assertThat(writer.create(
                                        "cse-in/wsaway/box",
                                        4,
                                        java.util.Map.of("m2m:cin", java.util.Map.of("con", reading)))
                                .status())
                        .isEqualTo(io.citadel.protocol.ResponseStatusCode.CREATED);
            }
        }
        Thread.sleep(3000); // longer than the first back-offs: nothing may be given up meanwhile
        assertThat(received).isEmpty();
        try (var second =
                io.citadel.client.WebSocketTransport.connect(ws, io.citadel.protocol.codec.Serialization.JSON, null)) {
            second.receive(handler);
            // the first successful request binds the new socket to the AE
            assertThat(new io.citadel.client.OneM2mClient(second, "Cwsaway")
                            .retrieve("cse-in/wsaway")
                            .status())
                    .isEqualTo(io.citadel.protocol.ResponseStatusCode.OK);
            List<Object> readings = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                var n = received.poll(10, TimeUnit.SECONDS);
                assertThat(n).as("notification %d after reconnecting", i + 1).isNotNull();
                var sgn = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) n.content()).get("m2m:sgn");
                var rep = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) sgn.get("nev")).get("rep");
                readings.add(((java.util.Map<?, ?>) rep.get("m2m:cin")).get("con"));
            }
            assertThat(readings).containsExactly("away-1", "away-2", "away-3");
        }
    }
}
