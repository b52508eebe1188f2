package io.citadel.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.StoreException;
import io.citadel.protocol.ResourceType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure at rest by destroying a data subject's content keys: what the raw database files hold is never the
 * content in clear, a name (indexed, in clear) is found by the same scan, and after the keys are gone no copy of the
 * subject's rows (a backup taken before) can be read while others' rows can. Negative cases first.
 */
abstract class SubjectErasureContract {
    @TempDir
    Path dir;

    /** A store on a fresh database, its subject keys in {@code keys}. */
    protected abstract JdbcResourceStore open(Path keys);

    /** The same database opened again (after {@link #open}), with {@code keys}. */
    protected abstract JdbcResourceStore reopen(Path keys);

    /** Takes a copy of the closed database, as a backup would. */
    protected abstract void backup() throws IOException;

    /** The backup opened as a store with {@code keys}, or null when this database cannot be copied here. */
    protected abstract JdbcResourceStore openBackup(Path keys);

    /** Every file in which the database keeps data at rest (tables, logs); empty when they cannot be read here. */
    protected abstract List<Path> rawFiles() throws IOException;

    private static Resource row(
            String ri, ResourceType type, String pi, String path, long seq, String creator, Object con) {
        return new Resource(
                ri,
                type,
                pi,
                path.substring(path.lastIndexOf('/') + 1),
                path,
                seq,
                creator,
                con == null ? Map.of("rn", path.substring(path.lastIndexOf('/') + 1)) : Map.of("con", con));
    }

    private static void fill(JdbcResourceStore store, String content, String name) {
        store.write(tx -> {
                    tx.insert(row("cb", ResourceType.CSE_BASE, "", "cse-in", tx.nextSequence(), "/id-in", null));
                    tx.insert(row("Cdev", ResourceType.AE, "cb", "cse-in/dev", tx.nextSequence(), "/id-in/Cdev", null));
                    tx.insert(row("Capp", ResourceType.AE, "cb", "cse-in/app", tx.nextSequence(), "/id-in/Capp", null));
                    tx.insert(row(
                            "box",
                            ResourceType.CONTAINER,
                            "Cdev",
                            "cse-in/dev/box",
                            tx.nextSequence(),
                            "/id-in/Cdev",
                            null));
                    for (int i = 0; i < 50; i++) {
                        tx.insert(row(
                                "cin" + i,
                                ResourceType.CONTENT_INSTANCE,
                                "box",
                                "cse-in/dev/box/" + name + i,
                                tx.nextSequence(),
                                "/id-in/Cdev",
                                content + " #" + i));
                    }
                    // the subject's data under another AE, and another subject's data under the subject's AE
                    tx.insert(row(
                            "elsewhere",
                            ResourceType.CONTENT_INSTANCE,
                            "Capp",
                            "cse-in/app/e1",
                            tx.nextSequence(),
                            "/id-in/Cdev",
                            content + " elsewhere"));
                    tx.insert(row(
                            "visitor",
                            ResourceType.CONTENT_INSTANCE,
                            "box",
                            "cse-in/dev/box/v1",
                            tx.nextSequence(),
                            "/id-in/Capp",
                            content + " visitor"));
                    tx.insert(row(
                            "kept",
                            ResourceType.CONTENT_INSTANCE,
                            "Capp",
                            "cse-in/app/k1",
                            tx.nextSequence(),
                            "/id-in/Capp",
                            "the other subject's own data"));
                    return null;
                })
                .join();
    }

    private boolean found(String marker) throws IOException {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        for (Path f : rawFiles()) {
            if (Files.isRegularFile(f) && indexOf(Files.readAllBytes(f), needle) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void a_corrupt_key_file_stops_the_store_and_an_altered_or_swapped_body_is_refused() throws Exception {
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": \"not an object\"}");
        assertThatThrownBy(() -> open(keys)).hasMessageContaining("subject key file");
        Files.delete(keys);
        try (JdbcResourceStore store = open(keys)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)))
                    .isEqualTo("rw-------");
            fill(store, "pulse", "n");
            assertThat(store.findById("cin0").orElseThrow().get("con")).isEqualTo("pulse #0");
        }
        // another key file (another instance's, or a fresh one) cannot open this database's subjects' data: refused
        assertThatThrownBy(() -> reopen(dir.resolve("other-keys.json")).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("another subject key file");
        try (JdbcResourceStore store = reopen(keys)) {
            assertThat(store.findById("cb"))
                    .as("a CSE's own resource is no one's personal data")
                    .isPresent();
            assertThat(store.findById("cin0")).isPresent();
        }
    }

