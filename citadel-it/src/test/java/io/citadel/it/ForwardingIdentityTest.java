package io.citadel.it;

import static io.citadel.it.Fixtures.acp;
import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.container;
import static io.citadel.it.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.HttpTransport;
import io.citadel.client.OneM2mClient;
import io.citadel.client.OneM2mHttpClient;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request that leaves a CSE on an entity's behalf is identified there first, exactly as a local one: the next
 * CSE believes the originator because it trusts the hop's association, so a ghost or a claimed AE must be
 * stopped where it entered. Two hops over TLS-PSK: ASN-CSE {@code /id-asn} → MN-CSE {@code /id-mn} → IN-CSE
 * {@code /id-in}, each registered with its registrar over its own pre-shared key; the IN holds a container that
 * {@code /id-asn/Csec} and {@code /id-asn/Cghost} may read.
 */
class ForwardingIdentityTest {
    private static final String BOX = "~/id-in/cse-in/owner/box";

    @TempDir
    static Path dir;

    static RunningCse in;
    static RunningCse mn;
    static RunningCse asn;
    static int asnPsk;
    static byte[] secKey;

    @BeforeAll
    static void start() throws Exception {
        in = TestCse.start(dir.resolve("in"), "--psk-port", "0");
        int inPsk = Integer.parseInt(in.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
        byte[] mnKey = Psk.provision(dir.resolve("in"), "id-mn@psk.example", "/id-mn");
        Psk.secret(dir.resolve("mn"), "registrar-psk", HexFormat.of().formatHex(mnKey));
        mn = TestCse.start(
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
                "https://127.0.0.1:" + inPsk + "/",
                "--registrar-psk-identity",
                "id-mn@psk.example",
                "--registrar-keepalive",
                "PT1S",
                "--psk-port",
                "0");
        int mnPsk = Integer.parseInt(mn.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
        byte[] asnKey = Psk.provision(dir.resolve("mn"), "id-asn@psk.example", "/id-asn");
        Psk.secret(dir.resolve("asn"), "registrar-psk", HexFormat.of().formatHex(asnKey));
        secKey = Psk.provision(dir.resolve("asn"), "csec@psk.example", "Csec");
        asn = TestCse.start(
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
                "https://127.0.0.1:" + mnPsk + "/",
                "--registrar-psk-identity",
                "id-asn@psk.example",
                "--registrar-keepalive",
                "PT1S",
                "--psk-port",
                "0");
        asnPsk = Integer.parseInt(asn.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
        OneM2mHttpClient inAdmin = in.client().as(CseProcess.ADMIN);
        CseHierarchyTest.await(
                () -> String.valueOf(inAdmin.retrieve("cse-in/id-mn")
                                .resource("m2m:csr")
                                .get("dcse"))
                        .contains("/id-asn"),
                "the IN learns that the ASN is below the MN");

        OneM2mHttpClient owner = in.client().as("Cowner");
        assertThat(owner.create("cse-in", 2, ae("owner")).rsc()).isEqualTo(2001);
        assertThat(owner.create(
                                "cse-in/owner",
                                1,
                                acp(
                                        "readers",
                                        List.of(
                                                rule(List.of("Cowner"), 63),
                                                rule(List.of("/id-asn/Csec", "/id-asn/Cghost"), 2)),
                                        List.of(rule(List.of("Cowner"), 63))))
                        .rsc())
                .isEqualTo(2001);
        String acpRi = (String)
                owner.retrieve("cse-in/owner/readers").resource("m2m:acp").get("ri");
        assertThat(owner.create("cse-in/owner", 3, container("box", Map.of("acpi", List.of(acpRi))))
                        .rsc())
                .isEqualTo(2001);
    }

    @AfterAll
    static void stop() throws Exception {
        for (RunningCse p : Arrays.asList(asn, mn, in)) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    void a_ghost_is_refused_where_it_enters_whether_the_target_is_local_or_two_hops_away() {
        OneM2mHttpClient ghost = asn.client().as("Cghost");
        assertThat(ghost.retrieve("cse-asn").rsc()).isEqualTo(4106);
        assertThat(ghost.retrieve(BOX).rsc()).isEqualTo(4106);
        assertThat(ghost.retrieve("~/id-mn/cse-mn").rsc()).isEqualTo(4106);
        // nor may it send non-blocking or fanned-out requests on its way
        assertThat(ghost.send("GET", BOX + "?rt=1", null, null).rsc()).isEqualTo(4106);
        assertThat(ghost.send("GET", BOX + "?rt=2", null, null).rsc()).isEqualTo(4106);
    }

    @Test
    void an_ae_registered_over_an_association_cannot_be_claimed_on_the_plain_listener_for_a_remote_target() {
        try (HttpTransport transport = HttpTransport.psk("127.0.0.1", asnPsk, "csec@psk.example", secKey)) {
            OneM2mClient sec = new OneM2mClient(transport, "Csec");
            ResponsePrimitive registered = sec.create("cse-asn", 2, ae("sec"));
            assertThat(registered.status())
                    .isIn(ResponseStatusCode.CREATED, ResponseStatusCode.ORIGINATOR_HAS_ALREADY_REGISTERED);
            OneM2mHttpClient claimed = asn.client().as("Csec");
            assertThat(claimed.retrieve("cse-asn/sec").rsc()).isEqualTo(4107);
            assertThat(claimed.retrieve(BOX).rsc()).isEqualTo(4107);
            assertThat(claimed.send("GET", BOX + "?rt=1", null, null).rsc()).isEqualTo(4107);
            // over its association the AE reads the IN's container through both hops
            assertThat(sec.retrieve(BOX).status()).isEqualTo(ResponseStatusCode.OK);
            // a group whose member is that container: the fan-out leaves on the AE's behalf only for the AE itself
            ResponsePrimitive group = sec.create(
                    "cse-asn/sec",
                    9,
                    Map.of("m2m:grp", Map.of("rn", "far", "mnm", 5, "mid", List.of("/id-in/cse-in/owner/box"))));
            assertThat(group.status()).isIn(ResponseStatusCode.CREATED, ResponseStatusCode.CONFLICT);
            ResponsePrimitive fanned = sec.retrieve("cse-asn/sec/far/fopt");
            assertThat(fanned.status()).isEqualTo(ResponseStatusCode.OK);
            assertThat(String.valueOf(fanned.content()))
                    .as("the member's answer")
                    .contains("rsc=2000");
            assertThat(claimed.retrieve("cse-asn/sec/far/fopt").rsc()).isEqualTo(4107);
            assertThat(asn.client()
                            .as("Cghost")
                            .retrieve("cse-asn/sec/far/fopt")
                            .rsc())
                    .isEqualTo(4106);
        }
    }

    @Test
    void an_ae_of_another_cse_is_not_believed_from_a_plain_client_of_the_middle_cse() {
        OneM2mHttpClient claimed = mn.client().as("/id-asn/Csec");
        assertThat(claimed.retrieve(BOX).rsc()).isEqualTo(4106);
        assertThat(claimed.retrieve("cse-mn").rsc()).isEqualTo(4106);
    }

    @Test
    void a_group_update_looks_its_remote_members_up_as_the_updater_not_the_creator() {
        try (HttpTransport transport = HttpTransport.psk("127.0.0.1", asnPsk, "csec@psk.example", secKey)) {
            OneM2mClient sec = new OneM2mClient(transport, "Csec");
            sec.create("cse-asn", 2, ae("sec"));
            OneM2mHttpClient updater = asn.client().as("Cupdater");
            assertThat(updater.create("cse-asn", 2, ae("updater")).rsc()).isEqualTo(2001);
            // Csec's group, which Cupdater may update; only Csec may read the IN's box
            assertThat(sec.create(
                                    "cse-asn/sec",
                                    1,
                                    acp(
                                            "grpacp",
                                            List.of(rule(List.of("Csec"), 63), rule(List.of("Cupdater"), 6)),
                                            List.of(rule(List.of("Csec"), 63))))
                            .status())
                    .isIn(ResponseStatusCode.CREATED, ResponseStatusCode.CONFLICT);
            String acpRi = String.valueOf(
                    ((Map<?, ?>) ((Map<?, ?>) sec.retrieve("cse-asn/sec/grpacp").content()).get("m2m:acp")).get("ri"));
            assertThat(sec.create(
                                    "cse-asn/sec",
                                    9,
                                    Map.of(
                                            "m2m:grp",
                                            Map.of("rn", "shared", "mnm", 5, "mid", List.of(), "acpi", List.of(acpRi))))
                            .status())
                    .isEqualTo(ResponseStatusCode.CREATED);
            assertThat(updater.update(
                                    "cse-asn/sec/shared",
                                    Map.of("m2m:grp", Map.of("mid", List.of("/id-in/cse-in/owner/box"))))
                            .rsc())
                    .isEqualTo(2004);
            // looked up as Cupdater, whom the IN refuses: the member's type could not be validated
            Map<?, ?> group =
                    (Map<?, ?>) ((Map<?, ?>) sec.retrieve("cse-asn/sec/shared").content()).get("m2m:grp");
            assertThat(group.get("mtv")).isEqualTo(false);
            // looked up as Csec, who may read it: validated
            assertThat(sec.update(
                                    "cse-asn/sec/shared",
                                    Map.of("m2m:grp", Map.of("mid", List.of("/id-in/cse-in/owner/box"))))
                            .status())
                    .isEqualTo(ResponseStatusCode.UPDATED);
            group = (Map<?, ?>) ((Map<?, ?>) sec.retrieve("cse-asn/sec/shared").content()).get("m2m:grp");
            assertThat(group.get("mtv")).isEqualTo(true);
        }
    }
}
