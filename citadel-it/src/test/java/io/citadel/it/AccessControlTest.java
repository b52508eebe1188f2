package io.citadel.it;

import static io.citadel.it.Fixtures.acp;
import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.cin;
import static io.citadel.it.Fixtures.container;
import static io.citadel.it.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access decision over the real HTTP binding: negative cases first. */
class AccessControlTest {
    @TempDir
    static Path dataDir;

    static RunningCse cse;
    static OneM2mHttpClient client;

    @BeforeAll
    static void start() throws Exception {
        cse = TestCse.start(dataDir, "--registration-allowed", "C*");
        client = cse.client();
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
    }

    static OneM2mHttpClient register(String stem) {
        OneM2mHttpClient app = client.as(stem);
        assertThat(app.create("cse-in", 2, ae(stem)).rsc()).isEqualTo(2001);
        return app;
    }

    @Test
    void an_unregistered_originator_gets_4106_and_a_registered_stranger_4103_everywhere() {
        OneM2mHttpClient owner = register("Cown1");
        owner.create("cse-in/Cown1", 3, container("box"));
        // TS-0004 7.3.2.1: no security association and an AE-ID not registered here
        OneM2mHttpClient nobody = client.as("Cnobody");
        assertThat(nobody.retrieve("cse-in/Cown1/box").rsc()).isEqualTo(4106);
        assertThat(nobody.retrieve("cse-in").rsc()).isEqualTo(4106);
        assertThat(nobody.create("cse-in/Cown1/box", 4, cin("x")).rsc()).isEqualTo(4106);
        assertThat(nobody.delete("cse-in/Cown1/box").rsc()).isEqualTo(4106);
        assertThat(client.as("all").retrieve("cse-in/Cown1/box").rsc()).isEqualTo(4106);
        assertThat(client.as("*").retrieve("cse-in/Cown1/box").rsc()).isEqualTo(4106);
        assertThat(client.as(".*").retrieve("cse-in/Cown1/box").rsc()).isEqualTo(4106);
        assertThat(client.as("/id-mn/Celsewhere").retrieve("cse-in/Cown1/box").rsc())
                .isEqualTo(4106);
        OneM2mHttpClient stranger = register("Cstranger");
        assertThat(stranger.retrieve("cse-in/Cown1/box").rsc()).isEqualTo(4103);
        assertThat(stranger.create("cse-in/Cown1/box", 4, cin("x")).rsc()).isEqualTo(4103);
        assertThat(stranger.delete("cse-in/Cown1/box").rsc()).isEqualTo(4103);
        assertThat(owner.retrieve("cse-in/Cown1/box").rsc()).isEqualTo(2000);
    }

    @Test
    void registration_outside_the_allowed_patterns_is_refused() {
        assertThat(client.as("Sfoo").create("cse-in", 2, ae("sfoo")).rsc()).isEqualTo(4126);
    }

    @Test
    void another_registered_ae_cannot_touch_resources_without_acpi() {
        OneM2mHttpClient owner = register("Cown2");
        OneM2mHttpClient other = register("Cother2");
        owner.create("cse-in/Cown2", 3, container("box"));
        assertThat(other.retrieve("cse-in/Cown2/box").rsc()).isEqualTo(4103);
        assertThat(other.create("cse-in/Cown2", 3, container("mine")).rsc()).isEqualTo(4103);
        assertThat(other.retrieve("cse-in").rsc()).isEqualTo(2000);
        assertThat(other.create("cse-in", 3, container("top")).rsc()).isEqualTo(4103);
    }

