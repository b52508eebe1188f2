package io.citadel.it;

import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.cin;
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

/** Registration, CRUD, addressing, result content and discovery against a real server process. */
@SuppressWarnings("unchecked")
class ResourceLifecycleTest {
    @TempDir
    static Path dataDir;

    static RunningCse cse;
    static OneM2mHttpClient client;

    @BeforeAll
    static void start() throws Exception {
        cse = TestCse.start(dataDir);
        client = cse.client();
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
    }

    @Test
    void ae_registration_with_empty_from_gets_a_cse_assigned_c_stem() {
        OneM2mResponse r = client.as(null).create("cse-in", 2, ae("anon1"));
        assertThat(r.rsc()).isEqualTo(2001);
        Map<String, Object> ae = r.resource("m2m:ae");
        assertThat((String) ae.get("aei")).startsWith("C").hasSizeGreaterThan(8);
        assertThat(ae.get("ri")).isEqualTo(ae.get("aei"));
        assertThat(r.header("Content-Location")).contains("/cse-in/anon1");
    }

    @Test
    void re_registration_of_the_same_ae_id_is_4117() {
        assertThat(client.as("Creg1").create("cse-in", 2, ae("reg1")).rsc()).isEqualTo(2001);
        assertThat(client.as("Creg1").create("cse-in", 2, ae("reg1b")).rsc()).isEqualTo(4117);
    }

    @Test
    void registration_needs_api_rr_and_srv() {
        assertThat(client.as("Cbad1")
                        .create("cse-in", 2, Map.of("m2m:ae", Map.of("api", "Nx", "srv", List.of("3"))))
                        .rsc())
                .isEqualTo(4000);
        assertThat(client.as("Cbad2")
                        .create("cse-in", 2, Map.of("m2m:ae", Map.of("api", "Xbad", "rr", true, "srv", List.of("3"))))
                        .rsc())
                .isEqualTo(4000);
        assertThat(client.as("/id-in/Cbad3").create("cse-in", 2, ae("bad3")).rsc())
                .isEqualTo(4000);
    }

    @Test
    void name_conflict_is_4105_and_unknown_target_is_4004() {
        OneM2mHttpClient app = register("Cconf");
        assertThat(app.create("cse-in/Cconf-ae", 3, container("c")).rsc()).isEqualTo(2001);
        assertThat(app.create("cse-in/Cconf-ae", 3, container("c")).rsc()).isEqualTo(4105);
        assertThat(app.retrieve("cse-in/Cconf-ae/nothing").rsc()).isEqualTo(4004);
    }

    @Test
    void container_enforces_mni_and_counts_exactly_and_serves_la_ol() {
        OneM2mHttpClient app = register("Cmni");
        assertThat(app.create("cse-in/Cmni-ae", 3, container("data", Map.of("mni", 3)))
                        .rsc())
                .isEqualTo(2001);
        for (int i = 1; i <= 5; i++) {
            assertThat(app.create("cse-in/Cmni-ae/data", 4, cin("v" + i)).rsc()).isEqualTo(2001);
        }
        Map<String, Object> cnt = app.retrieve("cse-in/Cmni-ae/data").resource("m2m:cnt");
        assertThat(cnt.get("cni")).isEqualTo(3L);
        assertThat(cnt.get("cbs")).isEqualTo(6L);
        assertThat(app.retrieve("cse-in/Cmni-ae/data/la").resource("m2m:cin").get("con"))
                .isEqualTo("v5");
        assertThat(app.retrieve("cse-in/Cmni-ae/data/ol").resource("m2m:cin").get("con"))
                .isEqualTo("v3");
        assertThat(app.delete("cse-in/Cmni-ae/data/la").rsc()).isEqualTo(2002);
        assertThat(app.retrieve("cse-in/Cmni-ae/data/la").resource("m2m:cin").get("con"))
                .isEqualTo("v4");
        assertThat(app.retrieve("cse-in/Cmni-ae/data").resource("m2m:cnt").get("cni"))
                .isEqualTo(2L);
    }

    @Test
    void mbs_rejects_an_oversize_instance_and_evicts_old_ones() {
        OneM2mHttpClient app = register("Cmbs");
        app.create("cse-in/Cmbs-ae", 3, container("d", Map.of("mbs", 10)));
        assertThat(app.create("cse-in/Cmbs-ae/d", 4, cin("12345678901")).rsc()).isEqualTo(5207);
        for (String v : List.of("1234", "5678", "abcd")) {
            assertThat(app.create("cse-in/Cmbs-ae/d", 4, cin(v)).rsc()).isEqualTo(2001);
        }
        Map<String, Object> cnt = app.retrieve("cse-in/Cmbs-ae/d").resource("m2m:cnt");
        assertThat(cnt.get("cbs")).isEqualTo(8L);
        assertThat(cnt.get("cni")).isEqualTo(2L);
    }

