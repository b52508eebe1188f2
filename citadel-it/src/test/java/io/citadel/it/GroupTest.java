package io.citadel.it;

import static io.citadel.it.Fixtures.acp;
import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.cin;
import static io.citadel.it.Fixtures.container;
import static io.citadel.it.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code <group>}: member validation and fan-out, with one member on a second CSE (an MN registered to the IN). */
@SuppressWarnings("unchecked")
class GroupTest {
    @TempDir
    static Path dir;

    static RunningCse in;
    static RunningCse mn;
    static OneM2mHttpClient owner;
    static String remoteContainer;

    @BeforeAll
    static void start() throws Exception {
        in = TestCse.start(dir.resolve("in"), "--insecure-cse-peers", "/id-mn");
        mn = CseHierarchyTest.startRegisteredMn(dir.resolve("mn"), in.port(), "/id-in");
        owner = in.client().as("Cgowner");
        assertThat(owner.create("cse-in", 2, ae("gowner")).rsc()).isEqualTo(2001);
        owner.create("cse-in/gowner", 3, container("a"));
        owner.create("cse-in/gowner", 3, container("b"));
        // a container on the MN, owned by an MN AE that lets the IN AE use it
        OneM2mHttpClient remote = mn.client().as("Cremote");
        assertThat(remote.create("cse-mn", 2, ae("remote")).rsc()).isEqualTo(2001);
        assertThat(remote.create(
                                "cse-mn/remote",
                                1,
                                acp(
                                        "forgroup",
                                        List.of(rule(List.of("/id-in/Cgowner", "Cremote"), 63)),
                                        List.of(rule(List.of("Cremote"), 63))))
                        .rsc())
                .isEqualTo(2001);
        String acpRi = (String)
                remote.retrieve("cse-mn/remote/forgroup").resource("m2m:acp").get("ri");
        assertThat(remote.create("cse-mn/remote", 3, container("c", Map.of("acpi", List.of(acpRi))))
                        .rsc())
                .isEqualTo(2001);
        remoteContainer = "/id-mn/cse-mn/remote/c";
    }

    @AfterAll
    static void stop() throws Exception {
        mn.close();
        in.close();
    }

    static Map<String, Object> group(String rn, List<String> mid, int mnm, Map<String, Object> extra) {
        Map<String, Object> g = new LinkedHashMap<>(extra);
        g.put("rn", rn);
        g.put("mid", mid);
        g.put("mnm", mnm);
        return Map.of("m2m:grp", g);
    }

    static List<Map<String, Object>> rsps(OneM2mResponse r) {
        return (List<Map<String, Object>>) ((Map<String, Object>) r.content().get("m2m:agr")).get("m2m:rsp");
    }

    // ---- refused ----

    @Test
    void more_members_than_mnm_is_6010_and_an_inconsistent_member_under_abandon_group_is_4110() {
        assertThat(owner.create(
                                "cse-in/gowner",
                                9,
                                group("big", List.of("cse-in/gowner/a", "cse-in/gowner/b"), 1, Map.of()))
                        .rsc())
                .isEqualTo(6010);
        assertThat(owner.create(
                                "cse-in/gowner",
                                9,
                                group(
                                        "strict",
                                        List.of("cse-in/gowner/a", "cse-in/gowner"),
                                        5,
                                        Map.of("mt", 3, "csy", 2)))
                        .rsc())
                .isEqualTo(4110);
        assertThat(owner.create("cse-in/gowner", 9, Map.of("m2m:grp", Map.of("rn", "nomnm", "mid", List.of())))
                        .rsc())
                .isEqualTo(4000);
    }

    @Test
    void the_fan_out_point_needs_privilege_and_macp_decides_who_may_use_it() {
        assertThat(owner.create("cse-in/gowner", 9, group("closed", List.of("cse-in/gowner/a"), 5, Map.of()))
                        .rsc())
                .isEqualTo(2001);
        OneM2mHttpClient stranger = in.client().as("Cgstranger");
        stranger.create("cse-in", 2, ae("gstranger"));
        assertThat(stranger.retrieve("cse-in/gowner/closed/fopt").rsc()).isEqualTo(4103);
        // macp lets the stranger through the fan-out point, but each member's own policy still applies
        assertThat(owner.create(
                                "cse-in/gowner",
                                1,
                                acp(
                                        "usegroup",
                                        List.of(rule(List.of("Cgstranger"), 2)),
                                        List.of(rule(List.of("Cgowner"), 63))))
                        .rsc())
                .isEqualTo(2001);
        String macp = (String)
                owner.retrieve("cse-in/gowner/usegroup").resource("m2m:acp").get("ri");
        assertThat(owner.create(
                                "cse-in/gowner",
                                9,
                                group("viamacp", List.of("cse-in/gowner/a"), 5, Map.of("macp", List.of(macp))))
                        .rsc())
                .isEqualTo(2001);
        OneM2mResponse r = stranger.retrieve("cse-in/gowner/viamacp/fopt");
        assertThat(r.rsc()).isEqualTo(2000);
        assertThat(rsps(r))
                .singleElement()
                .satisfies(m -> assertThat(((Number) m.get("rsc")).intValue()).isEqualTo(4103));
    }

