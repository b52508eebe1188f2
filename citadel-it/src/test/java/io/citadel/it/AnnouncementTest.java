package io.citadel.it;

import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.container;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Announcements from an MN to its registrar IN: created, kept in step on update, withdrawn on delete. */
@SuppressWarnings("unchecked")
class AnnouncementTest {
    @TempDir
    static Path dir;

    static RunningCse in;
    static RunningCse mn;
    static OneM2mHttpClient inAdmin;

    @BeforeAll
    static void start() throws Exception {
        in = TestCse.start(dir.resolve("in"), "--insecure-cse-peers", "/id-mn");
        mn = CseHierarchyTest.startRegisteredMn(dir.resolve("mn"), in.port(), "/id-in");
        inAdmin = in.client().as(CseProcess.ADMIN);
    }

    @AfterAll
    static void stop() throws Exception {
        mn.close();
        in.close();
    }

    static Map<String, Object> announcedAe(String rn, List<String> at) {
        Map<String, Object> a = new LinkedHashMap<>((Map<String, Object>) ae(rn).get("m2m:ae"));
        a.put("at", at);
        return Map.of("m2m:ae", a);
    }

    static OneM2mResponse awaitStatus(String path, int rsc) throws InterruptedException {
        OneM2mResponse r = inAdmin.retrieve(path);
        for (int i = 0; i < 100 && r.rsc() != rsc; i++) {
            Thread.sleep(50);
            r = inAdmin.retrieve(path);
        }
        assertThat(r.rsc()).as(r.text()).isEqualTo(rsc);
        return r;
    }

    // ---- refused ----

    @Test
    void announcing_elsewhere_than_the_registrar_or_without_one_is_4000() {
        assertThat(mn.client()
                        .as("Cfar")
                        .create("cse-mn", 2, announcedAe("far", List.of("/id-other")))
                        .rsc())
                .isEqualTo(4000);
        assertThat(in.client()
                        .as("Ctop")
                        .create("cse-in", 2, announcedAe("top", List.of("/id-mn")))
                        .rsc())
                .isEqualTo(4000);
    }

    @Test
    void only_a_cse_announces_and_only_its_own_resources() {
        // even the administrator, an AE, may not plant an announcement
        assertThat(inAdmin.create("cse-in/id-mn", 10003, Map.of("m2m:cntA", Map.of("lnk", "/id-mn/x")))
                        .rsc())
                .isEqualTo(4000);
        assertThat(in.client()
                        .as("/id-mn")
                        .create(
                                "cse-in/id-mn",
                                10003,
                                Map.of("m2m:cntA", Map.of("rn", "forged", "lnk", "/id-other/cnt1")))
                        .rsc())
                .isEqualTo(4000);
    }

    // ---- working ----

    @Test
    void an_announced_ae_and_container_appear_at_the_registrar_and_follow_their_originals() throws Exception {
        OneM2mHttpClient sensor = mn.client().as("Cannsensor");
        OneM2mResponse made = sensor.create("cse-mn", 2, announcedAe("annsensor", List.of("/id-in")));
        assertThat(made.rsc()).isEqualTo(2001);
        Map<String, Object> aeA = awaitStatus("cse-in/id-mn/Cannsensor", 2000).resource("m2m:aeA");
        assertThat(aeA).containsEntry("lnk", "/id-mn/Cannsensor").containsEntry("api", "Nit-annsensor");

        Map<String, Object> cnt = new HashMap<>(Map.of("at", List.of("/id-in"), "aa", List.of("mni"), "mni", 10));
        OneM2mResponse c = sensor.create("cse-mn/annsensor", 3, container("readings", cnt));
        assertThat(c.rsc()).isEqualTo(2001);
        String cntRi = (String) c.resource("m2m:cnt").get("ri");
        Map<String, Object> cntA =
                awaitStatus("cse-in/id-mn/Cannsensor/" + cntRi, 2000).resource("m2m:cntA");
        assertThat(cntA).containsEntry("lnk", "/id-mn/" + cntRi);
        assertThat(((Number) cntA.get("mni")).intValue()).isEqualTo(10);

        assertThat(sensor.update(
                                "cse-mn/annsensor/readings",
                                Map.of("m2m:cnt", Map.of("mni", 20, "lbl", List.of("k:v"))))
                        .rsc())
                .isEqualTo(2004);
        for (int i = 0; i < 100; i++) {
            Map<String, Object> now =
                    inAdmin.retrieve("cse-in/id-mn/Cannsensor/" + cntRi).resource("m2m:cntA");
            if (((Number) now.get("mni")).intValue() == 20) {
                assertThat(now).containsEntry("lbl", List.of("k:v"));
                break;
            }
            Thread.sleep(50);
            assertThat(i).isLessThan(99);
        }

        // withdrawn when at no longer names the registrar, announced again when it does
        Map<String, Object> noAt = new HashMap<>();
        noAt.put("at", null);
        assertThat(sensor.update("cse-mn/annsensor/readings", Map.of("m2m:cnt", noAt))
                        .rsc())
                .isEqualTo(2004);
        awaitStatus("cse-in/id-mn/Cannsensor/" + cntRi, 4004);
        assertThat(sensor.update("cse-mn/annsensor/readings", Map.of("m2m:cnt", Map.of("at", List.of("/id-in"))))
                        .rsc())
                .isEqualTo(2004);
        awaitStatus("cse-in/id-mn/Cannsensor/" + cntRi, 2000);

        // deleting the original withdraws the announcement (and its announced children with it)
        assertThat(sensor.delete("cse-mn/annsensor").rsc()).isEqualTo(2002);
        awaitStatus("cse-in/id-mn/Cannsensor", 4004);
    }
}
