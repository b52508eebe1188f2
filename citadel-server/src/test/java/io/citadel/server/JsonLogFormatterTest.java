package io.citadel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Whatever logger writes the administrator originator, the line names it {@code admin}. */
class JsonLogFormatterTest {
    private final JsonLogFormatter formatter = new JsonLogFormatter();

    @AfterEach
    void forget() {
        LogRedaction.hideAdministrator(List.of());
    }

    private static LogRecord record(String message, Throwable thrown) {
        LogRecord r = new LogRecord(Level.WARNING, message);
        r.setLoggerName("citadel.notify");
        r.setThrown(thrown);
        return r;
    }

    @Test
    void the_administrator_is_named_admin_in_message_error_and_trace() {
        LogRedaction.hideAdministrator(List.of("CAdmin7f", "/id-in/CAdmin7f", "//citadel.example/id-in/CAdmin7f"));
        String line = formatter.format(record(
                "notification for subscription request:/id-in/CAdmin7f\n12 to CAdmin7f dropped",
                new IllegalStateException("no point of access for //citadel.example/id-in/CAdmin7f")));
        assertThat(line)
                .doesNotContain("CAdmin7f")
                .contains("request:admin\\n12 to admin dropped")
                .contains("no point of access for admin");
    }

    @Test
    void other_originators_and_lines_are_unchanged() {
        LogRedaction.hideAdministrator(List.of("CAdmin7f", "/id-in/CAdmin7f"));
        assertThat(formatter.format(record("to /id-in/CAdmin7f2 dropped", null)))
                .contains("to /id-in/CAdmin7f2 dropped");
    }
}
