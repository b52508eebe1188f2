package io.citadel.engine.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.store.memory.InMemoryResourceStore;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A data subject's access log, kept from the access decisions, read by the subject through {@code <AE>/accessLog},
 * and its export: negative cases first.
 */
class SubjectAccessLogTest {
    private static final String ADMIN = "CAdminPrivacy9";
    private static final CseSettings SETTINGS =
            new CseSettings("/id-in", "cse-in", "//citadel.example", 1, ADMIN, List.of("C*"), List.of(), 100);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicInteger rqi = new AtomicInteger();
    private Cse cse;

    @BeforeEach
    void start() {
        cse = Cse.builder(SETTINGS, new InMemoryResourceStore()).build();
        for (String ae : List.of("Cdev", "Capp", "Cother")) {
            assertThat(create(
                                    ae,
                                    "/id-in/cse-in",
                                    ResourceType.AE,
                                    Map.of(
                                            "m2m:ae",
                                            Map.of(
                                                    "rn",
                                                    ae.substring(1),
                                                    "api",
                                                    "Npriv",
                                                    "rr",
                                                    false,
                                                    "srv",
                                                    List.of("3"))))
                            .status()
                            .code())
                    .isEqualTo(2001);
        }
        assertThat(create(
                                "Cdev",
                                "/id-in/cse-in/dev",
                                ResourceType.ACCESS_CONTROL_POLICY,
                                Map.of(
                                        "m2m:acp",
                                        Map.of(
                                                "rn", "acp",
                                                "pv",
                                                        Map.of(
                                                                "acr",
                                                                List.of(
                                                                        Map.of("acor", List.of("Capp"), "acop", 2),
                                                                        Map.of("acor", List.of("Cdev"), "acop", 63))),
                                                "pvs",
                                                        Map.of(
                                                                "acr",
                                                                List.of(Map.of("acor", List.of("Cdev"), "acop", 63))))))
                        .status()
                        .code())
                .isEqualTo(2001);
        assertThat(create(
                                "Cdev",
                                "/id-in/cse-in/dev",
                                ResourceType.CONTAINER,
                                Map.of("m2m:cnt", Map.of("rn", "box", "acpi", List.of("cse-in/dev/acp"))))
                        .status()
                        .code())
                .isEqualTo(2001);
        assertThat(create(
                                "Cdev",
                                "/id-in/cse-in/dev/box",
                                ResourceType.CONTENT_INSTANCE,
                                Map.of("m2m:cin", Map.of("con", "heart rate 61")))
                        .status()
                        .code())
                .isEqualTo(2001);
    }

    @AfterEach
    void stop() {
        cse.close();
    }

    private ResponsePrimitive create(String from, String to, ResourceType type, Map<String, Object> content) {
        return cse.handle(
                RequestPrimitive.builder(Operation.CREATE, to)
                        .from(from)
                        .requestId("r" + rqi.incrementAndGet())
                        .releaseVersion("3")
                        .resourceType(type.code())
                        .content(content)
                        .build(),
                RequestContext.local());
    }

    private ResponsePrimitive request(Operation op, String from, String to) {
        RequestPrimitive.Builder b = RequestPrimitive.builder(op, to)
                .from(from)
                .requestId("r" + rqi.incrementAndGet())
                .releaseVersion("3");
        if (op == Operation.UPDATE) {
            b.content(Map.of("m2m:ae", Map.of("lbl", List.of("x"))));
        }
        return cse.handle(b.build(), RequestContext.local());
    }

    @Test
    void only_the_subject_reads_its_access_log_and_only_by_retrieve_and_the_name_is_reserved_under_an_ae() {
        assertThat(request(Operation.RETRIEVE, "Capp", "/id-in/cse-in/dev/accessLog")
                        .status()
                        .code())
                .isEqualTo(4103);
        assertThat(request(Operation.RETRIEVE, ADMIN, "/id-in/cse-in/dev/accessLog")
                        .status()
                        .code())
                .as("the operator has the admin API; the subject's log is the subject's")
                .isEqualTo(4103);
        assertThat(request(Operation.UPDATE, "Cdev", "/id-in/cse-in/dev/accessLog")
                        .status()
                        .code())
                .isEqualTo(4005);
        assertThat(request(Operation.DELETE, "Cdev", "/id-in/cse-in/dev/accessLog")
                        .status()
                        .code())
                .isEqualTo(4005);
        assertThat(create(
                                "Cdev",
                                "/id-in/cse-in/dev",
                                ResourceType.CONTAINER,
                                Map.of("m2m:cnt", Map.of("rn", DataSubjects.ACCESS_LOG)))
                        .status()
                        .code())
                .isEqualTo(4000);
        assertThat(create(
                                "Cdev",
                                "/id-in/cse-in/dev/box",
                                ResourceType.CONTAINER,
                                Map.of("m2m:cnt", Map.of("rn", DataSubjects.ACCESS_LOG)))
                        .status()
                        .code())
                .as("only directly under an <AE> is the name taken")
                .isEqualTo(2001);
    }

