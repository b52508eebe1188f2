package io.citadel.it;

import static io.citadel.it.Fixtures.acp;
import static io.citadel.it.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.EsprimClient;
import io.citadel.client.EsprimResponder;
import io.citadel.client.HttpTransport;
import io.citadel.client.OneM2mClient;
import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import io.citadel.e2e.esprim.EsprimReceiver;
import io.citadel.e2e.esprim.PairwiseKeys;
import io.citadel.e2e.esprim.SessionKeys;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ESPrim through a CSE that is not trusted: AE Cae1 on the MN-CSE reads and writes a container on the IN-CSE (both
 * their own processes) with every request sealed for the IN. Between the MN and the IN sits a relay that records every
 * byte the MN sends and gets, and tampers or replays on demand: what the MN relays, and what it keeps, holds no
 * plaintext. Refusals first: a flipped bit (4115), a replay (4113), an object under a key the IN revoked (4112), each
 * creating nothing; then a CREATE and a RETRIEVE whose answers only the AE can read.
 */
class EsprimHierarchyTest {
    static final String KID = "esprim-ae1@citadel.example";
    static final String NOTIFY_KID = "esprim-ae2@citadel.example";
    static byte[] notifyPairwise;

    @TempDir
    static Path dir;

    static CseProcess in;
    static CseProcess mn;
    static RecordingRelay relay;
    static int inPort;
    static byte[] pairwise;
    static OneM2mClient ae;

    @BeforeAll
    static void start() throws Exception {
        inPort = Ports.free();
        Path inData = dir.resolve("in");
        // refusals first: a --for that is not an SP-relative or absolute ID (it would bind to this CSE's own AE)
        assertThat(failingCli(
                        "credentials", "esprim", "add", "--kid", KID, "--for", "Cae1", "--data-dir", inData.toString()))
                .contains("--for takes an AE-ID or CSE-ID in SP-relative");
        String added = MefEnrolmentTest.cli(
                "credentials", "esprim", "add", "--kid", KID, "--for", "/id-mn/Cae1", "--data-dir", inData.toString());
        pairwise = HexFormat.of()
                .parseHex(
                        MefEnrolmentTest.find(added, "pairwise ESPrim key \\(hex, shown only now\\): ([0-9a-f]{64})"));
        assertThat(failingCli(
                        "credentials",
                        "esprim",
                        "add",
                        "--kid",
                        KID,
                        "--for",
                        "/id-mn/Cother",
                        "--data-dir",
                        inData.toString()))
                .as("a kid is never re-bound")
                .contains("exists; revoke it first");
        assertThat(MefEnrolmentTest.cli("credentials", "esprim", "list", "--data-dir", inData.toString()))
                .contains(KID + "\t/id-mn/Cae1")
                .doesNotContain(HexFormat.of().formatHex(pairwise));
        // a key for AE Cae2 too: the IN seals its notifications to Cae2 (through the MN) with it
        notifyPairwise = HexFormat.of()
                .parseHex(MefEnrolmentTest.find(
                        MefEnrolmentTest.cli(
                                "credentials",
                                "esprim",
                                "add",
                                "--kid",
                                NOTIFY_KID,
                                "--for",
                                "/id-mn/Cae2",
                                "--data-dir",
                                inData.toString()),
                        "pairwise ESPrim key \\(hex, shown only now\\): ([0-9a-f]{64})"));
        in = CseProcess.start(inData, "--http-port", String.valueOf(inPort), "--insecure-cse-peers", "/id-mn");
        relay = new RecordingRelay(inPort);
        // the MN takes ESPrim objects too (from an IN application): it will say so to the IN with its registration
        MefEnrolmentTest.cli(
                "credentials",
                "esprim",
                "add",
                "--kid",
                "esprim-in-app@citadel.example",
                "--for",
                "/id-in/Capp",
                "--data-dir",
                dir.resolve("mn").toString());
        mn = CseProcess.start(
                dir.resolve("mn"),
                "--cse-id",
                "/id-mn",
                "--cse-name",
                "cse-mn",
                "--cse-type",
                "MN",
                "--registrar-cse-id",
                "/id-in",
                "--registrar-poa",
                "http://127.0.0.1:" + relay.port() + "/",
                "--insecure-cse-peers",
                "/id-in");
        OneM2mHttpClient inAdmin = in.client().as(CseProcess.ADMIN);
        CseHierarchyTest.await(() -> inAdmin.retrieve("cse-in/id-mn").rsc() == 2000, "MN registered at IN");
        // both hold pairwise keys and advertise ESPrim (SUID 13) and a receiver rand object; the MN's comes to the IN
        // with its registration
        assertThat(String.valueOf(inAdmin.retrieve("cse-in").resource("m2m:cb").get("esi")))
                .contains("esf=[13]")
                .contains("esri=r");
        assertThat(String.valueOf(
                        inAdmin.retrieve("cse-in/id-mn").resource("m2m:csr").get("esi")))
                .contains("esf=[13]")
                .contains("esri=r");
        OneM2mResponse policy = inAdmin.create(
                "cse-in",
                1,
                acp(
                        "acp-vault",
                        List.of(rule(List.of("/id-mn/Cae1"), 63)),
                        List.of(rule(List.of(CseProcess.ADMIN), 63))));
        assertThat(policy.rsc()).as(policy.text()).isEqualTo(2001);
        String acpId = (String) policy.resource("m2m:acp").get("ri");
        assertThat(inAdmin.create("cse-in", 3, Map.of("m2m:cnt", Map.of("rn", "vault", "acpi", List.of(acpId))))
                        .rsc())
                .isEqualTo(2001);
        ae = new OneM2mClient(HttpTransport.connect("http://127.0.0.1:" + mn.port(), null), "Cae1");
        ResponsePrimitive registered = ae.create(
                "/id-mn/cse-mn",
                2,
                Map.of("m2m:ae", Map.of("rn", "Cae1", "api", "Nesprim", "rr", false, "srv", List.of("3"))));
        assertThat(registered.status()).isEqualTo(ResponseStatusCode.CREATED);
    }