    @Test
    void acp_grants_exactly_the_listed_operations_to_the_listed_originators() {
        OneM2mHttpClient owner = register("Cown3");
        OneM2mHttpClient reader = register("Creader3");
        OneM2mHttpClient other = register("Cother3");
        assertThat(owner.create(
                                "cse-in/Cown3",
                                1,
                                acp(
                                        "acp3",
                                        List.of(rule(List.of("Cown3"), 63), rule(List.of("Creader3"), 2)),
                                        List.of(rule(List.of("Cown3"), 63))))
                        .rsc())
                .isEqualTo(2001);
        assertThat(owner.create("cse-in/Cown3", 3, container("box", Map.of("acpi", List.of("cse-in/Cown3/acp3"))))
                        .rsc())
                .isEqualTo(2001);
        owner.create("cse-in/Cown3/box", 4, cin("v"));
        assertThat(reader.retrieve("cse-in/Cown3/box").rsc()).isEqualTo(2000);
        assertThat(reader.retrieve("cse-in/Cown3/box/la").rsc()).isEqualTo(2000);
        assertThat(reader.create("cse-in/Cown3/box", 4, cin("w")).rsc()).isEqualTo(4103);
        assertThat(reader.delete("cse-in/Cown3/box").rsc()).isEqualTo(4103);
        assertThat(reader.update("cse-in/Cown3/box", Map.of("m2m:cnt", Map.of("mni", 1)))
                        .rsc())
                .isEqualTo(4103);
        assertThat(reader.retrieve("cse-in/Cown3/box?fu=1").rsc()).isEqualTo(4103);
        assertThat(other.retrieve("cse-in/Cown3/box").rsc()).isEqualTo(4103);
        assertThat(reader.retrieve("cse-in/Cown3/acp3").rsc()).isEqualTo(4103);
        assertThat(owner.retrieve("cse-in/Cown3/acp3").rsc()).isEqualTo(2000);
    }

    @Test
    void wildcards_never_cross_a_slash_and_never_act_as_regex() {
        OneM2mHttpClient owner = register("Cown4");
        OneM2mHttpClient sensor = register("Csensor4a");
        owner.create(
                "cse-in/Cown4",
                1,
                acp("acp4", List.of(rule(List.of("Csensor4*"), 2)), List.of(rule(List.of("Cown4"), 63))));
        owner.create("cse-in/Cown4", 3, container("box", Map.of("acpi", List.of("cse-in/Cown4/acp4"))));
        assertThat(sensor.retrieve("cse-in/Cown4/box").rsc()).isEqualTo(2000);
        assertThat(client.as("/id-in/Csensor4x/y").retrieve("cse-in/Cown4/box").rsc())
                .isEqualTo(4106);
        assertThat(register("Csensor").retrieve("cse-in/Cown4/box").rsc()).isEqualTo(4103);
        OneM2mHttpClient owner5 = register("Cown5");
        owner5.create(
                "cse-in/Cown5", 1, acp("acp5", List.of(rule(List.of("C.*"), 63)), List.of(rule(List.of("Cown5"), 63))));
        owner5.create("cse-in/Cown5", 3, container("box", Map.of("acpi", List.of("cse-in/Cown5/acp5"))));
        assertThat(register("Cregex5").retrieve("cse-in/Cown5/box").rsc()).isEqualTo(4103);
    }

    @Test
    void acpi_update_must_be_alone_and_is_decided_by_self_privileges() {
        OneM2mHttpClient owner = register("Cown6");
        OneM2mHttpClient friend = register("Cfriend6");
        owner.create(
                "cse-in/Cown6",
                1,
                acp("open", List.of(rule(List.of("Cfriend6"), 63)), List.of(rule(List.of("Cown6"), 63))));
        owner.create("cse-in/Cown6", 3, container("box", Map.of("acpi", List.of("cse-in/Cown6/open"))));
        assertThat(friend.update("cse-in/Cown6/box", Map.of("m2m:cnt", Map.of("lbl", List.of("ok"))))
                        .rsc())
                .isEqualTo(2004);
        assertThat(friend.update("cse-in/Cown6/box", Map.of("m2m:cnt", Map.of("acpi", List.of("cse-in/Cown6/open"))))
                        .rsc())
                .isEqualTo(4103);
        assertThat(owner.update(
                                "cse-in/Cown6/box",
                                Map.of("m2m:cnt", Map.of("acpi", List.of("cse-in/Cown6/open"), "lbl", List.of("x"))))
                        .rsc())
                .isEqualTo(4000);
        assertThat(owner.update("cse-in/Cown6/box", Map.of("m2m:cnt", Map.of("acpi", List.of("cse-in/Cown6/open"))))
                        .rsc())
                .isEqualTo(2004);
    }