    @Test
    void others_accesses_are_logged_for_the_subject_its_own_are_not_and_the_administrator_is_named_admin() {
        assertThat(request(Operation.RETRIEVE, "Cother", "/id-in/cse-in/dev/box")
                        .status()
                        .code())
                .isEqualTo(4103);
        assertThat(request(Operation.RETRIEVE, "Capp", "/id-in/cse-in/dev/box/la")
                        .status()
                        .code())
                .isEqualTo(2000);
        assertThat(request(Operation.RETRIEVE, ADMIN, "/id-in/cse-in/dev/box")
                        .status()
                        .code())
                .isEqualTo(2000);
        assertThat(request(Operation.RETRIEVE, "Cdev", "/id-in/cse-in/dev/box")
                        .status()
                        .code())
                .isEqualTo(2000);

        List<SubjectAccess> log = cse.privacy().accessLog("Cdev", 100);
        assertThat(log).extracting(SubjectAccess::accessor).containsExactly("/id-in/Cother", "/id-in/Capp", "admin");
        assertThat(log).extracting(SubjectAccess::permitted).containsExactly(false, true, true);
        assertThat(log)
                .allMatch(
                        a -> a.subject().equals("/id-in/Cdev") && a.operation().equals("RETRIEVE"));
        assertThat(log).allMatch(a -> a.assurance() == 1);
        assertThat(log.toString()).doesNotContain(ADMIN);
        assertThat(cse.privacy().accessLog("Capp", 100))
                .as("Capp's own data was not touched")
                .isEmpty();

        ResponsePrimitive own = request(Operation.RETRIEVE, "Cdev", "/id-in/cse-in/dev/accessLog");
        assertThat(own.status().code()).isEqualTo(2000);
        Map<?, ?> body = (Map<?, ?>) ((Map<?, ?>) own.content()).get("citadel:accessLog");
        assertThat((List<?>) body.get("entries")).hasSize(3);
        assertThat(body.toString()).contains("/id-in/Capp").doesNotContain(ADMIN);
    }

