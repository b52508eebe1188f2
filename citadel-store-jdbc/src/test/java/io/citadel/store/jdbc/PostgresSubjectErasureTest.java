package io.citadel.store.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;

/**
 * Erasure at rest on PostgreSQL: the scan reads the database's own files (its directory under {@code base/}, and
 * {@code pg_wal/}) after a checkpoint, so it needs to run where those files can be read (as in CI, as root); the
 * backup is a database made from the erased one as a template before the erasure.
 */
class PostgresSubjectErasureTest extends SubjectErasureContract {
    private final String db = "citadel_erase_" + Long.toHexString(System.nanoTime());
    private final List<String> created = new ArrayList<>();

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(PostgresResourceStoreTest.PG_ADMIN_URL, "postgres", "");
    }

    @AfterEach
    void drop() throws SQLException {
        if (created.isEmpty()) {
            return;
        }
        try (Connection c = admin();
                Statement st = c.createStatement()) {
            for (String name : created) {
                st.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
    }

    private JdbcResourceStore store(String name, Path keys) {
        String url = PostgresResourceStoreTest.PG_ADMIN_URL.replace("/postgres", "/" + name);
        return new JdbcResourceStore(new StoreSettings(url, "postgres", null, 2, false).withSubjectKeys(keys));
    }

    @Override
    protected JdbcResourceStore open(Path keys) {
        if (created.contains(db)) {
            return store(db, keys);
        }
        try (Connection c = admin();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
            created.add(db);
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL is required in CI", e);
            }
            Assumptions.abort("PostgreSQL not reachable (required when CI=true)");
        }
        return store(db, keys);
    }

    @Override
    protected JdbcResourceStore reopen(Path keys) {
        return store(db, keys);
    }

    @Override
    protected void backup() throws IOException {
        try (Connection c = admin();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db + "_bak TEMPLATE " + db);
            created.add(db + "_bak");
        } catch (SQLException e) {
            throw new IOException(e);
        }
    }

    @Override
    protected JdbcResourceStore openBackup(Path keys) {
        return store(db + "_bak", keys);
    }

    @Override
    protected List<Path> rawFiles() throws IOException {
        try (Connection c = admin();
                Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
            Path data;
            long oid;
            try (ResultSet rs = st.executeQuery("SHOW data_directory")) {
                rs.next();
                data = Path.of(rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery("SELECT oid FROM pg_database WHERE datname = '" + db + "'")) {
                rs.next();
                oid = rs.getLong(1);
            }
            if (!Files.isReadable(data.resolve("base").resolve(Long.toString(oid)))) {
                return List.of();
            }
            List<Path> files = new ArrayList<>();
            for (Path where : List.of(data.resolve("base").resolve(Long.toString(oid)), data.resolve("pg_wal"))) {
                try (Stream<Path> s = Files.walk(where)) {
                    s.filter(Files::isRegularFile).forEach(files::add);
                }
            }
            return files;
        } catch (SQLException e) {
            throw new IOException(e);
        }
    }
}
