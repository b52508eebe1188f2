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
import io.citadel.tls.CertificateAuthority;
import io.citadel.tls.ClientSsl;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The core conformance scenarios, once, run over every binding and serialization by parameterisation:
 * registration, CRUD, discovery, subscription and notification, access denial, identity binding, bad
 * input. The client is the Java AE SDK ({@link OneM2mClient}) over each {@link OneM2mTransport}, each binding
 * in each security mode: plain, certificates (HTTPS, WSS, CoAP/DTLS: AE-ID certificates, notifications
 * back over DTLS with the CSE's certificate), raw public keys (CoAP/DTLS) and pre-shared keys (HTTPS,
 * CoAP/DTLS).
 */
@SuppressWarnings("unchecked")
class BindingScenariosTest {
    private static final String SP = "citadel.example";

    @TempDir
    static Path dir;

    static RunningCse cse;

    static int coapPort;
    static int coapsPort;
    static int tlsPort;
    static int pskPort;
    static final String PSK_IDENTITY = "scenarios@psk.example";
    static final String VICTIM_PSK_IDENTITY = "victims@psk.example";
    static byte[] pskKey;
    static byte[] victimPskKey;
    static Mosquitto broker;
    static CertificateAuthority ca;
    static KeyPair rawKey;
    static KeyPair victimRawKey;
    static final Map<String, CertificateAuthority.Issued> AE_CERTIFICATES = new ConcurrentHashMap<>();

    /** What each binding's scenarios register: "C" + binding + one of these. */
    static final List<String> SUFFIXES = List.of("-crud", "-sub", "-acp", "-acp-other", "-id", "-fwd");
    /** A CSE registered with the scenario CSE over TLS-PSK, the target of forwarded requests. */
    static RunningCse far;