    // ---- working ----

    @Test
    void missing_members_are_dropped_and_set_mixed_accepts_other_types() {
        OneM2mResponse dropped = owner.create(
                "cse-in/gowner",
                9,
                group(
                        "tidy",
                        List.of("cse-in/gowner/a", "cse-in/gowner/nothere", "cse-in/gowner/a"),
                        5,
                        Map.of("mt", 3)));
        assertThat(dropped.rsc()).isEqualTo(2001);
        Map<String, Object> g = dropped.resource("m2m:grp");
        assertThat((List<String>) g.get("mid")).containsExactly("cse-in/gowner/a");
        assertThat(((Number) g.get("cnm")).intValue()).isEqualTo(1);
        assertThat(g).containsEntry("mtv", true);
        Map<String, Object> mixed = owner.create(
                        "cse-in/gowner",
                        9,
                        group("mixed", List.of("cse-in/gowner/a", "cse-in/gowner"), 5, Map.of("mt", 3, "csy", 3)))
                .resource("m2m:grp");
        assertThat(((Number) mixed.get("mt")).intValue()).isZero();
        assertThat((List<String>) mixed.get("mid")).hasSize(2);
    }

    @Test
    void fan_out_creates_in_every_member_including_the_one_on_the_other_cse_and_aggregates_the_answers() {
        OneM2mResponse created = owner.create(
                "cse-in/gowner",
                9,
                group("all", List.of("cse-in/gowner/a", "cse-in/gowner/b", remoteContainer), 10, Map.of("mt", 3)));
        assertThat(created.rsc()).isEqualTo(2001);
        Map<String, Object> g = created.resource("m2m:grp");
        assertThat((List<String>) g.get("mid")).hasSize(3);
        assertThat(g).containsEntry("mtv", true);

        OneM2mResponse fanned = owner.create("cse-in/gowner/all/fopt", 4, cin("everyone"));
        assertThat(fanned.rsc()).isEqualTo(2000);
        assertThat(rsps(fanned))
                .hasSize(3)
                .allSatisfy(m -> assertThat(((Number) m.get("rsc")).intValue()).isEqualTo(2001));
        OneM2mResponse latest = owner.retrieve("cse-in/gowner/all/fopt/la");
        assertThat(rsps(latest)).hasSize(3).allSatisfy(m -> {
            assertThat(((Number) m.get("rsc")).intValue()).isEqualTo(2000);
            assertThat(m.get("pc").toString()).contains("everyone");
        });
        assertThat(rsps(latest).get(2)).containsEntry("to", remoteContainer + "/la");
        assertThat(mn.client().as("Cremote").retrieve("cse-mn/remote/c/la").resource("m2m:cin"))
                .containsEntry("con", "everyone");
    }

    @Test
    void an_acp_naming_a_group_grants_its_members() {
        OneM2mHttpClient friend = in.client().as("Cfriend");
        assertThat(friend.create("cse-in", 2, ae("friend")).rsc()).isEqualTo(2001);
        OneM2mResponse g =
                owner.create("cse-in/gowner", 9, group("friends", List.of("/id-in/Cfriend"), 5, Map.of("mt", 2)));
        assertThat(g.rsc()).isEqualTo(2001);
        String groupRi = (String) g.resource("m2m:grp").get("ri");
        assertThat(owner.create(
                                "cse-in/gowner",
                                1,
                                acp(
                                        "togroup",
                                        List.of(rule(List.of("/id-in/" + groupRi), 2)),
                                        List.of(rule(List.of("Cgowner"), 63))))
                        .rsc())
                .isEqualTo(2001);
        String acpRi = (String)
                owner.retrieve("cse-in/gowner/togroup").resource("m2m:acp").get("ri");
        assertThat(owner.create("cse-in/gowner", 3, container("forfriends", Map.of("acpi", List.of(acpRi))))
                        .rsc())
                .isEqualTo(2001);
        assertThat(friend.retrieve("cse-in/gowner/forfriends").rsc()).isEqualTo(2000);
        assertThat(in.client()
                        .as("Cgstranger")
                        .retrieve("cse-in/gowner/forfriends")
                        .rsc())
                .isEqualTo(4103);
    }
}
