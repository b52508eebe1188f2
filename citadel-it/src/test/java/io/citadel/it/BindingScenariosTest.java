package io.citadel.it;

import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.cin;
import static io.citadel.it.Fixtures.container;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.CoapTransport;
import io.citadel.client.HttpTransport;
import io.citadel.client.MqttTransport;
import io.citadel.client.OneM2mClient;
import io.citadel.client.OneM2mTransport;
import io.citadel.client.WebSocketTransport;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.Serialization;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core conformance scenarios, once, run over every binding and serialization by parameterisation:
 * registration, CRUD, discovery, subscription and notification, access denial, bad input. The client is
 * the Java AE SDK ({@link OneM2mClient}) over each {@link OneM2mTransport}.
 */
@SuppressWarnings("unchecked")
class BindingScenariosTest {
    @TempDir
    static Path dir;
    static CseProcess cse;

    static int coapPort;
    static int coapsPort;
    static final String PSK_IDENTITY = "scenarios@psk.example";
    static byte[] pskKey;
    static Mosquitto broker;

    @BeforeAll
    static void start() throws Exception {
        java.util.List<String> allowed = new java.util.ArrayList<>();
        for (Binding b : bindings()) {
            for (String suffix : List.of("-crud", "-sub", "-acp", "-acp-other")) {
                allowed.add("C" + b.name() + suffix);
            }
        }
        pskKey = Psk.provision(dir, PSK_IDENTITY, String.join(",", allowed));
        broker = Mosquitto.start(dir, "allow_anonymous true");
        cse = CseProcess.start(dir, "--coap-port", "0", "--coaps-port", "0", "--mqtt-broker", broker.uri());
        cse.awaitAnnounced(Pattern.compile("(MQTT client of)"));
        coapPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("CoAP listening on udp port (\\d+)")));
        coapsPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("CoAP over DTLS listening on udp port (\\d+)")));
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
        broker.close();
    }

    static List<Binding> bindings() {
        return List.of(
                new Binding("http", () -> HttpTransport.connect("http://127.0.0.1:" + cse.port(), null)),
                new Binding("ws-json", () -> WebSocketTransport.connect(URI.create("ws://127.0.0.1:" + cse.port() + "/"),
                        Serialization.JSON, null)),
                new Binding("ws-cbor", () -> WebSocketTransport.connect(URI.create("ws://127.0.0.1:" + cse.port() + "/"),
                        Serialization.CBOR, null)),
                new Binding("coap", () -> CoapTransport.plain("127.0.0.1", coapPort)),
                new Binding("coaps-psk", () -> CoapTransport.psk("127.0.0.1", coapsPort, PSK_IDENTITY, pskKey)),
                new Binding("mqtt", () -> MqttTransport.connect(broker.uri(), "/id-in", "A::scenario-" + System.nanoTime(),
                        null, null)));
    }

    private static Map<String, Object> attributes(ResponsePrimitive r, String key) {
        assertThat(r.content()).as("content of %s", r.status()).isInstanceOf(Map.class);
        return (Map<String, Object>) ((Map<String, Object>) r.content()).get(key);
    }

    private static OneM2mClient register(OneM2mTransport t, String rn, String poa) {
        OneM2mClient client = new OneM2mClient(t, "C" + rn);
        Map<String, Object> body = new LinkedHashMap<>((Map<String, Object>) ae(rn).get("m2m:ae"));
        if (poa != null) {
            body.put("poa", List.of(poa));
        }
        ResponsePrimitive r = client.create("cse-in", 2, Map.of("m2m:ae", body));
        assertThat(r.status()).as("registration over %s", t).isEqualTo(ResponseStatusCode.CREATED);
        assertThat(attributes(r, "m2m:ae").get("aei")).isEqualTo("C" + rn);
        return client;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bindings")
    void registration_crud_and_discovery(Binding binding) {
        try (OneM2mTransport t = binding.connect()) {
            String rn = binding.name() + "-crud";
            OneM2mClient ae = register(t, rn, null);
            assertThat(ae.create("cse-in", 2, ae(rn)).status()).isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_ALREADY_REGISTERED);
            String app = "cse-in/" + rn;
            assertThat(ae.create(app, 3, container("box")).status()).isEqualTo(ResponseStatusCode.CREATED);
            assertThat(ae.create(app + "/box", 4, cin("21.5")).status()).isEqualTo(ResponseStatusCode.CREATED);
            ResponsePrimitive latest = ae.retrieve(app + "/box/la");
            assertThat(latest.status()).isEqualTo(ResponseStatusCode.OK);
            assertThat(attributes(latest, "m2m:cin").get("con")).isEqualTo("21.5");
            ResponsePrimitive updated = ae.update(app + "/box", Map.of("m2m:cnt", Map.of("lbl", List.of("room:1"))));
            assertThat(updated.status()).isEqualTo(ResponseStatusCode.UPDATED);
            ResponsePrimitive found = ae.retrieve(app, Map.of("fu", List.of("1"), "lbl", List.of("room:1")));
            assertThat(found.status()).isEqualTo(ResponseStatusCode.OK);
            assertThat((List<String>) ((Map<String, Object>) found.content()).get("m2m:uril")).containsExactly(app + "/box");
            assertThat(ae.delete(app + "/box").status()).isEqualTo(ResponseStatusCode.DELETED);
            assertThat(ae.retrieve(app + "/box").status()).isEqualTo(ResponseStatusCode.NOT_FOUND);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bindings")
    void a_subscription_notifies_the_ae_over_its_binding(Binding binding) throws Exception {
        try (OneM2mTransport t = binding.connect()) {
            BlockingQueue<RequestPrimitive> received = new LinkedBlockingQueue<>();
            String poa = t.receive(n -> {
                received.add(n);
                return ResponsePrimitive.of(ResponseStatusCode.OK, n, null);
            });
            String rn = binding.name() + "-sub";
            OneM2mClient ae = register(t, rn, poa);
            String app = "cse-in/" + rn;
            ae.create(app, 3, container("box"));
            ResponsePrimitive sub = ae.create(app + "/box", 23,
                    Map.of("m2m:sub", Map.of("rn", "s", "nu", List.of("C" + rn), "enc", Map.of("net", List.of(3)))));
            assertThat(sub.status()).isEqualTo(ResponseStatusCode.CREATED);
            assertThat(ae.create(app + "/box", 4, cin("ping")).status()).isEqualTo(ResponseStatusCode.CREATED);
            RequestPrimitive notify = received.poll(10, TimeUnit.SECONDS);
            assertThat(notify).as("a notification over " + binding).isNotNull();
            assertThat(notify.operation()).isEqualTo(Operation.NOTIFY);
            Map<String, Object> sgn = (Map<String, Object>) ((Map<String, Object>) notify.content()).get("m2m:sgn");
            Map<String, Object> rep = (Map<String, Object>) ((Map<String, Object>) sgn.get("nev")).get("rep");
            assertThat(((Map<String, Object>) rep.get("m2m:cin")).get("con")).isEqualTo("ping");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bindings")
    void another_originator_is_denied_and_bad_input_gets_its_status(Binding binding) {
        try (OneM2mTransport t = binding.connect()) {
            String rn = binding.name() + "-acp";
            OneM2mClient owner = register(t, rn, null);
            OneM2mClient intruder = register(t, rn + "-other", null);
            String app = "cse-in/" + rn;
            owner.create(app, 3, container("box"));
            assertThat(intruder.retrieve(app + "/box").status()).isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
            assertThat(intruder.update(app + "/box", Map.of("m2m:cnt", Map.of("lbl", List.of("x")))).status())
                    .isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
            assertThat(intruder.delete(app).status()).isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);

            assertThat(owner.create(app, 3, Map.of("m2m:cnt", Map.of("rn", "c2", "mni", "lots"))).status())
                    .isEqualTo(ResponseStatusCode.BAD_REQUEST);
            assertThat(owner.create(app, 3, Map.of("m2m:cnt", Map.of("rn", "c3", "nosuch", 1))).status())
                    .isEqualTo(ResponseStatusCode.BAD_REQUEST);
            assertThat(owner.create(app, 3, Map.of("m2m:cin", Map.of("con", "x"))).status())
                    .isEqualTo(ResponseStatusCode.BAD_REQUEST);
            assertThat(owner.create(app, 4, cin("x")).status()).isEqualTo(ResponseStatusCode.INVALID_CHILD_RESOURCE_TYPE);
            assertThat(owner.retrieve(app + "/nothing-here").status()).isEqualTo(ResponseStatusCode.NOT_FOUND);
            assertThat(owner.as(null).create(app, 3, container("anon")).status()).isIn(ResponseStatusCode.BAD_REQUEST,
                    ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
        }
    }
}
