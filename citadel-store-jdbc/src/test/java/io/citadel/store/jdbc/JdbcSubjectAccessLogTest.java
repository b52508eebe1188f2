package io.citadel.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.engine.privacy.SubjectAccess;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log in the embedded database: kept across restarts, read per subject, erased, pruned by age. */
class JdbcSubjectAccessLogTest {
    @TempDir
    Path dir;

    private static SubjectAccess access(String subject, String accessor, Instant at) {
        return new SubjectAccess(0, subject, accessor, "cnt1", "RETRIEVE", true, 2, at);
    }

    @Test
    void a_retention_that_is_not_positive_is_refused() {
        try (JdbcResourceStore store = new JdbcResourceStore(StoreSettings.embedded(dir, false))) {
            assertThatThrownBy(() -> new JdbcSubjectAccessLog(store, Duration.ZERO, Clock.systemUTC()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new JdbcSubjectAccessLog(store, Duration.ofDays(-1), Clock.systemUTC()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void entries_outlive_a_restart_are_read_per_subject_in_order_and_erased_per_subject() {
        Instant now = Instant.now();
        try (JdbcResourceStore store = new JdbcResourceStore(StoreSettings.embedded(dir, false))) {
            JdbcSubjectAccessLog log = new JdbcSubjectAccessLog(store, Duration.ofDays(365), Clock.systemUTC());
            for (int i = 0; i < 2_500; i++) { // several batches
                log.append(access(i % 2 == 0 ? "/id-in/Cdev" : "/id-in/Cother", "/id-in/Capp" + i, now));
            }
            log.close();
        }
        try (JdbcResourceStore store = new JdbcResourceStore(StoreSettings.embedded(dir, false))) {
            JdbcSubjectAccessLog log = new JdbcSubjectAccessLog(store, Duration.ofDays(365), Clock.systemUTC());
            assertThat(log.read("/id-in/Cdev", 0, 10_000)).hasSize(1_250);
            assertThat(log.read("/id-in/Cdev", 0, 2))
                    .extracting(SubjectAccess::accessor)
                    .containsExactly("/id-in/Capp0", "/id-in/Capp2");
            assertThat(log.latest("/id-in/Cdev", 2))
                    .extracting(SubjectAccess::accessor)
                    .containsExactly("/id-in/Capp2496", "/id-in/Capp2498");
            long last = log.latest("/id-in/Cdev", 1).get(0).id();
            log.append(access("/id-in/Cdev", "/id-in/Cnew", now));
            log.flush();
            assertThat(log.read("/id-in/Cdev", last, 10))
                    .extracting(SubjectAccess::accessor)
                    .as("numbering continues after the restart")
                    .containsExactly("/id-in/Cnew");
            assertThat(log.erase("/id-in/Cdev")).isEqualTo(1_251);
            assertThat(log.read("/id-in/Cdev", 0, 10)).isEmpty();
            assertThat(log.read("/id-in/Cother", 0, 10_000)).hasSize(1_250);
            assertThat(log.dropped()).isZero();
        }
    }

    @Test
    void entries_older_than_the_retention_go() {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        try (JdbcResourceStore store = new JdbcResourceStore(StoreSettings.embedded(dir, false))) {
            JdbcSubjectAccessLog first =
                    new JdbcSubjectAccessLog(store, Duration.ofDays(30), Clock.fixed(now, ZoneOffset.UTC));
            first.append(access("/id-in/Cdev", "/id-in/Cold", now.minus(Duration.ofDays(31))));
            first.append(access("/id-in/Cdev", "/id-in/Crecent", now.minus(Duration.ofDays(29))));
            first.flush();
            // a later log (as after a restart) prunes with its first write
            JdbcSubjectAccessLog later = new JdbcSubjectAccessLog(
                    store, Duration.ofDays(30), Clock.fixed(now.plus(Duration.ofDays(1)), ZoneOffset.UTC));
            later.append(access("/id-in/Cdev", "/id-in/Ctoday", now));
            later.flush();
            assertThat(later.read("/id-in/Cdev", 0, 10))
                    .extracting(SubjectAccess::accessor)
                    .containsExactly("/id-in/Crecent", "/id-in/Ctoday");
        }
    }
}
