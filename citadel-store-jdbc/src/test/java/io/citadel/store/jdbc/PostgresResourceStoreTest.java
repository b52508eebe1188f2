package io.citadel.store.jdbc;

import io.citadel.engine.store.ResourceStore;
import io.citadel.engine.store.ResourceStoreContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;

/**
 * The store contract on PostgreSQL, a new database per test. Needs PostgreSQL on 127.0.0.1:5432 (or
 * {@code CITADEL_TEST_PG_URL}) accepting the {@code postgres} user without a password: skipped when it is
 * absent, except in CI ({@code CI=true}), where that fails.
 */
class PostgresResourceStoreTest extends ResourceStoreContract {
    static final String PG_ADMIN_URL =
            System.getenv().getOrDefault("CITADEL_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");

    private static final List<String> CREATED = new ArrayList<>();

    @AfterAll
    static void dropTestDatabases() throws SQLException {
        if (CREATED.isEmpty()) {
            return;
        }
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, "postgres", "");
                Statement st = c.createStatement()) {
            for (String db : CREATED) {
                st.execute("DROP DATABASE IF EXISTS " + db);
            }
        }
    }

    @Override
    protected ResourceStore openStore() {
        String db = "citadel_test_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
            CREATED.add(db);
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL is required in CI but unreachable at " + PG_ADMIN_URL, e);
            }
            Assumptions.abort("PostgreSQL not reachable at " + PG_ADMIN_URL + " (required when CI=true)");
        }
        String url = PG_ADMIN_URL.replace("/postgres", "/" + db);
        return new JdbcResourceStore(new StoreSettings(url, "postgres", null, 4, false));
    }
}
