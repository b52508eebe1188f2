package io.citadel.it;

import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.container;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed authorization between two real CSE processes: CSE "pdp" hosts an {@code <authorizationDecision>}
 * (PDP), an {@code <authorizationPolicy>} (PRP) and an {@code <authorizationInformation>} (PIP); the CSE "in"
 * enforces (PEP) through ACPs whose {@code adri}/{@code apri} point there.
 */
class DistributedAuthorizationTest {
    @TempDir
    static Path pepDir;

    @TempDir
    static Path pdpDir;

    static CseProcess pep;
    static CseProcess pdp;
    static OneM2mHttpClient owner;
    static String pdpUrl;
    static String prpUrl;

    @BeforeAll
    static void start() throws Exception {
        // CSE-to-CSE calls need TLS (4107 otherwise); outbound TLS is not there yet, so this lab pair is
        // explicitly configured as insecure peers
        pdp = CseProcess.start(
                pdpDir,
                "--cse-id",
                "/id-pdp",
                "--cse-name",
                "cse-pdp",
                "--audit",
                "all",
                "--insecure-cse-peers",
                "//citadel.example/id-in");
        pep = CseProcess.start(pepDir, "--audit", "all");
        OneM2mHttpClient pdpAdmin = pdp.client().as(CseProcess.ADMIN);
        // who may invoke the points: the PEP CSE (absolute CSE-ID), nobody else
        assertThat(pdpAdmin.create(
                                "cse-pdp",
                                1,
                                Map.of(
                                        "m2m:acp",
                                        Map.of(
                                                "rn",
                                                "invokers",
                                                "pv",
                                                Map.of(
                                                        "acr",
                                                        List.of(Map.of(
                                                                "acor",
                                                                List.of("//citadel.example/id-in"),
                                                                "acop",
                                                                6))),
                                                "pvs",
                                                Map.of(
                                                        "acr",
                                                        List.of(Map.of(
                                                                "acor", List.of(CseProcess.ADMIN), "acop", 63))))))
                        .rsc())
                .isEqualTo(2001);
        // the policy the PDP applies to targets elsewhere: AEs Cguest* of the PEP's CSE may read
        OneM2mResponse policy = pdpAdmin.create(
                "cse-pdp",
                1,
                Map.of(
                        "m2m:acp",
                        Map.of(
                                "rn",
                                "guests",
                                "pv",
                                Map.of("acr", List.of(Map.of("acor", List.of("/id-in/Cguest*"), "acop", 2))),
                                "pvs",
                                Map.of("acr", List.of(Map.of("acor", List.of(CseProcess.ADMIN), "acop", 63))))));
        String policyRi = (String) policy.resource("m2m:acp").get("ri");
        assertThat(pdpAdmin.create(
                                "cse-pdp",
                                35,
                                Map.of(
                                        "m2m:auds",
                                        Map.of(
                                                "rn",
                                                "pdp1",
                                                "acpi",
                                                List.of("cse-pdp/invokers"),
                                                "lbl",
                                                List.of("citadel:policy:" + policyRi))))
                        .rsc())
                .isEqualTo(2001);
        assertThat(pdpAdmin.create(
                                "cse-pdp",
                                36,
                                Map.of(
                                        "m2m:aupy",
                                        Map.of(
                                                "rn",
                                                "prp1",
                                                "acpi",
                                                List.of("cse-pdp/invokers"),
                                                "lbl",
                                                List.of("citadel:policy:" + policyRi))))
                        .rsc())
                .isEqualTo(2001);
        assertThat(pdpAdmin.create(
                                "cse-pdp",
                                37,
                                Map.of("m2m:auif", Map.of("rn", "pip1", "acpi", List.of("cse-pdp/invokers"))))
                        .rsc())
                .isEqualTo(2001);
        pdpUrl = "http://127.0.0.1:" + pdp.port() + "/cse-pdp/pdp1";
        prpUrl = "http://127.0.0.1:" + pdp.port() + "/cse-pdp/prp1";

        Fixtures.register(pep, "Cguest1", "Cguest2", "Cguest3", "Cstranger");
        Fixtures.registerAt(pdp, "cse-pdp", "Cintruder");
        owner = pep.client().as("Cowner");
        assertThat(owner.create("cse-in", 2, ae("owner")).rsc()).isEqualTo(2001);
        acp("mine", Map.of("pv", Map.of("acr", List.of(Map.of("acor", List.of("Cowner"), "acop", 63)))));
        acp("viaPdp", Map.of("adri", List.of(pdpUrl)));
        acp("viaPrp", Map.of("apri", List.of(prpUrl)));
        int closed;
        closed = Ports.free();
        acp("deadPdp", Map.of("adri", List.of("http://127.0.0.1:" + closed + "/cse-pdp/pdp1")));
        box("byPdp", "viaPdp");
        box("byPrp", "viaPrp");
        box("byDead", "deadPdp");
    }

    @AfterAll
    static void stop() throws Exception {
        pep.close();
        pdp.close();
    }

    static void acp(String rn, Map<String, Object> privileges) {
        Map<String, Object> acp = new java.util.LinkedHashMap<>(privileges);
        acp.put("rn", rn);
        acp.put("pvs", Map.of("acr", List.of(Map.of("acor", List.of("Cowner"), "acop", 63))));
        OneM2mResponse r = owner.create("cse-in/owner", 1, Map.of("m2m:acp", acp));
        assertThat(r.rsc()).as(r.text()).isEqualTo(2001);
    }

