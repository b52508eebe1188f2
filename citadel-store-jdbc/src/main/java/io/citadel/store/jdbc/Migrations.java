package io.citadel.store.jdbc;

import io.citadel.engine.store.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Brings the schema up to date at start; each migration runs once, in its own transaction. */
final class Migrations {
    private Migrations() {}

    static void run(StoreSettings settings, Dialect dialect) {
        try (Connection c = ConnectionPool.open(settings, false);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS citadel_schema (version INTEGER NOT NULL)");
            c.commit();
            int applied = 0;
            try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM citadel_schema")) {
                if (rs.next()) {
                    applied = rs.getInt(1);
                }
            }
            List<String> all = dialect.migrations();
            if (applied > all.size()) {
                throw new StoreException("the database was written by a newer Citadel (schema " + applied + ")", null);
            }
            for (int v = applied + 1; v <= all.size(); v++) {
                st.execute(all.get(v - 1));
                st.execute("INSERT INTO citadel_schema (version) VALUES (" + v + ")");
                c.commit();
            }
        } catch (SQLException e) {
            throw new StoreException("schema migration failed: " + e.getMessage(), e);
        }
    }
}