    @Test
    void an_export_refuses_what_is_not_a_subject_or_unknown_and_writes_nothing() {
        for (String notASubject : List.of("/id-mn", ADMIN, "", "//citadel.example/id-in")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThatThrownBy(() -> cse.privacy().export(notASubject, out))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(out.size()).isZero();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> cse.privacy().export("Cnobody", out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no data");
        assertThat(out.size()).isZero();
    }

    @Test
    void an_export_holds_the_subjects_resources_as_clients_see_them_and_its_access_log() throws Exception {
        assertThat(request(Operation.RETRIEVE, "Capp", "/id-in/cse-in/dev/box")
                        .status()
                        .code())
                .isEqualTo(2000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrivacyService.Exported done = cse.privacy().export("//citadel.example/id-in/Cdev", out);
        assertThat(done.subject()).isEqualTo("/id-in/Cdev");
        assertThat(done.resources()).isEqualTo(4); // the AE, its ACP, its container and the instance
        assertThat(done.accesses()).isEqualTo(1);
        Map<?, ?> export = JSON.readValue(out.toByteArray(), Map.class);
        assertThat(export.get("subject")).isEqualTo("/id-in/Cdev");
        List<?> resources = (List<?>) export.get("resources");
        assertThat(resources).hasSize(4);
        assertThat(resources.toString()).contains("m2m:ae", "m2m:acp", "m2m:cnt", "heart rate 61");
        assertThat(out.toString()).as("no hidden or write-only attribute").doesNotContain("citadel:");
        assertThat(((List<?>) export.get("accessLog")).toString()).contains("/id-in/Capp");
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        cse.privacy().export("Capp", other);
        assertThat(other.toString()).doesNotContain("heart rate 61");
    }

    @Test
    void an_erasure_refuses_what_is_not_a_subject_or_unknown_and_changes_nothing() {
        for (String notASubject : List.of("/id-mn", ADMIN, "")) {
            assertThatThrownBy(() -> cse.privacy().erase(notASubject, false))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> cse.privacy().erase("Cnobody", false)).hasMessageContaining("no data");
        assertThat(request(Operation.RETRIEVE, "Cdev", "/id-in/cse-in/dev/box/la")
                        .status()
                        .code())
                .isEqualTo(2000);
    }

    @Test
    void an_erasure_removes_the_subjects_tree_what_it_made_elsewhere_and_its_log_and_leaves_others_alone() {
        // the subject's data elsewhere: a container under Capp, which Capp's ACP-less AE lets its creator... not; so
        // the administrator opens one for it at the CSEBase
        assertThat(create(
                                ADMIN,
                                "/id-in/cse-in",
                                ResourceType.ACCESS_CONTROL_POLICY,
                                Map.of(
                                        "m2m:acp",
                                        Map.of(
                                                "rn", "open",
                                                "pv",
                                                        Map.of(
                                                                "acr",
                                                                List.of(Map.of("acor", List.of("all"), "acop", 63))),
                                                "pvs",
                                                        Map.of(
                                                                "acr",
                                                                List.of(Map.of("acor", List.of(ADMIN), "acop", 63))))))
                        .status()
                        .code())
                .isEqualTo(2001);
        assertThat(create(
                                ADMIN,
                                "/id-in/cse-in",
                                ResourceType.CONTAINER,
                                Map.of("m2m:cnt", Map.of("rn", "shared", "acpi", List.of("cse-in/open"))))
                        .status()
                        .code())
                .isEqualTo(2001);
        assertThat(create(
                                "Cdev",
                                "/id-in/cse-in/shared",
                                ResourceType.CONTENT_INSTANCE,
                                Map.of("m2m:cin", Map.of("rn", "devnote", "con", "dev was here")))
                        .status()
                        .code())
                .isEqualTo(2001);
        assertThat(create(
                                "Capp",
                                "/id-in/cse-in/shared",
                                ResourceType.CONTENT_INSTANCE,
                                Map.of("m2m:cin", Map.of("rn", "appnote", "con", "app was here")))
                        .status()
                        .code())
                .isEqualTo(2001);
        assertThat(request(Operation.RETRIEVE, "Capp", "/id-in/cse-in/dev/box")
                        .status()
                        .code())
                .isEqualTo(2000);
        assertThat(cse.privacy().accessLog("Cdev", 10)).isNotEmpty();

        PrivacyService.Erased done = cse.privacy().erase("Cdev", false);
        assertThat(done.subject()).isEqualTo("/id-in/Cdev");
        assertThat(done.resources()).isEqualTo(5); // AE, ACP, container, instance, and the note elsewhere
        assertThat(done.accesses()).isPositive();
        assertThat(done.keys()).as("the memory store keeps nothing at rest").isZero();

        assertThat(request(Operation.RETRIEVE, ADMIN, "/id-in/cse-in/dev")
                        .status()
                        .code())
                .isEqualTo(4004);
        assertThat(request(Operation.RETRIEVE, ADMIN, "/id-in/cse-in/shared/devnote")
                        .status()
                        .code())
                .isEqualTo(4004);
        assertThat(request(Operation.RETRIEVE, ADMIN, "/id-in/cse-in/shared/appnote")
                        .status()
                        .code())
                .isEqualTo(2000);
        assertThat(request(Operation.RETRIEVE, ADMIN, "/id-in/cse-in/app")
                        .status()
                        .code())
                .isEqualTo(2000);
        assertThat(cse.privacy().accessLog("Cdev", 10)).isEmpty();
        assertThat(cse.privacy().knows("Cdev")).isFalse();
        assertThatThrownBy(() -> cse.privacy().erase("Cdev", false)).hasMessageContaining("no data");
        assertThat(cse.privacy().erase("Cdev", true).resources())
                .as("resuming a finished erasure is harmless")
                .isZero();
    }
}
