package io.citadel.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {
    private final Redaction admin =
            Redaction.of("admin", List.of("CAdmin", "/id-in/CAdmin", "//sp.example/id-in/CAdmin"));

    @Test
    void every_whole_spelling_is_replaced() {
        assertThat(admin.apply("PERMIT originator=/id-in/CAdmin target=x"))
                .isEqualTo("PERMIT originator=admin target=x");
        assertThat(admin.apply("to CAdmin dropped")).isEqualTo("to admin dropped");
        assertThat(admin.apply("from //sp.example/id-in/CAdmin\nrqi")).isEqualTo("from admin\nrqi");
        assertThat(admin.apply("lane request:/id-in/CAdmin\n42")).isEqualTo("lane request:admin\n42");
    }

    @Test
    void an_identifier_that_only_contains_the_secret_is_left_alone() {
        assertThat(admin.apply("/id-in/CAdmin1 and CAdminX and xCAdmin"))
                .isEqualTo("/id-in/CAdmin1 and CAdminX and xCAdmin");
    }

    @Test
    void exact_values_and_nothing_to_hide() {
        assertThat(admin.isSecret("/id-in/CAdmin")).isTrue();
        assertThat(admin.isSecret("/id-in/CAdmin1")).isFalse();
        assertThat(Redaction.none().apply("CAdmin")).isEqualTo("CAdmin");
        assertThat(Redaction.of("x", List.of("", " ")).isEmpty()).isTrue();
        assertThat(admin.apply(null)).isNull();
    }
}
