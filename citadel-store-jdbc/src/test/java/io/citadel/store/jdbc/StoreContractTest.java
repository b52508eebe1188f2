package io.citadel.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.engine.resource.Resource;
import io.citadel.engine.store.ChangeListener.Change;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same behaviour from the embedded H2 store and from PostgreSQL. */
class StoreContractTest {
    static final String PG_ADMIN_URL = System.getenv().getOrDefault("CITADEL_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres");

    private static final List<String> CREATED = new ArrayList<>();

    @org.junit.jupiter.api.AfterAll
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

    static Stream<String> databases() {
        return Stream.of("h2", "postgresql");
    }

    static JdbcResourceStore open(String kind, java.nio.file.Path dir) throws SQLException {
        if (kind.equals("h2")) {
            return new JdbcResourceStore(StoreSettings.embedded(dir, false));
        }
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
        return new JdbcResourceStore(new StoreSettings(PG_ADMIN_URL.replace("/postgres", "/" + db), "postgres", null, 4, false));
    }

    static Resource resource(String ri, ResourceType type, String pi, String path, long seq, Map<String, Object> attrs) {
        return new Resource(ri, type, pi, path.substring(path.lastIndexOf('/') + 1), path, seq, "/id-in/Cx", attrs);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void writes_are_readable_in_order_and_subtrees_delete_together(String kind, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (JdbcResourceStore store = open(kind, dir)) {
            List<Change> seen = new ArrayList<>();
            store.setChangeListener(seen::addAll);
            store.write(tx -> {
                tx.insert(resource("cb", ResourceType.CSE_BASE, "", "cse", tx.nextSequence(), Map.of("rn", "cse")));
                tx.insert(resource("c1", ResourceType.CONTAINER, "cb", "cse/box", tx.nextSequence(), Map.of("cni", 0L)));
                tx.insert(resource("c1_", ResourceType.CONTAINER, "cb", "cse/box_", tx.nextSequence(), Map.of()));
                for (int i = 0; i < 5; i++) {
                    tx.insert(resource("i" + i, ResourceType.CONTENT_INSTANCE, "c1", "cse/box/i" + i, tx.nextSequence(),
                            Map.of("con", "v" + i, "cs", 2L)));
                }
                return null;
            }).join();
            assertThat(seen).hasSize(8);
            assertThat(store.findByPath("cse/box").map(Resource::ri)).contains("c1");
            assertThat(store.edgeChild("c1", 4, true).map(Resource::ri)).contains("i4");
            assertThat(store.edgeChild("c1", 4, false).map(Resource::ri)).contains("i0");
            assertThat(store.children("c1", List.of(4), 3)).extracting(Resource::ri).containsExactly("i0", "i1", "i2");
            Resource root = store.findById("cb").orElseThrow();
            assertThat(store.descendants(root, 1, 100)).extracting(Resource::ri).containsExactly("c1", "c1_");
            assertThat(store.descendants(store.findById("c1").orElseThrow(), 0, 100)).hasSize(5);
            store.write(tx -> tx.deleteSubtree(tx.findById("c1").orElseThrow())).join();
            assertThat(store.findById("i3")).isEmpty();
            assertThat(store.findById("c1_")).as("a sibling whose name shares the prefix survives").isPresent();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void a_failing_mutation_is_undone_alone(String kind, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (JdbcResourceStore store = open(kind, dir)) {
            List<CompletableFuture<Object>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                futures.add(store.write(tx -> {
                    tx.insert(resource("r" + n, ResourceType.CONTAINER, "root", "root/r" + n, tx.nextSequence(), Map.of()));
                    if (n % 7 == 0) {
                        throw OneM2mException.badRequest("refused " + n);
                    }
                    return n;
                }));
            }
            for (int i = 0; i < 50; i++) {
                int n = i;
                Supplier<Object> join = () -> futures.get(n).join();
                if (i % 7 == 0) {
                    assertThatThrownBy(join::get).isInstanceOf(CompletionException.class)
                            .hasCauseInstanceOf(OneM2mException.class);
                    assertThat(store.findById("r" + i)).isEmpty();
                } else {
                    assertThat(join.get()).isEqualTo(n);
                    assertThat(store.findById("r" + i)).isPresent();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void expiry_index_finds_what_is_due_and_reopen_keeps_data(String kind, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (JdbcResourceStore store = open(kind, dir)) {
            store.write(tx -> {
                tx.insert(resource("old", ResourceType.CONTAINER, "root", "root/old", tx.nextSequence(), Map.of("et", "20200101T000000")));
                tx.insert(resource("new", ResourceType.CONTAINER, "root", "root/new", tx.nextSequence(), Map.of("et", "29990101T000000")));
                tx.insert(resource("never", ResourceType.CONTAINER, "root", "root/never", tx.nextSequence(), Map.of()));
                return null;
            }).join();
            assertThat(store.expired(Instant.now(), 10)).containsExactly("old");
            Optional<Resource> r = store.findById("new");
            assertThat(r.orElseThrow().expirationTime()).isEqualTo("29990101T000000");
        }
        if (kind.equals("h2")) {
            try (JdbcResourceStore reopened = open(kind, dir)) {
                assertThat(reopened.findById("never")).isPresent();
            }
        }
    }
}
