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
    private String database;

    @AfterEach
    void dropDatabase() throws SQLException {
        if (database != null) {
            try (Connection c = DriverManager.getConnection(StoreContractTest.PG_ADMIN_URL, "postgres", "");
                 Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    /** A fresh PostgreSQL database; skipped outside CI when there is no server, as in StoreContractTest. */
    private StoreSettings postgres() {
        String db = "citadel_lock_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(StoreContractTest.PG_ADMIN_URL, "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
            database = db;
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL is required in CI but unreachable at " + StoreContractTest.PG_ADMIN_URL, e);
            }
            Assumptions.abort("PostgreSQL not reachable at " + StoreContractTest.PG_ADMIN_URL + " (required when CI=true)");
        }
        return new StoreSettings(StoreContractTest.PG_ADMIN_URL.replace("/postgres", "/" + db), "postgres", null, 2, false);
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
            assertThat(first.findByPath("anything")).as("the holder keeps working").isEmpty();
        }
        try (JdbcResourceStore next = new JdbcResourceStore(settings)) {
            assertThat(next.findByPath("anything")).as("the database is free once the holder closed").isEmpty();
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

    @Test
    void the_embedded_database_file_is_owner_only(@TempDir Path dir) throws Exception {
        try (JdbcResourceStore store = new JdbcResourceStore(StoreSettings.embedded(dir, false))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("citadel.mv.db"))))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("citadel.instance"))))
                    .isEqualTo("rw-------");
        }
        assertThat(dir.resolve("citadel.instance")).as("the holder file goes with the holder").doesNotExist();
    }
}
