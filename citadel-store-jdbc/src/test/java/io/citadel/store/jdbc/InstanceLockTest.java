package io.citadel.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.engine.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Citadel instance per database: a second store on a PostgreSQL database that another holds is refused,
 * naming the holder; the H2 file is created owner-only. (Two processes on one H2 file: citadel-it's
 * StartupSafetyTest, since H2 shares a database between connections of one JVM.)
 */
class InstanceLockTest {
    private static final String PG_ADMIN_URL = PostgresResourceStoreTest.PG_ADMIN_URL;
    private String database;

    @AfterEach
    void dropDatabase() throws SQLException {
        if (database != null) {
            try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, "postgres", "");
                    Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    /** A fresh PostgreSQL database; skipped outside CI when there is no server, as in PostgresResourceStoreTest. */
    private StoreSettings postgres() {
        String db = "citadel_lock_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
            database = db;
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL is required in CI but unreachable at " + PG_ADMIN_URL, e);
            }
            Assumptions.abort("PostgreSQL not reachable at " + PG_ADMIN_URL + " (required when CI=true)");
        }
        return new StoreSettings(PG_ADMIN_URL.replace("/postgres", "/" + db), "postgres", null, 2, false);
    }

    @Test
    void a_second_instance_on_a_postgresql_database_is_refused_naming_the_holder() throws Exception {
        StoreSettings settings = postgres();
        try (JdbcResourceStore first = new JdbcResourceStore(settings)) {
            assertThatThrownBy(() -> new JdbcResourceStore(settings).close())
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("in use by another Citadel instance")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("host ")
                    .hasMessageContaining("started ");
            assertThat(first.findByPath("anything"))
                    .as("the holder keeps working")
                    .isEmpty();
        }
        try (JdbcResourceStore next = new JdbcResourceStore(settings)) {
            assertThat(next.findByPath("anything"))
                    .as("the database is free once the holder closed")
                    .isEmpty();
        }
    }

    @Test
    void the_holder_row_names_this_process_and_goes_with_it() throws Exception {
        StoreSettings settings = postgres();
        try (JdbcResourceStore store = new JdbcResourceStore(settings);
                Connection c = DriverManager.getConnection(settings.jdbcUrl(), "postgres", "");
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pid FROM citadel_instance")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(ProcessHandle.current().pid());
            }
            store.close();
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM citadel_instance")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isZero();
            }
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"
                    + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("the advisory lock is released").isZero();
            }
        }
    }

    /** A short check interval: the tests wait for the report (bounded), never for a fixed time. */
    private static final Duration FAST = Duration.ofMillis(100);

    @Test
    void a_postgresql_lock_whose_session_is_terminated_is_reported_once_and_the_database_can_be_taken_again()
            throws Exception {
        StoreSettings settings = postgres();
        InstanceLock lock = InstanceLock.acquire(settings, Dialect.POSTGRESQL);
        CompletableFuture<String> lost = new CompletableFuture<>();
        try {
            assertThat(lock.check()).as("held: nothing to report").isEmpty();
            lock.watch(FAST, reason -> {
                lost.complete(reason);
                lock.close(); // as the server does, from the checker's own thread
            });
            assertThat(lock.check()).as("still held while watched").isEmpty();
            assertThat(lost).as("nothing reported while the lock is held").isNotDone();

            try (Connection admin = DriverManager.getConnection(settings.jdbcUrl(), "postgres", "");
                    Statement st = admin.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                                    + " AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
                assertThat(rs.next()).as("the lock's backend").isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }

            assertThat(lost.get(60, TimeUnit.SECONDS))
                    .contains("instance lock lost")
                    .contains(ConnectionPool.safeUrl(settings.jdbcUrl()))
                    .contains("stops serving");
            try (JdbcResourceStore next = new JdbcResourceStore(settings)) {
                assertThat(next.findByPath("anything"))
                        .as("the lock is free: why the first must stop")
                        .isEmpty();
            }
        } finally {
            lock.close();
        }
    }

    @Test
    void closing_a_watched_lock_is_not_reported_as_lost() throws Exception {
        StoreSettings settings = postgres();
        InstanceLock lock = InstanceLock.acquire(settings, Dialect.POSTGRESQL);
        CompletableFuture<String> lost = new CompletableFuture<>();
        lock.watch(FAST, lost::complete);
        lock.close();
        assertThat(lock.check()).as("a closed lock reports nothing").isEmpty();
        assertThat(lost).isNotDone();
        try (JdbcResourceStore next = new JdbcResourceStore(settings)) {
            assertThat(next.findByPath("anything")).isEmpty();
        }
    }

    @Test
    void an_embedded_database_closed_under_a_watched_store_is_reported(@TempDir Path dir) throws Exception {
        StoreSettings settings = StoreSettings.embedded(dir, false);
        CompletableFuture<String> lost = new CompletableFuture<>();
        try (JdbcResourceStore store = new JdbcResourceStore(settings)) {
            store.watchInstanceLock(FAST, lost::complete);
            assertThat(store.findByPath("anything")).isEmpty();
            assertThat(lost).as("nothing reported while the file is held").isNotDone();
            // H2 closes a database (and releases its file) on SHUTDOWN or after a fatal I/O error
            try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), "");
                    Statement st = c.createStatement()) {
                st.execute("SHUTDOWN");
            }
            assertThat(lost.get(60, TimeUnit.SECONDS))
                    .contains("instance lock lost")
                    .contains("the database holding the file lock was closed");
        }
    }

    @Test
    void the_embedded_database_file_is_owner_only(@TempDir Path dir) throws Exception {
        try (JdbcResourceStore store = new JdbcResourceStore(StoreSettings.embedded(dir, false))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("citadel.mv.db"))))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("citadel.instance"))))
                    .isEqualTo("rw-------");
        }
        assertThat(dir.resolve("citadel.instance"))
                .as("the holder file goes with the holder")
                .doesNotExist();
    }
}