    @Test
    void the_content_is_never_in_clear_at_rest_and_after_erasure_no_copy_of_it_can_be_read() throws Exception {
        String content = "MARKER-" + UUID.randomUUID();
        String name = "NAMEMARK" + UUID.randomUUID().toString().substring(0, 8);
        Path keys = dir.resolve("keys.json");
        try (JdbcResourceStore store = open(keys)) {
            fill(store, content, name);
        }
        List<Path> files = rawFiles();
        org.junit.jupiter.api.Assumptions.assumeFalse(files.isEmpty(), "the database files cannot be read here");
        assertThat(found(name))
                .as("the scan finds what is stored in clear (a name)")
                .isTrue();
        assertThat(found(content)).as("content is stored encrypted").isFalse();
        Path backupKeys = dir.resolve("backup-keys.json");
        Files.copy(keys, backupKeys);
        String aeKey = new SubjectKeyRing(keys).currentId(SubjectKeyRing.aeOwner("Cdev"));
        backup();
        try (JdbcResourceStore store = reopen(keys)) {
            store.write(tx -> tx.deleteSubtree(tx.findById("Cdev").orElseThrow()))
                    .join();
            store.write(tx -> tx.deleteSubtree(tx.findById("elsewhere").orElseThrow()))
                    .join();
            assertThat(store.eraseSubjectKeys("Cdev", "/id-in/Cdev")).isEqualTo(2);
            assertThat(store.eraseSubjectKeys("Cdev", "/id-in/Cdev"))
                    .as("gone already")
                    .isZero();
            assertThat(store.findById("kept").orElseThrow().get("con")).isEqualTo("the other subject's own data");
        }
        assertThat(found(content)).isFalse();
        SubjectKeyRing after = new SubjectKeyRing(keys);
        assertThat(after.key(aeKey)).isEmpty();
        assertThat(after.wasDestroyed(aeKey)).isTrue();
        assertThat(after.currentId(SubjectKeyRing.aeOwner("Cdev")))
                .as("the subject, were it to come back, gets a new key, never the destroyed one's ID")
                .isNotEqualTo(aeKey);
        // a backup of the database taken before the erasure: the subject's rows are there, unreadable; the store reads
        // them as absent and deletes them at first sight (its AE at start), others' rows read as ever
        try (JdbcResourceStore copy = openBackup(keys)) {
            assertThat(copy.findById("cin0")).isEmpty();
            assertThat(copy.findById("elsewhere")).isEmpty();
            assertThat(copy.findById("visitor"))
                    .as("another's data under the subject's AE is the subject's too")
                    .isEmpty();
            assertThat(copy.findById("Cdev")).isEmpty();
            assertThat(copy.findById("kept").orElseThrow().get("con")).isEqualTo("the other subject's own data");
            assertThat(copy.subtree("cse-in", null, 100))
                    .extracting(Resource::ri)
                    .doesNotContain("cin0", "Cdev");
        }
        try (JdbcResourceStore copy = openBackup(keys)) {
            copy.write(tx -> null).join(); // the purges queued before it are done
            assertThat(copy.createdBy("/id-in/Cdev", 0, 100)).isEmpty();
        }
        // the keys as they were before (a backup of the key file): the rows still there decrypt with them; the key
        // file in use cannot open any row of the erased subject, wherever a copy of it survives
        SubjectCipher current = new SubjectCipher(new SubjectKeyRing(keys));
        SubjectCipher before = new SubjectCipher(new SubjectKeyRing(backupKeys));
        String sealed = before.seal(
                row("cin9", ResourceType.CONTENT_INSTANCE, "box", "cse-in/dev/box/x", 9, "/id-in/Cdev", null),
                "{}",
                path -> "Cdev");
        assertThatThrownBy(() -> current.open("cin9", sealed))
                .isInstanceOf(java.sql.SQLException.class)
                .hasMessageContaining("erased");
    }