    @BeforeAll
    static void start() throws Exception {
        List<String> allowed = new ArrayList<>();
        List<String> victims = new ArrayList<>();
        for (Binding b : bindings()) {
            SUFFIXES.forEach(suffix -> allowed.add("C" + b.name() + suffix));
            victims.add("C" + b.name() + "-id-victim");
        }
        pskKey = Psk.provision(dir, PSK_IDENTITY, String.join(",", allowed));
        victimPskKey = Psk.provision(dir, VICTIM_PSK_IDENTITY, String.join(",", victims));
        rawKey = trustedRawKey("rpk-scenarios", allowed);
        victimRawKey = trustedRawKey("rpk-victims", victims);
        ca = CertificateAuthority.create(SP, Duration.ofDays(1));
        ca.save(dir);
        Instant now = Instant.now();
        CertificateAuthority.save(
                ca.issue(
                        "CN=id-in." + SP,
                        List.of(
                                new GeneralName(GeneralName.dNSName, "id-in." + SP),
                                new GeneralName(GeneralName.iPAddress, "127.0.0.1")),
                        now.minusSeconds(60),
                        now.plus(Duration.ofDays(1)),
                        true,
                        true),
                dir,
                "cse-in");
        broker = Mosquitto.start(dir, "allow_anonymous true");
        cse = TestCse.start(
                dir,
                "--coap-port",
                "0",
                "--coaps-port",
                "0",
                "--mqtt-broker",
                broker.uri(),
                "--tls-port",
                "0",
                "--tls-cert",
                dir.resolve("cse-in.pem").toString(),
                "--tls-key",
                dir.resolve("cse-in.key").toString(),
                "--tls-trust",
                dir.resolve("ca.pem").toString(),
                "--psk-port",
                "0");
        cse.awaitAnnounced(Pattern.compile("(MQTT client of)"));
        coapPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("CoAP listening on udp port (\\d+)")));
        coapsPort =
                Integer.parseInt(cse.awaitAnnounced(Pattern.compile("CoAP over DTLS listening on udp port (\\d+)")));
        pskPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
        tlsPort = Integer.parseInt(
                cse.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
        byte[] farKey = Psk.provision(dir, "id-far@psk.example", "/id-far");
        Psk.secret(dir.resolve("far"), "registrar-psk", java.util.HexFormat.of().formatHex(farKey));
        far = TestCse.start(
                dir.resolve("far"),
                "--cse-id",
                "/id-far",
                "--cse-name",
                "cse-far",
                "--cse-type",
                "MN",
                "--registrar-cse-id",
                "/id-in",
                "--registrar-poa",
                "https://127.0.0.1:" + pskPort + "/",
                "--registrar-psk-identity",
                "id-far@psk.example",
                "--registrar-keepalive",
                "PT1S",
                "--insecure-cse-peers",
                "/id-in");
        CseHierarchyTest.await(
                () -> cse.client()
                                .as(CseProcess.ADMIN)
                                .retrieve("cse-in/id-far")
                                .rsc()
                        == 2000,
                "the far CSE registered with the scenario CSE");
    }

    @AfterAll
    static void stop() throws Exception {
        if (far != null) {
            far.close();
        }
        cse.close();
        broker.close();
    }

    /** A new P-256 key pair, trusted by the CSE as a raw public key for {@code allowed} (via the CLI, from a PEM). */
    static KeyPair trustedRawKey(String name, List<String> allowed) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = g.generateKeyPair();
        Path pem = dir.resolve(name + ".pub.pem");
        Files.writeString(
                pem,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        Psk.credentials(dir, "rpk", "add", "--key", pem.toString(), "--allow", String.join(",", allowed));
        return keys;
    }

    /** An AE-ID certificate for {@code originator} from the test CA (also good for serving its notifications). */
    static CertificateAuthority.Issued certificate(String originator) {
        return AE_CERTIFICATES.computeIfAbsent(originator, o -> ca.issueAe(o, "/id-in", SP, Duration.ofDays(1)));
    }

    static SSLContext tls(String originator) {
        CertificateAuthority.Issued c = certificate(originator);
        return ClientSsl.context(c.key(), List.of(c.certificate()), List.of(ca.certificate()));
    }

    static List<Binding> bindings() {
        return List.of(
                new Binding("http", false, o -> HttpTransport.connect("http://127.0.0.1:" + cse.port(), null)),
                new Binding("https-cert", true, o -> HttpTransport.connect("https://127.0.0.1:" + tlsPort, tls(o))),
                new Binding(
                        "https-psk",
                        true,
                        o -> o.endsWith("-victim")
                                ? HttpTransport.psk("127.0.0.1", pskPort, VICTIM_PSK_IDENTITY, victimPskKey)
                                : HttpTransport.psk("127.0.0.1", pskPort, PSK_IDENTITY, pskKey)),
                new Binding(
                        "ws-json",
                        false,
                        o -> WebSocketTransport.connect(
                                URI.create("ws://127.0.0.1:" + cse.port() + "/"), Serialization.JSON, null)),
                new Binding(
                        "ws-cbor",
                        false,
                        o -> WebSocketTransport.connect(
                                URI.create("ws://127.0.0.1:" + cse.port() + "/"), Serialization.CBOR, null)),
                new Binding(
                        "wss-cert",
                        true,
                        o -> WebSocketTransport.connect(
                                URI.create("wss://127.0.0.1:" + tlsPort + "/"), Serialization.JSON, tls(o))),
                new Binding("coap", false, o -> CoapTransport.plain("127.0.0.1", coapPort)),
                new Binding(
                        "coaps-psk",
                        true,
                        o -> o.endsWith("-victim")
                                ? CoapTransport.psk("127.0.0.1", coapsPort, VICTIM_PSK_IDENTITY, victimPskKey)
                                : CoapTransport.psk("127.0.0.1", coapsPort, PSK_IDENTITY, pskKey)),
                new Binding(
                        "coaps-cert",
                        true,
                        o -> CoapTransport.certificate(
                                "127.0.0.1",
                                coapsPort,
                                certificate(o).key(),
                                List.of(certificate(o).certificate()),
                                ClientSsl.trustManager(List.of(ca.certificate())))),
                new Binding(
                        "coaps-rpk",
                        true,
                        o -> CoapTransport.rawPublicKey(
                                "127.0.0.1",
                                coapsPort,
                                o.endsWith("-victim") ? victimRawKey : rawKey,
                                ClientSsl.trustManager(List.of(ca.certificate())))),
                new Binding(
                        "mqtt",
                        false,
                        o -> MqttTransport.connect(
                                broker.uri(), "/id-in", "A::scenario-" + System.nanoTime(), null, null)));
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
        String rn = binding.name() + "-crud";
        try (OneM2mTransport t = binding.connect("C" + rn)) {
            OneM2mClient ae = register(t, rn, null);
            assertThat(ae.create("cse-in", 2, ae(rn)).status())
                    .isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_ALREADY_REGISTERED);
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
            assertThat((List<String>) ((Map<String, Object>) found.content()).get("m2m:uril"))
                    .containsExactly(app + "/box");
            assertThat(ae.delete(app + "/box").status()).isEqualTo(ResponseStatusCode.DELETED);
            assertThat(ae.retrieve(app + "/box").status()).isEqualTo(ResponseStatusCode.NOT_FOUND);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bindings")
    void a_subscription_notifies_the_ae_over_its_binding(Binding binding) throws Exception {
        String rn = binding.name() + "-sub";
        try (OneM2mTransport t = binding.connect("C" + rn)) {
            BlockingQueue<RequestPrimitive> received = new LinkedBlockingQueue<>();
            String poa = t.receive(n -> {
                received.add(n);
                return ResponsePrimitive.of(ResponseStatusCode.OK, n, null);
            });
            OneM2mClient ae = register(t, rn, poa);
            String app = "cse-in/" + rn;
            ae.create(app, 3, container("box"));
            ResponsePrimitive sub = ae.create(
                    app + "/box",
                    23,
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
        String rn = binding.name() + "-acp";
        try (OneM2mTransport t = binding.connect("C" + rn);
                OneM2mTransport other = binding.connect("C" + rn + "-other")) {
            OneM2mClient owner = register(t, rn, null);
            OneM2mClient intruder = register(other, rn + "-other", null);
            String app = "cse-in/" + rn;
            owner.create(app, 3, container("box"));
            assertThat(intruder.retrieve(app + "/box").status())
                    .isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
            assertThat(intruder.update(app + "/box", Map.of("m2m:cnt", Map.of("lbl", List.of("x"))))
                            .status())
                    .isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
            assertThat(intruder.delete(app).status()).isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);

            assertThat(owner.create(app, 3, Map.of("m2m:cnt", Map.of("rn", "c2", "mni", "lots")))
                            .status())
                    .isEqualTo(ResponseStatusCode.BAD_REQUEST);
            assertThat(owner.create(app, 3, Map.of("m2m:cnt", Map.of("rn", "c3", "nosuch", 1)))
                            .status())
                    .isEqualTo(ResponseStatusCode.BAD_REQUEST);
            assertThat(owner.create(app, 3, Map.of("m2m:cin", Map.of("con", "x")))
                            .status())
                    .isEqualTo(ResponseStatusCode.BAD_REQUEST);
            assertThat(owner.create(app, 4, cin("x")).status())
                    .isEqualTo(ResponseStatusCode.INVALID_CHILD_RESOURCE_TYPE);
            assertThat(owner.retrieve(app + "/nothing-here").status()).isEqualTo(ResponseStatusCode.NOT_FOUND);
            assertThat(owner.as(null).create(app, 3, container("anon")).status())
                    .isIn(ResponseStatusCode.BAD_REQUEST, ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bindings")
    void a_from_that_is_not_the_authenticated_originator_is_refused(Binding binding) {
        String rn = binding.name() + "-id";
        try (OneM2mTransport t = binding.connect("C" + rn);
                OneM2mTransport v = binding.connect("C" + rn + "-victim")) {
            OneM2mClient ae = register(t, rn, null);
            register(v, rn + "-victim", null);
            ResponsePrimitive ghost = ae.as("C" + rn + "-ghost").retrieve("cse-in/" + rn);
            ResponsePrimitive spoof = ae.as("C" + rn + "-victim").retrieve("cse-in/" + rn + "-victim");
            if (binding.secured()) {
                // not what the credential proves, registered or not: 4106
                assertThat(ghost.status()).isEqualTo(ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
                assertThat(spoof.status())
                        .as("another registered AE's From over %s", binding)
                        .isEqualTo(ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
                // an AE that registered over an association cannot be claimed on the plain (loopback) listener
                assertThat(cse.client()
                                .as("C" + rn + "-victim")
                                .retrieve("cse-in/" + rn + "-victim")
                                .rsc())
                        .isEqualTo(4107);
            } else {
                // no security association: an unregistered AE-ID is not authenticated (TS-0004 7.3.2.1); a
                // registered one is believed (which is why plain bindings stay on loopback by default)
                // Over MQTT the SDK publishes under the topic of the From it sends, and the broker-authenticated
                // topic is the binding's association (TS-0010 §6.3): the ghost is then "authenticated" as
                // itself and access control refuses it
                assertThat(ghost.status())
                        .isEqualTo(
                                binding.name().equals("mqtt")
                                        ? ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE
                                        : ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
                assertThat(spoof.status()).isEqualTo(ResponseStatusCode.OK);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bindings")
    void a_forwarded_request_is_identified_here_as_a_local_one_would_be(Binding binding) {
        String rn = binding.name() + "-fwd";
        String remote = "/id-far/cse-far"; // SP-relative, as a primitive's To
        try (OneM2mTransport t = binding.connect("C" + rn)) {
            OneM2mClient ae = register(t, rn, null);
            OneM2mClient ghost = ae.as("C" + rn + "-ghost");
            ResponseStatusCode ghostHere = ghost.retrieve("cse-in/" + rn).status();
            assertThat(ghostHere).isNotEqualTo(ResponseStatusCode.OK);
            assertThat(ghost.retrieve(remote).status())
                    .as("a ghost's request forwarded over %s", binding)
                    .isEqualTo(ghostHere);
            if (ghostHere == ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED) {
                // (over MQTT the topic vouches for the ghost, see above: it is identified, and refused by policy later)
                assertThat(ghost.send(Operation.RETRIEVE, remote, b -> b.responseType(1))
                                .status())
                        .as("a ghost's non-blocking request over %s", binding)
                        .isEqualTo(ghostHere);
            }
            // the registered AE's request does leave: the far CSE answers it (its policy, not ours, decides)
            assertThat(ae.retrieve(remote).status())
                    .isIn(ResponseStatusCode.OK, ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
            if (binding.secured()) {
                // registered over an association: nobody on the plain listener may send on its behalf
                assertThat(cse.client().as("C" + rn).retrieve("~" + remote).rsc())
                        .isEqualTo(4107);
                assertThat(cse.client()
                                .as("C" + rn)
                                .send("GET", "~" + remote + "?rt=2", null, null)
                                .rsc())
                        .isEqualTo(4107);
            }
        }
    }
}
