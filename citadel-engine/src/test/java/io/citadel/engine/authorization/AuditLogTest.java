package io.citadel.engine.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.security.AccessDecision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit log never writes the administrator originator, which is a bearer secret on a plain listener. */
public class AuditLogTest {
    private final List<String> lines = new ArrayList<>();
    private final AuditLog recording = e -> lines.add((e.decision().permitted() ? "PERMIT " : "DENY ") + e.originator()
            + " " + e.target() + " " + e.operation() + " " + e.decision().reason());

    @Test
    void the_administrator_is_named_admin_in_every_field() {
        AuditLog log = recording.namingAdministrator(List.of("CAdmin9f3e", "/id-in/CAdmin9f3e"));
        log.record("/id-in/CAdmin9f3e", "cnt1", "RETRIEVE", AccessDecision.permit("administrator"));
        log.record("CAdmin9f3e", "cnt2", "DELETE", AccessDecision.deny("held by /id-in/CAdmin9f3e"));
        assertThat(lines)
                .containsExactly("PERMIT admin cnt1 RETRIEVE administrator", "DENY admin cnt2 DELETE held by admin");
        assertThat(String.join("\n", lines)).doesNotContain("CAdmin9f3e");
    }

    @Test
    void other_originators_are_written_as_they_are() {
        AuditLog log = recording.namingAdministrator(List.of("CAdmin9f3e", "/id-in/CAdmin9f3e"));
        log.record("/id-in/Cbob", "cnt1", "RETRIEVE", AccessDecision.deny("no rule"));
        assertThat(lines).containsExactly("DENY /id-in/Cbob cnt1 RETRIEVE no rule");
    }

    @Test
    void an_originator_that_only_contains_the_administrator_is_not_renamed() {
        AuditLog log = recording.namingAdministrator(List.of("CAdmin", "/id-in/CAdmin"));
        log.record("/id-in/CAdmin1", "cnt1", "RETRIEVE", AccessDecision.deny("no rule for /id-in/CAdmin1"));
        assertThat(lines).containsExactly("DENY /id-in/CAdmin1 cnt1 RETRIEVE no rule for /id-in/CAdmin1");
    }

    @Test
    void off_stays_off() {
        assertThat(AuditLog.OFF.namingAdministrator(List.of("CAdmin"))).isSameAs(AuditLog.OFF);
    }
}