    @Test
    void acpi_must_reference_existing_acps() {
        OneM2mHttpClient owner = register("Cown7");
        assertThat(owner.create("cse-in/Cown7", 3, container("box", Map.of("acpi", List.of("nope"))))
                        .rsc())
                .isEqualTo(4000);
        owner.create("cse-in/Cown7", 3, container("plain"));
        assertThat(owner.create("cse-in/Cown7", 3, container("box2", Map.of("acpi", List.of("cse-in/Cown7/plain"))))
                        .rsc())
                .isEqualTo(4000);
    }

    @Test
    void rules_outside_their_time_window_or_needing_authentication_do_not_permit() {
        OneM2mHttpClient owner = register("Cown8");
        OneM2mHttpClient friend = register("Cfriend8");
        int nextYear = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getYear() + 1;
        Map<String, Object> timed = Map.of(
                "acor",
                List.of("Cfriend8"),
                "acop",
                63,
                "acco",
                List.of(Map.of("actw", List.of("* * * * * * " + nextYear))));
        Map<String, Object> authOnly = Map.of("acor", List.of("Cfriend8"), "acop", 63, "acaf", true);
        owner.create(
                "cse-in/Cown8",
                1,
                Map.of(
                        "m2m:acp",
                        Map.of(
                                "rn",
                                "ctx",
                                "pv",
                                Map.of("acr", List.of(timed, authOnly)),
                                "pvs",
                                Map.of("acr", List.of(rule(List.of("Cown8"), 63))))));
        owner.create("cse-in/Cown8", 3, container("box", Map.of("acpi", List.of("cse-in/Cown8/ctx"))));
        assertThat(friend.retrieve("cse-in/Cown8/box").rsc()).isEqualTo(4103);
    }

    @Test
    void acod_limits_which_child_types_may_be_created() {
        OneM2mHttpClient owner = register("Cown9");
        OneM2mHttpClient producer = register("Cprod9");
        Map<String, Object> onlyCin =
                Map.of("acor", List.of("Cprod9"), "acop", 1, "acod", List.of(Map.of("chty", List.of(4))));
        owner.create(
                "cse-in/Cown9",
                1,
                Map.of(
                        "m2m:acp",
                        Map.of(
                                "rn",
                                "od",
                                "pv",
                                Map.of("acr", List.of(onlyCin)),
                                "pvs",
                                Map.of("acr", List.of(rule(List.of("Cown9"), 63))))));
        owner.create("cse-in/Cown9", 3, container("box", Map.of("acpi", List.of("cse-in/Cown9/od"))));
        assertThat(producer.create("cse-in/Cown9/box", 4, cin("ok")).rsc()).isEqualTo(2001);
        assertThat(producer.create("cse-in/Cown9/box", 3, container("sub")).rsc())
                .isEqualTo(4103);
    }

    @Test
    void the_administrator_may_do_anything() {
        OneM2mHttpClient owner = register("Cown10");
        owner.create("cse-in/Cown10", 3, container("box"));
        OneM2mHttpClient admin = client.as(CseProcess.ADMIN);
        assertThat(admin.retrieve("cse-in/Cown10/box").rsc()).isEqualTo(2000);
        assertThat(admin.create("cse-in", 3, container("admin-box")).rsc()).isEqualTo(2001);
        assertThat(admin.delete("cse-in/Cown10/box").rsc()).isEqualTo(2002);
    }
}