    static void box(String rn, String acp) {
        OneM2mResponse r = owner.create(
                "cse-in/owner", 3, container(rn, Map.of("acpi", List.of("cse-in/owner/mine", "cse-in/owner/" + acp))));
        assertThat(r.rsc()).as(r.text()).isEqualTo(2001);
    }

    @Test
    void the_pep_asks_the_remote_pdp() {
        assertThat(pep.client().as("Cguest1").retrieve("cse-in/owner/byPdp").rsc())
                .isEqualTo(2000);
        OneM2mResponse stranger = pep.client().as("Cstranger").retrieve("cse-in/owner/byPdp");
        assertThat(stranger.rsc()).isEqualTo(4103);
        assertThat(stranger.text()).contains("PDP " + pdpUrl + " denied");
        // the PDP grants RETRIEVE only
        assertThat(pep.client().as("Cguest1").delete("cse-in/owner/byPdp").rsc())
                .isEqualTo(4103);
        assertThat(pep.output()).contains("distributed: PDP " + pdpUrl);
    }

    @Test
    void the_pep_fetches_policies_from_the_remote_prp_and_decides_itself() {
        assertThat(pep.client().as("Cguest2").retrieve("cse-in/owner/byPrp").rsc())
                .isEqualTo(2000);
        assertThat(pep.client().as("Cstranger").retrieve("cse-in/owner/byPrp").rsc())
                .isEqualTo(4103);
    }

    @Test
    void an_unreachable_pdp_denies() {
        OneM2mResponse r = pep.client().as("Cguest3").retrieve("cse-in/owner/byDead");
        assertThat(r.rsc()).isEqualTo(4103);
        assertThat(r.text()).contains("not reachable");
    }

    @Test
    void the_points_answer_only_their_invokers_and_keep_nothing_of_the_request() {
        OneM2mHttpClient intruder = pdp.client().as("Cintruder");
        Map<String, Object> ask =
                Map.of("m2m:auds", Map.of("to", "/id-in/x", "fr", "//citadel.example/id-in/Cguest1", "op", 2));
        assertThat(intruder.update("cse-pdp/pdp1", ask).rsc()).isEqualTo(4103);
        OneM2mHttpClient pepAsCaller = pdp.client().as("//citadel.example/id-in");
        OneM2mResponse answer = pepAsCaller.update("cse-pdp/pdp1", ask);
        assertThat(answer.rsc()).isEqualTo(2004);
        assertThat(answer.resource("m2m:auds")).containsEntry("dec", 1L).containsEntry("sus", 1L);
        OneM2mResponse missing = pepAsCaller.update("cse-pdp/pdp1", Map.of("m2m:auds", Map.of("to", "/id-in/x")));
        assertThat(missing.resource("m2m:auds")).containsEntry("dec", 2L).containsEntry("sus", 3L);
        // nothing of the request stays on the resource
        Map<String, Object> stored =
                pdp.client().as(CseProcess.ADMIN).retrieve("cse-pdp/pdp1").resource("m2m:auds");
        assertThat(stored).doesNotContainKeys("to", "fr", "op", "dec", "sus");
        // the PIP knows no role for this originator: NOT_APPLICABLE
        OneM2mResponse info = pepAsCaller.update(
                "cse-pdp/pip1",
                Map.of(
                        "m2m:auif",
                        Map.of("fr", "//citadel.example/id-in/Cguest1", "rids", List.of("reader@das.example"))));
        assertThat(info.resource("m2m:auif")).containsEntry("sus", 2L);
        // the PRP hands out the policies it is bound to
        OneM2mResponse ps = pepAsCaller.update("cse-pdp/prp1", Map.of("m2m:aupy", Map.of("to", "/id-in/x")));
        assertThat(ps.resource("m2m:aupy"))
                .containsEntry("sus", 1L)
                .containsEntry("ca", 1L)
                .containsKey("ps");
        // results are read-only
        assertThat(pepAsCaller
                        .update("cse-pdp/pdp1", Map.of("m2m:auds", Map.of("dec", 1)))
                        .rsc())
                .isEqualTo(4000);
    }

    @Test
    void without_the_insecure_peer_setting_a_cse_gets_4107() {
        Map<String, Object> ask =
                Map.of("m2m:auds", Map.of("to", "/id-in/x", "fr", "//citadel.example/id-in/Cguest1", "op", 2));
        assertThat(pdp.client()
                        .as("//citadel.example/id-other")
                        .update("cse-pdp/pdp1", ask)
                        .rsc())
                .isEqualTo(4107);
    }

    @Test
    void acp_privilege_sources_are_checked() {
        OneM2mResponse both = owner.create(
                "cse-in/owner",
                1,
                Map.of(
                        "m2m:acp",
                        Map.of(
                                "rn",
                                "both",
                                "adri",
                                List.of(pdpUrl),
                                "apri",
                                List.of(prpUrl),
                                "pvs",
                                Map.of("acr", List.of(Map.of("acor", List.of("Cowner"), "acop", 63))))));
        assertThat(both.rsc()).isEqualTo(4000);
        OneM2mResponse none = owner.create(
                "cse-in/owner",
                1,
                Map.of(
                        "m2m:acp",
                        Map.of(
                                "rn",
                                "none",
                                "pvs",
                                Map.of("acr", List.of(Map.of("acor", List.of("Cowner"), "acop", 63))))));
        assertThat(none.rsc()).isEqualTo(4000);
    }
}
