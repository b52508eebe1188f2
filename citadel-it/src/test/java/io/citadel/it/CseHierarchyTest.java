package io.citadel.it;

import static io.citadel.it.Fixtures.acp;
import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.cin;
import static io.citadel.it.Fixtures.container;
import static io.citadel.it.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real CSE processes on loopback, ASN → MN → IN, registered by configuration: registration and its
 * upkeep, forwarding hop by hop in both directions, a subscription across the chain, and the failures
 * (forged or transit registration, unknown and unreachable next hops, loops). Plain HTTP between the
 * CSEs, each naming the others as insecure peers (lab mode); the TLS identity binding of the same
 * requests is covered by the security-association tests.
 */
@SuppressWarnings("unchecked")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CseHierarchyTest {
    @TempDir
    static Path dir;

    static int inPort;
    static CseProcess in;
    static CseProcess mn;
    static CseProcess asn;

    @BeforeAll
    static void start() throws Exception {
        inPort = Ports.free();
        in = startIn(dir.resolve("in"));
        mn = startRegisteredMn(dir.resolve("mn"), inPort, "/id-in,/id-asn");
        asn = CseProcess.start(
                dir.resolve("asn"),
                "--cse-id",
                "/id-asn",
                "--cse-name",
                "cse-asn",
                "--cse-type",
                "ASN",
                "--registrar-cse-id",
                "/id-mn",
                "--registrar-poa",
                "http://127.0.0.1:" + mn.port() + "/",
                "--registrar-keepalive",
                "PT1S",
                "--insecure-cse-peers",
                "/id-mn,/id-in");
        await(() -> admin(mn).retrieve("cse-mn/id-asn").rsc() == 2000, "ASN registered at MN");
        await(
                () -> String.valueOf(admin(in)
                                .retrieve("cse-in/id-mn")
                                .resource("m2m:csr")
                                .get("dcse"))
                        .contains("/id-asn"),
                "IN learns that ASN is below MN");
    }

    /**
     * An MN-CSE {@code /id-mn} that registers over plain HTTP with the IN on {@code inPort} (lab mode) and
     * waits until the IN shows the registration; {@code insecurePeers} are the CSEs it accepts without TLS.
     */
    static CseProcess startRegisteredMn(Path data, int inPort, String insecurePeers) throws Exception {
        CseProcess mn = CseProcess.start(
                data,
                "--cse-id",
                "/id-mn",
                "--cse-name",
                "cse-mn",
                "--cse-type",
                "MN",
                "--registrar-cse-id",
                "/id-in",
                "--registrar-poa",
                "http://127.0.0.1:" + inPort + "/",
                "--registrar-keepalive",
                "PT1S",
                "--insecure-cse-peers",
                insecurePeers);
        OneM2mHttpClient admin = OneM2mHttpClient.connect("127.0.0.1", inPort).as(CseProcess.ADMIN);
        await(() -> admin.retrieve("cse-in/id-mn").rsc() == 2000, "MN registered at IN");
        return mn;
    }

    static CseProcess startIn(Path data) throws Exception {
        return CseProcess.start(data, "--http-port", String.valueOf(inPort), "--insecure-cse-peers", "/id-mn,/id-asn");
    }

    @AfterAll
    static void stop() throws Exception {
        for (CseProcess p : Arrays.asList(asn, mn, in)) {
            if (p != null) {
                p.close();
            }
        }
    }

    static OneM2mHttpClient admin(CseProcess cse) {
        return cse.client().as(CseProcess.ADMIN);
    }

    @Test
    @Order(1)
    void registration_records_the_registree_and_its_point_of_access() {
        Map<String, Object> csr = admin(in).retrieve("cse-in/id-mn").resource("m2m:csr");
        assertThat(csr)
                .containsEntry("csi", "/id-mn")
                .containsEntry("cb", "/id-mn/cse-mn")
                .containsEntry("rr", true);
        assertThat((List<String>) csr.get("poa")).containsExactly("http://127.0.0.1:" + mn.port() + "/");
        Map<String, Object> upward = admin(mn).retrieve("cse-mn/id-in").resource("m2m:csr");
        assertThat(upward).containsEntry("csi", "/id-in").containsEntry("cb", "/id-in/cse-in");
    }

    @Test
    @Order(2)
    void a_cse_id_without_security_association_or_that_is_not_its_own_cannot_register() {
        OneM2mResponse forged = in.client().as("/id-evil").create("cse-in", 16, csr("/id-evil/cse-evil"));
        assertThat(forged.rsc()).isEqualTo(4107);
        Map<String, Object> other =
                new LinkedHashMap<>((Map<String, Object>) csr("/id-asn/cse-asn").get("m2m:csr"));
        other.put("csi", "/id-other");
        assertThat(in.client()
                        .as("/id-asn")
                        .create("cse-in", 16, Map.of("m2m:csr", other))
                        .rsc())
                .isEqualTo(4000);
        assertThat(in.client().as("Cnotacse").create("cse-in", 16, csr("/x/y")).rsc())
                .isEqualTo(4106); // an unregistered AE
        assertThat(in.client()
                        .as("/id-mn")
                        .create("cse-in", 16, csr("/id-mn/cse-mn"))
                        .rsc())
                .isEqualTo(4117);
    }

    @Test
    @Order(3)
    void registrations_are_not_forwarded() {
        assertThat(mn.client()
                        .as("Cpassing")
                        .create("~/id-in", 2, ae("passing"))
                        .rsc())
                .isEqualTo(4000);
        assertThat(mn.client()
                        .as("/id-asn")
                        .create("~/id-in", 16, csr("/id-asn/cse-asn"))
                        .rsc())
                .isEqualTo(4000);
    }

    @Test
    @Order(4)
    void requests_travel_up_and_down_the_chain_with_the_originator_made_sp_relative() {
        OneM2mHttpClient inAe = in.client().as("Cinae");
        assertThat(inAe.create("cse-in", 2, ae("inae")).rsc()).isEqualTo(2001);
        assertThat(inAe.create(
                                "cse-in/inae",
                                1,
                                acp(
                                        "share",
                                        List.of(
                                                rule(List.of("/id-mn/Cmnae", "/id-asn/Casnae"), 3),
                                                rule(List.of("Cinae"), 63)),
                                        List.of(rule(List.of("Cinae"), 63))))
                        .rsc())
                .isEqualTo(2001);
        String acpRi =
                (String) inAe.retrieve("cse-in/inae/share").resource("m2m:acp").get("ri");
        assertThat(inAe.create("cse-in/inae", 3, container("readings", Map.of("acpi", List.of(acpRi))))
                        .rsc())
                .isEqualTo(2001);

        OneM2mHttpClient mnAe = mn.client().as("Cmnae");
        assertThat(mnAe.create("cse-mn", 2, ae("mnae")).rsc()).isEqualTo(2001);
        OneM2mResponse up = mnAe.create("~/id-in/cse-in/inae/readings", 4, cin("from-mn"));
        assertThat(up.rsc()).isEqualTo(2001);
        assertThat(inAe.retrieve("cse-in/inae/readings/la").resource("m2m:cin")).containsEntry("con", "from-mn");
        // the hosting CSE judged the originator in SP-relative form: another AE of the MN is refused
        OneM2mHttpClient intruder = mn.client().as("Cintruder");
        intruder.create("cse-mn", 2, ae("intruder"));
        assertThat(intruder.retrieve("~/id-in/cse-in/inae/readings").rsc()).isEqualTo(4103);

        // and down: an IN AE reads an ASN resource through the MN
        OneM2mHttpClient asnAe = asn.client().as("Casnae");
        assertThat(asnAe.create("cse-asn", 2, ae("asnae")).rsc()).isEqualTo(2001);
        assertThat(asnAe.create(
                                "cse-asn/asnae",
                                1,
                                acp(
                                        "open",
                                        List.of(rule(List.of("/id-in/Cinae"), 2)),
                                        List.of(rule(List.of("Casnae"), 63))))
                        .rsc())
                .isEqualTo(2001);
        String open = (String)
                asnAe.retrieve("cse-asn/asnae/open").resource("m2m:acp").get("ri");
        assertThat(asnAe.create("cse-asn/asnae", 3, container("local", Map.of("acpi", List.of(open))))
                        .rsc())
                .isEqualTo(2001);
        OneM2mResponse down = inAe.retrieve("~/id-asn/cse-asn/asnae/local");
        assertThat(down.rsc()).isEqualTo(2000);
        assertThat(down.resource("m2m:cnt")).containsEntry("rn", "local");
        assertThat(inAe.retrieve("_/citadel.example/id-asn/cse-asn/asnae/local").rsc())
                .isEqualTo(2000);
    }

    @Test
    @Order(5)
    void an_ae_on_the_asn_hears_of_instances_that_an_ae_on_the_mn_adds_to_a_container_on_the_in() throws Exception {
        NotificationReceiver endpoint = NotificationReceiver.start();
        try (endpoint) {
            OneM2mHttpClient asnAe = asn.client().as("Casnae");
            Map<String, Object> ae =
                    new LinkedHashMap<>((Map<String, Object>) ae("asnae").get("m2m:ae"));
            assertThat(asnAe.update(
                                    "cse-asn/asnae",
                                    Map.of("m2m:ae", Map.of("poa", List.of(endpoint.url()), "rr", true)))
                            .rsc())
                    .isEqualTo(2004);
            assertThat(ae).isNotEmpty();
            OneM2mResponse sub = asnAe.create(
                    "~/id-in/cse-in/inae/readings",
                    23,
                    Map.of(
                            "m2m:sub",
                            Map.of(
                                    "rn",
                                    "asnwatch",
                                    "nu",
                                    List.of("/id-asn/Casnae"),
                                    "enc",
                                    Map.of("net", List.of(3)))));
            assertThat(sub.rsc()).isEqualTo(2001);
            OneM2mHttpClient mnAe = mn.client().as("Cmnae");
            for (int i = 0; i < 5; i++) {
                assertThat(mnAe.create("~/id-in/cse-in/inae/readings", 4, cin("chain-" + i))
                                .rsc())
                        .isEqualTo(2001);
            }
            for (int i = 0; i < 5; i++) {
                NotificationReceiver.Received n = endpoint.nextEvent();
                assertThat(n.from()).isEqualTo("/id-in");
                assertThat(n.body().toString()).contains("chain-" + i);
            }
        }
    }

    @Test
    @Order(6)
    void an_unknown_target_cse_is_4004_from_the_top_and_through_a_hop() {
        assertThat(admin(in).retrieve("~/id-nowhere/cse-x").rsc()).isEqualTo(4004);
        OneM2mResponse viaMn = mn.client().as("Cmnae").retrieve("~/id-nowhere/cse-x");
        assertThat(viaMn.rsc()).isEqualTo(4004);
        assertThat(viaMn.text()).contains("/id-nowhere");
        assertThat(admin(in).retrieve("_/other.example/id-x/y").rsc()).isEqualTo(4004);
    }

    @Test
    @Order(7)
    void a_request_that_comes_back_is_stopped_as_a_loop() throws Exception {
        int seen = 0;
        for (int attempt = 0; attempt < 5 && seen != 4000; attempt++) {
            // the IN is told (by its administrator) that /id-ghost is below the MN; the MN sends it up again
            assertThat(admin(in)
                            .update("cse-in/id-mn", Map.of("m2m:csr", Map.of("dcse", List.of("/id-asn", "/id-ghost"))))
                            .rsc())
                    .isEqualTo(2004);
            OneM2mResponse r = mn.client().as("Cmnae").retrieve("~/id-ghost/cse-g");
            seen = r.rsc();
            if (seen == 4000) {
                assertThat(r.text()).contains("loop");
            }
        }
        assertThat(seen).isEqualTo(4000);
        // the MN's registration upkeep puts its real descendants back
        await(
                () -> !String.valueOf(admin(in)
                                .retrieve("cse-in/id-mn")
                                .resource("m2m:csr")
                                .get("dcse"))
                        .contains("ghost"),
                "MN corrects its dcse");
    }

    @Test
    @Order(8)
    void forwarding_costs_one_hop_of_latency() {
        OneM2mHttpClient mnAe = mn.client().as("Cmnae");
        OneM2mHttpClient direct = in.client().as("/id-mn/Cmnae");
        int n = 300;
        for (int i = 0; i < 50; i++) {
            direct.retrieve("cse-in/inae/readings");
            mnAe.retrieve("~/id-in/cse-in/inae/readings");
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            assertThat(direct.retrieve("cse-in/inae/readings").rsc()).isEqualTo(2000);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            assertThat(mnAe.retrieve("~/id-in/cse-in/inae/readings").rsc()).isEqualTo(2000);
        }
        long t2 = System.nanoTime();
        System.out.printf(
                "[forwarding] RETRIEVE mean over %d: at the IN directly %.3f ms, through the MN %.3f ms,"
                        + " one hop adds %.3f ms%n",
                n, (t1 - t0) / 1e6 / n, (t2 - t1) / 1e6 / n, ((t2 - t1) - (t1 - t0)) / 1e6 / n);
    }

    @Test
    @Order(9)
    void an_unreachable_next_hop_is_5103() throws Exception {
        asn.kill();
        OneM2mResponse r = admin(in).retrieve("~/id-asn/cse-asn");
        assertThat(r.rsc()).isEqualTo(5103);
    }

    @Test
    @Order(10)
    void the_mn_registers_again_when_the_in_comes_back_without_its_registration() throws Exception {
        in.kill();
        Path fresh = dir.resolve("in-fresh");
        Files.createDirectories(fresh);
        in = startIn(fresh);
        assertThat(admin(in).retrieve("cse-in/id-mn").rsc()).isIn(2000, 4004);
        await(() -> admin(in).retrieve("cse-in/id-mn").rsc() == 2000, "MN registered again");
        OneM2mHttpClient inAe = in.client().as("Cnew");
        assertThat(inAe.create("cse-in", 2, ae("newae")).rsc()).isEqualTo(2001);
        assertThat(inAe.create(
                                "cse-in/newae",
                                1,
                                acp(
                                        "again",
                                        List.of(rule(List.of("/id-mn/Cmnae"), 2)),
                                        List.of(rule(List.of("Cnew"), 63))))
                        .rsc())
                .isEqualTo(2001);
        String acpRi =
                (String) inAe.retrieve("cse-in/newae/again").resource("m2m:acp").get("ri");
        assertThat(inAe.update("cse-in/newae", Map.of("m2m:ae", Map.of("acpi", List.of(acpRi))))
                        .rsc())
                .isEqualTo(2004);
        assertThat(mn.client().as("Cmnae").retrieve("~/id-in/cse-in/newae").rsc())
                .isEqualTo(2000);
    }

    static Map<String, Object> csr(String cb) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cb", cb);
        m.put("rr", true);
        m.put("srv", List.of("3"));
        return Map.of("m2m:csr", m);
    }

    /**
     * Calls {@code call} until its value is {@code ready} (e.g. a running server has read a file the CLI just
     * changed: its stores look at their files at most once a second); that value.
     */
    static <T> T awaitValue(java.util.concurrent.Callable<T> call, java.util.function.Predicate<T> ready, String what)
            throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (true) {
            T value = call.call();
            if (ready.test(value)) {
                return value;
            }
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out waiting until: " + what + " (last: " + value + ")");
            }
            Thread.sleep(100);
        }
    }

    /** Until {@code condition} holds (an exception it throws counts as "not yet"); the same deadline as above. */
    static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        try {
            awaitValue(
                    () -> {
                        try {
                            return condition.get();
                        } catch (RuntimeException notYet) {
                            return false;
                        }
                    },
                    Boolean.TRUE::equals,
                    what);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // the condition throws no checked exception
            throw new IllegalStateException(e);
        }
    }
}