    /** Runs the CLI expecting exit status 2; its output. */
    static String failingCli(String... args) throws Exception {
        Process p = new ProcessBuilder(CitadelCommand.of(args))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        return out;
    }

    /** The outer NOTIFY with one bit of its ESPrim object's ciphertext flipped. */
    static String flipInCiphertext(String notify) {
        Matcher m = Pattern.compile("\"epo\"\\s*:\\s*\"([^\"]+)\"").matcher(notify);
        assertThat(m.find()).isTrue();
        String[] parts = m.group(1).split("\\.", -1);
        char c = parts[3].charAt(0);
        parts[3] = (c == 'A' ? 'B' : 'A') + parts[3].substring(1);
        return notify.substring(0, m.start(1)) + String.join(".", parts) + notify.substring(m.end(1));
    }

    @AfterAll
    static void stop() throws Exception {
        if (mn != null) {
            mn.close();
        }
        if (in != null) {
            in.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    EsprimClient esprim(byte[] key) {
        return new EsprimClient(ae, "/id-in/cse-in", "/id-mn/Cae1", KID, key, SessionKeys.Input.VALUES);
    }

    static Map<String, Object> instance(String con) {
        return Map.of("m2m:cin", Map.of("con", con, "cnf", "text/plain:0"));
    }

    long instances() {
        return (long) in.client()
                .as(CseProcess.ADMIN)
                .retrieve("cse-in/vault")
                .resource("m2m:cnt")
                .get("cni");
    }

    @Test
    void the_in_seals_its_notifications_to_an_ae_behind_the_mn_and_only_the_ae_reads_them() throws Exception {
        List<RequestPrimitive> sealed = new CopyOnWriteArrayList<>();
        List<RequestPrimitive> plain = new CopyOnWriteArrayList<>();
        HttpTransport transport = HttpTransport.connect("http://127.0.0.1:" + mn.port(), null);
        // Cae2 takes ESPrim objects under the key it shares with the IN (whose inner requests come from /id-in)
        byte[] wrong = notifyPairwise.clone();
        wrong[0] ^= 1;
        AtomicReference<byte[]> aeKey = new AtomicReference<>(notifyPairwise);
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        EsprimReceiver receiver = new EsprimReceiver(
                (kid, now) -> {
                    if (!NOTIFY_KID.equals(kid)) {
                        return Optional.empty();
                    }
                    lookups.incrementAndGet();
                    return Optional.of(new PairwiseKeys.PairwiseKey(NOTIFY_KID, aeKey.get(), "/id-in"));
                },
                EsprimReceiver.Settings.defaults(),
                Clock.systemUTC());
        String poa = transport.receive(new EsprimResponder(
                receiver,
                List.of("/id-mn/Cae2", "/id-mn/cse-mn/Cae2"),
                (inner, authenticated) -> {
                    assertThat(authenticated).isEqualTo("/id-in");
                    sealed.add(inner);
                    return ResponsePrimitive.of(ResponseStatusCode.OK, inner, null);
                },
                n -> {
                    plain.add(n);
                    return ResponsePrimitive.of(ResponseStatusCode.OK, n, null);
                }));
        OneM2mClient cae2 = new OneM2mClient(transport, "Cae2");
        assertThat(cae2.create(
                                "/id-mn/cse-mn",
                                2,
                                Map.of(
                                        "m2m:ae",
                                        Map.of(
                                                "rn",
                                                "Cae2",
                                                "api",
                                                "Nesprim",
                                                "rr",
                                                true,
                                                "srv",
                                                List.of("3"),
                                                "poa",
                                                List.of(poa))))
                        .status())
                .isEqualTo(ResponseStatusCode.CREATED);
        // the MN relays an ESPrim NOTIFY to Cae2 only for an originator with NOTIFY privilege on it: the IN
        OneM2mResponse policy = mn.client()
                .as(CseProcess.ADMIN)
                .create(
                        "cse-mn",
                        1,
                        acp("acp-cae2", List.of(rule(List.of("/id-in"), 16)), List.of(rule(List.of("Cae2"), 63))));
        assertThat(policy.rsc()).as(policy.text()).isEqualTo(2001);
        assertThat(cae2.update(
                                "/id-mn/cse-mn/Cae2",
                                Map.of(
                                        "m2m:ae",
                                        Map.of(
                                                "acpi",
                                                List.of(policy.resource("m2m:acp")
                                                        .get("ri")))))
                        .status())
                .isEqualTo(ResponseStatusCode.UPDATED);

        OneM2mHttpClient inAdmin = in.client().as(CseProcess.ADMIN);
        assertThat(inAdmin.create("cse-in", 3, Map.of("m2m:cnt", Map.of("rn", "watched")))
                        .rsc())
                .isEqualTo(2001);
        OneM2mResponse subscribed = inAdmin.create(
                "cse-in/watched",
                23,
                Map.of(
                        "m2m:sub",
                        Map.of(
                                "rn",
                                "to-cae2",
                                "nu",
                                List.of("/id-mn/Cae2"),
                                "enc",
                                Map.of("net", List.of(3)),
                                "e2es",
                                1)));
        assertThat(subscribed.rsc()).as(subscribed.text()).isEqualTo(2001);
        String subscription = (String) subscribed.resource("m2m:sub").get("ri");
        assertThat(inAdmin.update(subscription, Map.of("m2m:sub", Map.of("e2es", 0)))
                        .rsc())
                .as("e2es is fixed at creation: no one on the way lowers it")
                .isEqualTo(4000);
        // Cae2 holds a wrong key for a while: the IN's sealed notification fails at Cae2 (4115) and is never sent in
        // clear instead
        aeKey.set(wrong);
        String refused = "REFUSED-SECRET-" + UUID.randomUUID();
        int before = lookups.get();
        assertThat(inAdmin.create("cse-in/watched", 4, instance(refused)).rsc()).isEqualTo(2001);
        CseHierarchyTest.await(() -> lookups.get() > before, "the sealed notification reached Cae2's ESPrim checks");
        aeKey.set(notifyPairwise);
        String secret = "NOTIFIED-SECRET-" + UUID.randomUUID();
        assertThat(inAdmin.create("cse-in/watched", 4, instance(secret)).rsc()).isEqualTo(2001);
        CseHierarchyTest.await(
                () -> sealed.stream().anyMatch(n -> String.valueOf(n.content()).contains(secret)),
                "the sealed notification reached Cae2");
        RequestPrimitive notification = sealed.stream()
                .filter(n -> String.valueOf(n.content()).contains(secret))
                .findFirst()
                .orElseThrow();
        assertThat(notification.operation()).isEqualTo(Operation.NOTIFY);
        assertThat(notification.from()).isEqualTo("/id-in");
        // nothing reached Cae2 in clear, and the MN, which relayed it, holds nothing of it
        assertThat(plain).noneMatch(n -> String.valueOf(n.content()).contains(secret));
        assertThat(plain).noneMatch(n -> String.valueOf(n.content()).contains(refused));
        // a sealed subscription naming Cae2 by its resource address, for which the IN holds no key: not sent at all
        OneM2mResponse byAddress = inAdmin.create(
                "cse-in/watched",
                23,
                Map.of(
                        "m2m:sub",
                        Map.of(
                                "rn",
                                "to-cae2-address",
                                "nu",
                                List.of("/id-mn/cse-mn/Cae2"),
                                "enc",
                                Map.of("net", List.of(3)),
                                "e2es",
                                1)));
        assertThat(byAddress.rsc()).as(byAddress.text()).isEqualTo(2001);
        inAdmin.delete(subscription);
        String unkeyed = "UNKEYED-SECRET-" + UUID.randomUUID();
        assertThat(inAdmin.create("cse-in/watched", 4, instance(unkeyed)).rsc()).isEqualTo(2001);
        CseHierarchyTest.await(
                () -> in.output().contains("a notification to /id-mn/cse-mn/Cae2 must be sealed"),
                "the IN refused to send it");
        assertThat(plain).noneMatch(n -> String.valueOf(n.content()).contains(unkeyed));
        assertThat(sealed).noneMatch(n -> String.valueOf(n.content()).contains(unkeyed));
        assertThat(mn.output()).doesNotContain(secret);
        assertThat(filesContaining(dir.resolve("mn"), secret)).isEmpty();
    }

    @Test
    void a_tampered_replayed_or_revoked_object_is_refused_and_the_mn_never_sees_plaintext() throws Exception {
        String secret = "TOP-SECRET-" + UUID.randomUUID();
        String name = "nm" + UUID.randomUUID().toString().substring(0, 12); // a name: the IN keeps names in clear
        try (EsprimClient client = esprim(pairwise)) {
            relay.tamperNext(t -> t.contains("\"epo\"") ? flipInCiphertext(t) : null);
            refusedOutside(
                    () -> client.send(
                            Operation.CREATE,
                            "/id-in/cse-in/vault",
                            b -> b.resourceType(4).content(instance(secret + "-tampered"))),
                    ResponseStatusCode.ESPRIM_BAD_MAC);
            assertThat(instances()).isZero();

            ResponsePrimitive created = client.send(
                    Operation.CREATE,
                    "/id-in/cse-in/vault",
                    b -> b.resourceType(4)
                            .content(Map.of("m2m:cin", Map.of("rn", name, "con", secret, "cnf", "text/plain:0"))));
            assertThat(created.status()).as(String.valueOf(created.content())).isEqualTo(ResponseStatusCode.CREATED);
            assertThat(instances()).isEqualTo(1);
            // the MN, or anyone on its link, replays the CREATE it relayed
            HttpResponse<byte[]> replayed = relay.replay(relay.lastSecurityInfo());
            assertThat(new String(replayed.body(), StandardCharsets.UTF_8))
                    .contains("this ESPrim object was accepted before");
            assertThat(replayed.headers().firstValue("X-M2M-RSC")).hasValue("4113");
            assertThat(instances()).isEqualTo(1);

            ResponsePrimitive read = client.send(Operation.RETRIEVE, "/id-in/cse-in/vault/la", b -> b);
            assertThat(read.status()).isEqualTo(ResponseStatusCode.OK);
            assertThat(String.valueOf(read.content())).contains(secret);
        }
        byte[] other = pairwise.clone();
        other[1] ^= 1;
        try (EsprimClient wrongKey = esprim(other)) {
            refusedOutside(
                    () -> wrongKey.send(Operation.RETRIEVE, "/id-in/cse-in/vault/la", b -> b),
                    ResponseStatusCode.ESPRIM_BAD_MAC);
        }
        // nothing the MN relayed or keeps holds the content, neither way
        assertThat(relay.relayed())
                .isNotEmpty()
                .noneMatch(s -> s.contains(secret))
                .anyMatch(s -> s.contains("\"epo\""));
        assertThat(mn.output()).doesNotContain(secret);
        assertThat(filesContaining(dir.resolve("mn"), secret)).isEmpty();
        assertThat(filesContaining(dir.resolve("mn"), name)).isEmpty();
        assertThat(filesContaining(dir.resolve("in"), name))
                .as("the search finds what the IN keeps in clear: the instance's name")
                .isNotEmpty();
        assertThat(filesContaining(dir.resolve("in"), secret))
                .as("the IN keeps the content encrypted under its data subject's keys")
                .isEmpty();

        MefEnrolmentTest.cli(
                "credentials",
                "esprim",
                "revoke",
                KID,
                "--data-dir",
                dir.resolve("in").toString());
        // the running IN sees the CLI's edit within a second (its stores look at their files at most once a second)
        CseHierarchyTest.await(
                () -> {
                    try (EsprimClient revoked = esprim(pairwise)) {
                        revoked.send(Operation.RETRIEVE, "/id-in/cse-in/vault/la", b -> b);
                        return false;
                    } catch (EsprimClient.OuterFailure f) {
                        assertThat(f.status()).isEqualTo(ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID);
                        return true;
                    }
                },
                "the revoked key refused (4112)");
    }

    /** The end-to-end request was refused outside its protection, with {@code code}. */
    static void refusedOutside(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ResponseStatusCode code) {
        org.assertj.core.api.Assertions.assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        EsprimClient.OuterFailure.class,
                        f -> assertThat(f.status()).isEqualTo(code));
    }

    static List<Path> filesContaining(Path root, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> {
                        try {
                            return indexOf(Files.readAllBytes(f), needle) >= 0;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .toList();
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