    @Test
    void content_instances_are_immutable_and_con_may_be_any_json() {
        OneM2mHttpClient app = register("Cimm");
        app.create("cse-in/Cimm-ae", 3, container("d"));
        OneM2mResponse created = app.create("cse-in/Cimm-ae/d", 4, cin(Map.of("t", 21.5, "ok", true)));
        assertThat(created.rsc()).isEqualTo(2001);
        assertThat(created.resource("m2m:cin").get("con")).isEqualTo(Map.of("t", 21.5, "ok", true));
        String ri = (String) created.resource("m2m:cin").get("ri");
        assertThat(app.update(ri, Map.of("m2m:cin", Map.of("lbl", List.of("x"))))
                        .rsc())
                .isEqualTo(4005);
    }

    @Test
    void every_addressing_form_reaches_the_same_resource() {
        OneM2mHttpClient app = register("Caddr");
        String ri = (String) app.create("cse-in/Caddr-ae", 3, container("box"))
                .resource("m2m:cnt")
                .get("ri");
        for (String to : List.of(
                "cse-in/Caddr-ae/box",
                "-/Caddr-ae/box",
                ri,
                "~/id-in/cse-in/Caddr-ae/box",
                "~/id-in/" + ri,
                "_/citadel.example/id-in/cse-in/Caddr-ae/box",
                "Caddr/box")) {
            OneM2mResponse r = app.retrieve(to);
            assertThat(r.rsc()).as(to).isEqualTo(2000);
            assertThat(r.resource("m2m:cnt").get("ri")).as(to).isEqualTo(ri);
        }
        assertThat(app.retrieve("~/id-other/cse-in").rsc()).isEqualTo(4004);
        assertThat(app.retrieve("_/other.example/id-in/cse-in").rsc()).isEqualTo(4004);
    }

    @Test
    void partial_retrieve_and_result_content_variants() {
        OneM2mHttpClient app = register("Crcn");
        app.create("cse-in/Crcn-ae", 3, container("box", Map.of("lbl", List.of("room:1"))));
        app.create("cse-in/Crcn-ae/box", 4, cin("a"));
        assertThat(app.retrieve("cse-in/Crcn-ae/box%23lbl").resource("m2m:cnt")).containsOnlyKeys("lbl");
        assertThat(app.retrieve("cse-in/Crcn-ae/box?atrl=rn+cni").resource("m2m:cnt"))
                .containsOnlyKeys("rn", "cni");
        assertThat(app.retrieve("cse-in/Crcn-ae/box?atrl=nope").rsc()).isEqualTo(4000);
        Map<String, Object> withChildren =
                app.retrieve("cse-in/Crcn-ae/box?rcn=4").resource("m2m:cnt");
        assertThat((List<?>) withChildren.get("m2m:cin")).hasSize(1);
        Map<String, Object> withRefs = app.retrieve("cse-in/Crcn-ae/box?rcn=5").resource("m2m:cnt");
        assertThat((List<?>) withRefs.get("ch")).hasSize(1);
        assertThat(app.retrieve("cse-in/Crcn-ae/box?rcn=6").content()).containsKey("m2m:rrl");
        assertThat(app.retrieve("cse-in/Crcn-ae/box?rcn=2").rsc()).isEqualTo(4000);
        OneM2mResponse uri = app.send(
                "POST",
                "cse-in/Crcn-ae/box?rcn=2",
                "application/json;ty=4",
                "{\"m2m:cin\":{\"con\":\"b\"}}".getBytes());
        assertThat(uri.content().get("m2m:uri")).asString().startsWith("cse-in/Crcn-ae/box/");
        OneM2mResponse nothing = app.send(
                "POST",
                "cse-in/Crcn-ae/box?rcn=0",
                "application/json;ty=4",
                "{\"m2m:cin\":{\"con\":\"c\"}}".getBytes());
        assertThat(nothing.rsc()).isEqualTo(2001);
        assertThat(nothing.body()).isEmpty();
    }

    @Test
    void update_changes_attributes_and_bumps_state_tag() {
        OneM2mHttpClient app = register("Cupd");
        app.create("cse-in/Cupd-ae", 3, container("box"));
        OneM2mResponse r = app.update("cse-in/Cupd-ae/box", Map.of("m2m:cnt", Map.of("mni", 7, "lbl", List.of("a"))));
        assertThat(r.rsc()).isEqualTo(2004);
        assertThat(r.resource("m2m:cnt")).containsEntry("mni", 7L).containsEntry("st", 1L);
        Map<String, Object> removeMni = new java.util.HashMap<>();
        removeMni.put("mni", null);
        assertThat(app.update("cse-in/Cupd-ae/box", Map.of("m2m:cnt", removeMni))
                        .resource("m2m:cnt"))
                .doesNotContainKey("mni");
        assertThat(app.update("cse-in/Cupd-ae/box", Map.of("m2m:cnt", Map.of("cni", 0)))
                        .rsc())
                .isEqualTo(4000);
        assertThat(app.update("cse-in", Map.of("m2m:cb", Map.of("lbl", List.of("x"))))
                        .rsc())
                .isIn(4005, 4103);
    }