    @Test
    void a_key_file_older_than_the_database_refuses_the_store_and_deletes_nothing() throws Exception {
        Path keys = dir.resolve("keys.json");
        try (JdbcResourceStore store = open(keys)) {
            fill(store, "pulse", "n");
        }
        Path stale = dir.resolve("stale-keys.json");
        Files.copy(keys, stale);
        try (JdbcResourceStore store = reopen(keys)) {
            store.write(tx -> {
                        tx.insert(row(
                                "Cnew", ResourceType.AE, "cb", "cse-in/new", tx.nextSequence(), "/id-in/Cnew", null));
                        tx.insert(row(
                                "newbox",
                                ResourceType.CONTAINER,
                                "Cnew",
                                "cse-in/new/b",
                                tx.nextSequence(),
                                "/id-in/Cnew",
                                null));
                        return null;
                    })
                    .join();
        }
        assertThatThrownBy(() -> reopen(stale).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("does not have");
        try (JdbcResourceStore store = reopen(keys)) {
            assertThat(store.findById("newbox")).as("nothing was purged").isPresent();
            assertThat(store.findById("Cdev")).isPresent();
        }
    }

    @Test
    void rows_left_under_an_erased_key_read_as_absent_also_after_the_subject_comes_back() throws Exception {
        Path keys = dir.resolve("keys.json");
        try (JdbcResourceStore store = open(keys)) {
            fill(store, "pulse", "n");
            // a row of the subject that the erasure's deletes missed (written meanwhile, say)
            store.write(tx -> {
                        tx.insert(row(
                                "late",
                                ResourceType.CONTENT_INSTANCE,
                                "Capp",
                                "cse-in/app/late",
                                tx.nextSequence(),
                                "/id-in/Cdev",
                                "written as the erasure ran"));
                        return null;
                    })
                    .join();
            store.write(tx -> tx.deleteSubtree(tx.findById("Cdev").orElseThrow()))
                    .join();
            store.eraseSubjectKeys("Cdev", "/id-in/Cdev");
            // the subject registers again and writes
            store.write(tx -> {
                        tx.insert(row(
                                "Cdev", ResourceType.AE, "cb", "cse-in/dev", tx.nextSequence(), "/id-in/Cdev", null));
                        tx.insert(row(
                                "again",
                                ResourceType.CONTENT_INSTANCE,
                                "Cdev",
                                "cse-in/dev/again",
                                tx.nextSequence(),
                                "/id-in/Cdev",
                                "new data"));
                        return null;
                    })
                    .join();
            assertThat(store.findById("late")).isEmpty();
            assertThat(store.subtree("cse-in/app", null, 100))
                    .extracting(Resource::ri)
                    .doesNotContain("late");
            assertThat(store.findById("again").orElseThrow().get("con")).isEqualTo("new data");
            assertThat(store.findById("kept").orElseThrow().get("con")).isEqualTo("the other subject's own data");
        }
        try (JdbcResourceStore store = reopen(keys)) {
            assertThat(store.findById("again").orElseThrow().get("con")).isEqualTo("new data");
            assertThat(store.findById("late")).isEmpty();
        }
    }

    /** The H2 file database. */
    static class H2 extends SubjectErasureContract {
        @Override
        protected JdbcResourceStore open(Path keys) {
            return reopen(keys);
        }

        @Override
        protected JdbcResourceStore reopen(Path keys) {
            try {
                Files.createDirectories(dir.resolve("db"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new JdbcResourceStore(
                    StoreSettings.embedded(dir.resolve("db"), false).withSubjectKeys(keys));
        }

        @Override
        protected List<Path> rawFiles() throws IOException {
            try (Stream<Path> s = Files.list(dir.resolve("db"))) {
                return s.toList();
            }
        }

        @Override
        protected void backup() throws IOException {
            Files.createDirectories(dir.resolve("backup"));
            Files.copy(
                    dir.resolve("db").resolve("citadel.mv.db"),
                    dir.resolve("backup").resolve("citadel.mv.db"));
        }

        @Override
        protected JdbcResourceStore openBackup(Path keys) {
            return new JdbcResourceStore(
                    StoreSettings.embedded(dir.resolve("backup"), false).withSubjectKeys(keys));
        }
    }
}