    @Test
    void discovery_filters_by_type_label_and_limit_and_only_shows_what_the_originator_may_discover() {
        OneM2mHttpClient app = register("Cdisc");
        app.create("cse-in/Cdisc-ae", 3, container("a", Map.of("lbl", List.of("kind:x"))));
        app.create("cse-in/Cdisc-ae", 3, container("b"));
        app.create("cse-in/Cdisc-ae/a", 4, cin("1"));
        List<?> all = (List<?>) app.retrieve("cse-in/Cdisc-ae?fu=1").content().get("m2m:uril");
        assertThat(all).hasSize(3);
        assertThat((List<Object>)
                        app.retrieve("cse-in/Cdisc-ae?fu=1&ty=3").content().get("m2m:uril"))
                .containsExactly("cse-in/Cdisc-ae/a", "cse-in/Cdisc-ae/b");
        assertThat((List<Object>) app.retrieve("cse-in/Cdisc-ae?fu=1&lbl=kind:x")
                        .content()
                        .get("m2m:uril"))
                .containsExactly("cse-in/Cdisc-ae/a");
        assertThat((List<?>) app.retrieve("cse-in/Cdisc-ae?fu=1&ty=3&lim=1")
                        .content()
                        .get("m2m:uril"))
                .hasSize(1);
        assertThat((List<?>) app.retrieve("cse-in/Cdisc-ae?fu=1&ty=3&drt=2")
                        .content()
                        .get("m2m:uril"))
                .allSatisfy(u -> assertThat((String) u).doesNotContain("/"));
        OneM2mHttpClient other = register("Cdisc2");
        assertThat(other.retrieve("cse-in?fu=1&ty=3").content().get("m2m:uril"))
                .asList()
                .noneMatch(u -> ((String) u).startsWith("cse-in/Cdisc-ae/"));
    }

    @Test
    void expired_resources_disappear() throws Exception {
        OneM2mHttpClient app = register("Cexp");
        String soon = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                .withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.now().plusSeconds(2));
        assertThat(app.create("cse-in/Cexp-ae", 3, container("tmp", Map.of("et", soon)))
                        .rsc())
                .isEqualTo(2001);
        assertThat(app.create("cse-in/Cexp-ae", 3, container("past", Map.of("et", "20200101T000000")))
                        .rsc())
                .isEqualTo(4000);
        long deadline = System.currentTimeMillis() + 10_000;
        int rsc = 2000;
        while (rsc == 2000 && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            rsc = app.retrieve("cse-in/Cexp-ae/tmp").rsc();
        }
        assertThat(rsc).isEqualTo(4004);
        assertThat(app.create("cse-in/Cexp-ae", 3, container("tmp")).rsc()).isEqualTo(2001);
    }

    @Test
    void deleting_an_ae_deregisters_it_and_removes_its_subtree() {
        OneM2mHttpClient app = register("Cdel");
        app.create("cse-in/Cdel-ae", 3, container("box"));
        assertThat(app.delete("cse-in/Cdel-ae").rsc()).isEqualTo(2002);
        assertThat(client.as(CseProcess.ADMIN).retrieve("cse-in/Cdel-ae/box").rsc())
                .isEqualTo(4004);
        assertThat(app.retrieve("cse-in").rsc()).isEqualTo(4106); // no longer registered, no association
        assertThat(client.as("Cdel").create("cse-in", 2, ae("Cdel-ae")).rsc()).isEqualTo(2001);
    }

    @Test
    void csebase_lists_supported_release_versions_and_types() {
        Map<String, Object> cb = client.as(CseProcess.ADMIN).retrieve("cse-in").resource("m2m:cb");
        assertThat(cb.get("srv")).isEqualTo(List.of("2a", "3", "4", "5"));
        assertThat(cb).containsEntry("csi", "/id-in").containsEntry("cst", 1L);
        assertThat((List<Object>) cb.get("srt")).contains(1L, 2L, 3L, 4L, 5L);
    }

    static OneM2mHttpClient register(String stem) {
        OneM2mHttpClient app = client.as(stem);
        assertThat(app.create("cse-in", 2, ae(stem + "-ae")).rsc()).isEqualTo(2001);
        return app;
    }
}
