package io.citadel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.ChangeListener.Change;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.Timestamps;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ResourceStore} does, checked the same way on each implementation (in memory, H2,
 * PostgreSQL): a subclass only says how to open a new, empty store. Negative cases come first. Published in
 * citadel-engine's test-jar so that the store modules run it on theirs.
 */
public abstract class ResourceStoreContract {
    /** The store under test, opened before each test and closed after it. */
    protected ResourceStore store;
    /** Every change the listener was told, in order. */
    protected final List<Change> seen = new CopyOnWriteArrayList<>();

    /** A new, empty store; the contract closes it after each test. */
    protected abstract ResourceStore openStore() throws Exception;

    @BeforeEach
    void openAndListen() throws Exception {
        store = openStore();
        store.setChangeListener(seen::addAll);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    /** A resource named after the last segment of its path, created by {@code /id-in/Cx}. */
    protected static Resource resource(
            String ri, ResourceType type, String pi, String path, long seq, Map<String, Object> attrs) {
        return new Resource(ri, type, pi, path.substring(path.lastIndexOf('/') + 1), path, seq, "/id-in/Cx", attrs);
    }

    private static Resource container(String ri, String pi, String path, long seq) {
        return resource(ri, ResourceType.CONTAINER, pi, path, seq, Map.of());
    }

    private <T> T write(Mutation<T> mutation) {
        return store.write(mutation).join();
    }

    private void insert(Resource... resources) {
        write(tx -> {
            for (Resource r : resources) {
                tx.insert(r);
            }
            return null;
        });
    }

    private void assertWriteFails(Mutation<?> mutation, Class<? extends Throwable> cause) {
        CompletableFuture<?> future = store.write(mutation);
        assertThatThrownBy(future::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(cause);
    }

    private static List<String> ids(List<Resource> resources) {
        return resources.stream().map(Resource::ri).toList();
    }

    private List<String> seenIds() {
        return seen.stream()
                .map(c -> c.resource().ri() + (c.deleted() ? " deleted" : ""))
                .toList();
    }

    // ---- negative cases --------------------------------------------------------------------------------------

    @Test
    void an_insert_with_a_taken_resource_id_fails_and_its_mutation_leaves_nothing() {
        insert(container("a", "root", "root/a", 1));
        assertWriteFails(
                tx -> {
                    tx.insert(container("b", "root", "root/b", 2));
                    tx.insert(container("a", "root", "root/other", 3));
                    return null;
                },
                StoreException.class);
        assertThat(store.findById("b")).isEmpty();
        assertThat(store.findByPath("root/other")).isEmpty();
        assertThat(store.findById("a").map(Resource::path)).contains("root/a");
    }

    @Test
    void a_sibling_with_a_taken_name_is_refused_and_another_parent_may_use_the_name() {
        insert(
                container("p1", "root", "root/p1", 1),
                container("p2", "root", "root/p2", 2),
                container("x1", "p1", "root/p1/box", 3));
        assertWriteFails(
                tx -> {
                    tx.insert(container("x2", "p1", "root/p1/box", tx.nextSequence()));
                    return null;
                },
                StoreException.class);
        assertThat(store.findByPath("root/p1/box").map(Resource::ri)).contains("x1");
        assertThat(store.findById("x2")).isEmpty();
        insert(container("x2", "p2", "root/p2/box", 4));
        assertThat(store.findByPath("root/p2/box").map(Resource::ri)).contains("x2");
    }

    @Test
    void an_update_cannot_take_the_path_of_another_resource() {
        insert(container("a", "root", "root/a", 1), container("b", "root", "root/b", 2));
        Resource b = store.findById("b").orElseThrow();
        assertWriteFails(
                tx -> {
                    tx.update(new Resource(
                            "b", b.type(), b.parentId(), "a", "root/a", b.seq(), b.creator(), b.attributes()));
                    return null;
                },
                StoreException.class);
        assertThat(store.findById("b").map(Resource::path)).contains("root/b");
        assertThat(store.findByPath("root/a").map(Resource::ri)).contains("a");
    }

    @Test
    void an_update_of_a_resource_that_is_not_stored_fails() {
        assertWriteFails(
                tx -> {
                    tx.update(container("ghost", "root", "root/ghost", 1));
                    return null;
                },
                StoreException.class);
        assertThat(store.findById("ghost")).isEmpty();
        assertThat(seen).isEmpty();
    }

    @Test
    void null_and_overlong_columns_are_refused() {
        String c255 = "c".repeat(255);
        List<Resource> refused = List.of(
                new Resource(null, ResourceType.CONTAINER, "root", "n1", "root/n1", 1, "Cx", Map.of()),
                new Resource("n2", ResourceType.CONTAINER, null, "n2", "root/n2", 1, "Cx", Map.of()),
                new Resource("n3", ResourceType.CONTAINER, "root", null, "root/n3", 1, "Cx", Map.of()),
                new Resource("n4", ResourceType.CONTAINER, "root", "n4", null, 1, "Cx", Map.of()),
                new Resource(c255 + "x", ResourceType.CONTAINER, "root", "n5", "root/n5", 1, "Cx", Map.of()),
                new Resource("n6", ResourceType.CONTAINER, c255 + "x", "n6", "root/n6", 1, "Cx", Map.of()),
                new Resource("n7", ResourceType.CONTAINER, "root", c255 + "x", "root/n7", 1, "Cx", Map.of()),
                new Resource("n8", ResourceType.CONTAINER, "root", "n8", "p".repeat(2049), 1, "Cx", Map.of()),
                new Resource("n9", ResourceType.CONTAINER, "root", "n9", "root/n9", 1, "C".repeat(1025), Map.of()));
        for (Resource r : refused) {
            assertWriteFails(
                    tx -> {
                        tx.insert(r);
                        return null;
                    },
                    StoreException.class);
        }
        assertThat(store.ofType(ResourceType.CONTAINER.code(), 100)).isEmpty();

        Resource widest =
                new Resource(c255, ResourceType.CONTAINER, c255, c255, "p".repeat(2048), 1, "C".repeat(1024), Map.of());
        Resource noCreator = new Resource("n10", ResourceType.CONTAINER, "", "", "root/n10", 2, null, Map.of());
        insert(widest, noCreator);
        assertThat(store.findById(c255)).contains(widest);
        assertThat(store.findById("n10").map(Resource::creator)).isEmpty();
    }

    @Test
    void negative_limits_are_refused_and_a_zero_limit_finds_nothing() {
        Resource root = container("r", "", "r", 1);
        insert(root, resource("c", ResourceType.CONTAINER, "r", "r/c", 2, Map.of("et", "20200101T000000")));
        int cnt = ResourceType.CONTAINER.code();
        assertThatThrownBy(() -> store.children("r", List.of(), -1)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.ofType(cnt, -1)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.expired(Instant.now(), -1)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.descendants(root, 0, -1)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.descendants(root, 2, -1)).isInstanceOf(StoreException.class);
        assertWriteFails(tx -> tx.oldestChildren("r", cnt, -1), StoreException.class);

        assertThat(store.children("r", List.of(), 0)).isEmpty();
        assertThat(store.ofType(cnt, 0)).isEmpty();
        assertThat(store.expired(Instant.now(), 0)).isEmpty();
        assertThat(store.descendants(root, 0, 0)).isEmpty();
        List<Resource> none = write(tx -> tx.oldestChildren("r", cnt, 0));
        assertThat(none).isEmpty();
    }

    @Test
    void a_mutation_that_throws_leaves_no_trace() {
        insert(
                resource("a", ResourceType.CONTAINER, "root", "root/a", 1, Map.of("lbl", "before")),
                container("b", "root", "root/b", 2),
                container("b1", "b", "root/b/b1", 3));
        write(tx -> tx.nextSequence());
        long sequenceBefore = write(tx -> tx.nextSequence());
        IllegalStateException boom = new IllegalStateException("boom");
        CompletableFuture<Object> failed = store.write(tx -> {
            tx.insert(container("c", "root", "root/c", tx.nextSequence()));
            tx.update(tx.findById("a").orElseThrow().with(Map.of("lbl", "after")));
            tx.deleteSubtree(tx.findById("b").orElseThrow());
            tx.nextSequence();
            throw boom;
        });
        assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class).hasCause(boom);

        assertThat(store.findById("c")).isEmpty();
        assertThat(store.findByPath("root/c")).isEmpty();
        assertThat(store.findById("a").map(r -> r.get("lbl"))).contains("before");
        assertThat(store.findById("b")).isPresent();
        assertThat(store.findByPath("root/b/b1")).isPresent();
        long sequenceAfter = write(tx -> tx.nextSequence());
        assertThat(sequenceAfter)
                .as("the sequence values it took are given out again")
                .isEqualTo(sequenceBefore + 1);
    }

    @Test
    void the_listener_is_never_told_a_rolled_back_change() {
        assertWriteFails(
                tx -> {
                    tx.insert(container("gone", "root", "root/gone", 1));
                    throw OneM2mException.badRequest("refused");
                },
                OneM2mException.class);
        assertThat(seen)
                .as("told before the future completes, so nothing can come later")
                .isEmpty();

        insert(container("kept", "root", "root/kept", 2));
        assertWriteFails(
                tx -> {
                    tx.deleteSubtree(tx.findById("kept").orElseThrow());
                    throw OneM2mException.badRequest("refused");
                },
                OneM2mException.class);
        assertThat(seenIds()).containsExactly("kept");
    }

    @Test
    void a_failing_mutation_is_undone_alone() throws Exception {
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
                assertThatThrownBy(join::get)
                        .isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(OneM2mException.class);
                assertThat(store.findById("r" + i)).isEmpty();
            } else {
                assertThat(join.get()).isEqualTo(n);
                assertThat(store.findById("r" + i)).isPresent();
            }
        }
    }

    @Test
    void attributes_that_cannot_be_encoded_fail_the_mutation() {
        assertWriteFails(
                tx -> {
                    tx.insert(
                            resource("odd", ResourceType.CONTAINER, "root", "root/odd", 1, Map.of("o", new Object())));
                    return null;
                },
                RuntimeException.class);
        assertThat(store.findById("odd")).isEmpty();
    }

    @Test
    void a_write_after_close_fails() {
        store.close();
        assertWriteFails(
                tx -> {
                    tx.insert(container("late", "root", "root/late", 1));
                    return null;
                },
                StoreException.class);
    }

    @Test
    void a_failing_listener_does_not_fail_the_write() {
        store.setChangeListener(changes -> {
            throw new IllegalStateException("listener bug");
        });
        insert(container("a", "root", "root/a", 1));
        assertThat(store.findById("a")).isPresent();
    }

    // ---- positive cases --------------------------------------------------------------------------------------

    @Test
    void writes_are_readable_in_order_and_subtrees_delete_together() throws Exception {
        store.write(tx -> {
                    tx.insert(resource("cb", ResourceType.CSE_BASE, "", "cse", tx.nextSequence(), Map.of("rn", "cse")));
                    tx.insert(resource(
                            "c1", ResourceType.CONTAINER, "cb", "cse/box", tx.nextSequence(), Map.of("cni", 0L)));
                    tx.insert(resource("c1_", ResourceType.CONTAINER, "cb", "cse/box_", tx.nextSequence(), Map.of()));
                    for (int i = 0; i < 5; i++) {
                        tx.insert(resource(
                                "i" + i,
                                ResourceType.CONTENT_INSTANCE,
                                "c1",
                                "cse/box/i" + i,
                                tx.nextSequence(),
                                Map.of("con", "v" + i, "cs", 2L)));
                    }
                    return null;
                })
                .join();
        assertThat(seen).hasSize(8);
        assertThat(store.findByPath("cse/box").map(Resource::ri)).contains("c1");
        assertThat(store.edgeChild("c1", 4, true).map(Resource::ri)).contains("i4");
        assertThat(store.edgeChild("c1", 4, false).map(Resource::ri)).contains("i0");
        assertThat(store.children("c1", List.of(4), 3)).extracting(Resource::ri).containsExactly("i0", "i1", "i2");
        Resource root = store.findById("cb").orElseThrow();
        assertThat(store.descendants(root, 1, 100)).extracting(Resource::ri).containsExactly("c1", "c1_");
        assertThat(store.descendants(store.findById("c1").orElseThrow(), 0, 100))
                .hasSize(5);
        store.write(tx -> tx.deleteSubtree(tx.findById("c1").orElseThrow())).join();
        assertThat(store.findById("i3")).isEmpty();
        assertThat(store.findById("c1_"))
                .as("a sibling whose name shares the prefix survives")
                .isPresent();
    }

    @Test
    void expiry_index_finds_what_is_due() throws Exception {
        store.write(tx -> {
                    tx.insert(resource(
                            "old",
                            ResourceType.CONTAINER,
                            "root",
                            "root/old",
                            tx.nextSequence(),
                            Map.of("et", "20200101T000000")));
                    tx.insert(resource(
                            "new",
                            ResourceType.CONTAINER,
                            "root",
                            "root/new",
                            tx.nextSequence(),
                            Map.of("et", "29990101T000000")));
                    tx.insert(resource(
                            "never", ResourceType.CONTAINER, "root", "root/never", tx.nextSequence(), Map.of()));
                    return null;
                })
                .join();
        assertThat(store.expired(Instant.now(), 10)).containsExactly("old");
        Optional<Resource> r = store.findById("new");
        assertThat(r.orElseThrow().expirationTime()).isEqualTo("29990101T000000");
    }

    @Test
    void expired_lists_what_is_due_at_or_before_now_oldest_first_up_to_the_limit() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        insert(
                resource("due-now", ResourceType.CONTAINER, "root", "root/n", 1, Map.of("et", Timestamps.format(now))),
                resource("due-2020", ResourceType.CONTAINER, "root", "root/a", 2, Map.of("et", "20200101T000000")),
                resource("due-2010", ResourceType.CONTAINER, "root", "root/b", 3, Map.of("et", "20100101T000000")),
                resource(
                        "later",
                        ResourceType.CONTAINER,
                        "root",
                        "root/c",
                        4,
                        Map.of("et", Timestamps.format(now.plusSeconds(1)))),
                resource("bad-et", ResourceType.CONTAINER, "root", "root/d", 5, Map.of("et", "yesterday")));
        assertThat(store.expired(now, 10)).containsExactly("due-2010", "due-2020", "due-now");
        assertThat(store.expired(now, 2)).containsExactly("due-2010", "due-2020");
    }

    @Test
    void children_and_types_come_in_creation_order() {
        int cnt = ResourceType.CONTAINER.code();
        int cin = ResourceType.CONTENT_INSTANCE.code();
        // neither the IDs, the names nor the order of the inserts follow the creation sequence
        insert(
                container("p", "root", "root/p", 1),
                resource("k2", ResourceType.CONTENT_INSTANCE, "p", "root/p/aa", 30, Map.of()),
                container("k3", "p", "root/p/mm", 40),
                container("k1", "p", "root/p/zz", 20),
                container("g", "k1", "root/p/zz/g", 10));
        assertThat(ids(store.children("p", List.of(), 10))).containsExactly("k1", "k2", "k3");
        assertThat(ids(store.children("p", List.of(cnt), 10))).containsExactly("k1", "k3");
        assertThat(ids(store.children("p", List.of(cnt, cin), 2))).containsExactly("k1", "k2");
        assertThat(store.edgeChild("p", cnt, false).map(Resource::ri)).contains("k1");
        assertThat(store.edgeChild("p", cnt, true).map(Resource::ri)).contains("k3");
        assertThat(store.edgeChild("p", ResourceType.AE.code(), true)).isEmpty();
        assertThat(ids(store.ofType(cnt, 10))).containsExactly("p", "g", "k1", "k3");
        assertThat(ids(store.ofType(cnt, 2))).containsExactly("p", "g");
        assertThat(ids(write(tx -> tx.oldestChildren("p", cnt, 5)))).containsExactly("k1", "k3");
    }

    @Test
    void descendants_come_in_path_order_within_depth_and_limit() {
        Resource r = container("r", "", "r", 1);
        insert(
                r,
                container("b", "r", "r/b", 2),
                container("a", "r", "r/a", 3),
                container("ay", "a", "r/a/y", 4),
                container("ax", "a", "r/a/x", 5),
                container("ab", "r", "r/ab", 6),
                container("axq", "ax", "r/a/x/q", 7),
                container("other", "", "r2", 8),
                container("edge", "", "r0", 9));
        assertThat(ids(store.descendants(r, 0, 100))).containsExactly("a", "ax", "axq", "ay", "ab", "b");
        assertThat(ids(store.descendants(r, 1, 100))).containsExactly("a", "ab", "b");
        assertThat(ids(store.descendants(r, 2, 100))).containsExactly("a", "ax", "ay", "ab", "b");
        assertThat(ids(store.descendants(r, 0, 2))).containsExactly("a", "ax");
        assertThat(ids(store.descendants(r, 1, 2))).containsExactly("a", "ab");
    }

    @Test
    void a_mutation_sees_its_own_writes() {
        int cnt = ResourceType.CONTAINER.code();
        List<String> steps = write(tx -> {
            List<String> out = new ArrayList<>();
            tx.insert(container("p", "root", "root/p", tx.nextSequence()));
            tx.insert(container("c1", "p", "root/p/c1", tx.nextSequence()));
            tx.insert(container("c2", "p", "root/p/c2", tx.nextSequence()));
            out.add(tx.findById("p").map(Resource::path).orElse("-"));
            out.add(tx.findByPath("root/p/c1").map(Resource::ri).orElse("-"));
            out.add(tx.edgeChild("p", cnt, true).map(Resource::ri).orElse("-"));
            out.add(tx.edgeChild("p", cnt, false).map(Resource::ri).orElse("-"));
            out.add(ids(tx.oldestChildren("p", cnt, 5)).toString());
            tx.update(tx.findById("c1").orElseThrow().with(Map.of("lbl", "x")));
            out.add(String.valueOf(tx.findById("c1").orElseThrow().get("lbl")));
            out.add(String.valueOf(tx.deleteSubtree(tx.findById("p").orElseThrow())));
            out.add(tx.findByPath("root/p/c2").map(Resource::ri).orElse("-"));
            out.add(tx.edgeChild("p", cnt, true).map(Resource::ri).orElse("-"));
            return out;
        });
        assertThat(steps).containsExactly("root/p", "c1", "c2", "c1", "[c1, c2]", "x", "3", "-", "-");
        assertThat(store.findById("p")).isEmpty();
        assertThat(seenIds()).containsExactly("p", "c1", "c2", "c1", "p deleted");
    }

    @Test
    void mutations_queued_together_see_the_writes_before_them_but_not_a_failed_one() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> first = store.write(tx -> {
            running.countDown();
            await(release);
            return null;
        });
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        // queued while the writer is busy, so that they are likely to run in one group commit
        CompletableFuture<Object> x = store.write(tx -> {
            tx.insert(container("x", "root", "root/x", tx.nextSequence()));
            return null;
        });
        CompletableFuture<Object> y = store.write(tx -> {
            tx.insert(container("y", "root", "root/y", tx.nextSequence()));
            throw OneM2mException.badRequest("refused");
        });
        CompletableFuture<List<Boolean>> look = store.write(tx -> List.of(
                tx.findById("x").isPresent(),
                tx.findById("y").isPresent(),
                tx.findByPath("root/y").isPresent()));
        release.countDown();
        first.join();
        x.join();
        assertThatThrownBy(y::join).hasCauseInstanceOf(OneM2mException.class);
        assertThat(look.join()).containsExactly(true, false, false);
        assertThat(seenIds()).containsExactly("x");
    }

    @Test
    void readers_see_a_write_only_once_it_is_committed_and_the_listener_is_told_before_the_future_completes()
            throws Exception {
        CountDownLatch inserted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<CompletableFuture<Object>> written = new AtomicReference<>();
        AtomicBoolean doneWhenTold = new AtomicBoolean(true);
        store.setChangeListener(changes -> {
            seen.addAll(changes);
            doneWhenTold.set(written.get().isDone());
        });
        written.set(store.write(tx -> {
            tx.insert(container("p", "root", "root/p", tx.nextSequence()));
            tx.insert(container("c", "p", "root/p/c", tx.nextSequence()));
            inserted.countDown();
            await(release);
            return "ok";
        }));
        assertThat(inserted.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(store.findById("p")).isEmpty();
        assertThat(store.findByPath("root/p/c")).isEmpty();
        assertThat(store.children("p", List.of(), 10)).isEmpty();
        assertThat(store.ofType(ResourceType.CONTAINER.code(), 10)).isEmpty();
        assertThat(written.get()).isNotDone();
        release.countDown();
        assertThat(written.get().join()).isEqualTo("ok");
        assertThat(doneWhenTold)
                .as("the future was still pending when the listener ran")
                .isFalse();
        assertThat(seenIds()).containsExactly("p", "c");
        assertThat(store.findByPath("root/p/c")).isPresent();
    }

    @Test
    void writers_on_two_threads_are_serialised_and_all_durable() throws Exception {
        int perThread = 100;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Long>> futures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String name : List.of("t1", "t2")) {
            Thread t = new Thread(
                    () -> {
                        await(start);
                        for (int i = 0; i < perThread; i++) {
                            String ri = name + "-" + i;
                            futures.add(store.write(tx -> {
                                long seq = tx.nextSequence();
                                tx.insert(container(ri, name, "root/" + name + "/" + ri, seq));
                                return seq;
                            }));
                        }
                    },
                    "writer-" + name);
            threads.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        Set<Long> sequences = new HashSet<>();
        for (CompletableFuture<Long> f : futures) {
            sequences.add(f.join());
        }
        assertThat(sequences)
                .as("each write had the writer to itself")
                .containsExactlyInAnyOrderElementsOf(
                        LongStream.rangeClosed(1, 2L * perThread).boxed().toList());
        assertThat(store.children("t1", List.of(), 1000)).hasSize(perThread);
        assertThat(store.children("t2", List.of(), 1000)).hasSize(perThread);
        assertThat(seen).hasSize(2 * perThread);
    }

    @Test
    void the_listener_is_told_every_change_in_order() {
        insert(container("a", "root", "root/a", 1), container("b", "a", "root/a/b", 2));
        write(tx -> {
            tx.update(tx.findById("b").orElseThrow().with(Map.of("lbl", "x")));
            return tx.deleteSubtree(tx.findById("a").orElseThrow());
        });
        assertThat(seenIds()).containsExactly("a", "b", "b", "a deleted");
        assertThat(seen.get(2).resource().get("lbl")).isEqualTo("x");
    }

    @Test
    void deleting_a_subtree_counts_its_rows() {
        insert(
                container("a", "root", "root/a", 1),
                container("b", "a", "root/a/b", 2),
                container("c", "b", "root/a/b/c", 3),
                container("ab", "root", "root/ab", 4));
        Resource a = store.findById("a").orElseThrow();
        assertThat((int) write(tx -> tx.deleteSubtree(a))).isEqualTo(3);
        assertThat((int) write(tx -> tx.deleteSubtree(a))).isZero();
        assertThat(store.findById("ab")).isPresent();
    }

    @Test
    void an_update_replaces_the_row_and_may_move_it() {
        insert(resource("a", ResourceType.CONTAINER, "root", "root/a", 1, Map.of("lbl", "1", "et", "20200101T000000")));
        Resource a = store.findById("a").orElseThrow();
        Map<String, Object> attrs = new HashMap<>(a.attributes());
        attrs.put("lbl", "2");
        attrs.remove("et");
        write(tx -> {
            tx.update(new Resource("a", a.type(), a.parentId(), "moved", "root/moved", 7, a.creator(), attrs));
            return null;
        });
        assertThat(store.findByPath("root/a")).isEmpty();
        Resource moved = store.findByPath("root/moved").orElseThrow();
        assertThat(moved.get("lbl")).isEqualTo("2");
        assertThat(moved.seq()).isEqualTo(7);
        assertThat(moved.name()).isEqualTo("moved");
        assertThat(store.expired(Instant.now(), 10))
                .as("the expiry went with the attribute")
                .isEmpty();
    }

    @Test
    void a_read_returns_a_copy_with_numbers_as_stored_by_json() {
        insert(resource(
                "a",
                ResourceType.CONTAINER,
                "root",
                "root/a",
                1,
                Map.of("n", 5, "l", List.of(1, 2), "m", Map.of("k", true))));
        Resource read = store.findById("a").orElseThrow();
        assertThat(read.get("n")).isEqualTo(5L);
        assertThat(read.get("l")).isEqualTo(List.of(1L, 2L));
        assertThat(read.get("m")).isEqualTo(Map.of("k", true));
        if (read.get("l") instanceof List<?> list) {
            try {
                @SuppressWarnings("unchecked")
                List<Object> mutable = (List<Object>) list;
                mutable.add(3L);
            } catch (UnsupportedOperationException e) {
                // an immutable copy is as good
            }
        }
        assertThat(store.findById("a").orElseThrow().get("l")).isEqualTo(List.of(1L, 2L));
    }

    @Test
    void the_sequence_goes_on_across_writes() {
        long first = write(tx -> tx.nextSequence());
        long[] next = write(tx -> new long[] {tx.nextSequence(), tx.nextSequence()});
        assertThat(next).containsExactly(first + 1, first + 2);
    }

    @Test
    void wipe_deletes_everything_and_the_store_goes_on() {
        Resource root = container("r", "", "r", 1);
        insert(
                root,
                container("a", "r", "r/a", 2),
                resource("e", ResourceType.CONTAINER, "r", "r/e", 3, Map.of("et", "20200101T000000")));
        store.wipe();
        assertThat(store.findById("r")).isEmpty();
        assertThat(store.findByPath("r/a")).isEmpty();
        assertThat(store.children("r", List.of(), 10)).isEmpty();
        assertThat(store.descendants(root, 0, 10)).isEmpty();
        assertThat(store.ofType(ResourceType.CONTAINER.code(), 10)).isEmpty();
        assertThat(store.expired(Instant.now(), 10)).isEmpty();
        insert(root, container("a", "r", "r/a", 4));
        assertThat(store.findByPath("r/a").map(Resource::seq)).contains(4L);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Resource by(String creator, String ri, String pi, String path, long seq) {
        return new Resource(
                ri,
                ResourceType.CONTAINER,
                pi,
                path.substring(path.lastIndexOf('/') + 1),
                path,
                seq,
                creator,
                Map.of());
    }

    @Test
    void a_subjects_resources_are_its_subtree_and_what_it_created_elsewhere_in_creation_order() {
        write(tx -> {
            tx.insert(by("/id-in/Cdev", "ae", "root", "root/dev", 1));
            tx.insert(by("/id-in/Cdev", "c1", "ae", "root/dev/c1", 2));
            tx.insert(by("/id-in/Capp", "c2", "ae", "root/dev/c2", 3)); // someone else's, under the subject's AE
            tx.insert(by("/id-in/Capp", "sib", "root", "root/dev2", 4)); // a sibling whose name starts alike
            tx.insert(by("/id-in/Capp", "sibc", "sib", "root/dev2/x", 5));
            tx.insert(by("/id-in/Cdev", "far", "sib", "root/dev2/far", 6)); // the subject's, elsewhere
            tx.insert(by("/id-in/Capp", "devx", "root", "root/dev0", 7)); // '0' follows '/'
            return null;
        });
        assertThat(store.subtree("root/dev", null, 100))
                .extracting(Resource::ri)
                .as("the subtree in path order, the sibling root/dev2 and root/dev0 not in it")
                .containsExactly("ae", "c1", "c2");
        assertThat(store.subtree("root/dev", "root/dev/c1", 100))
                .extracting(Resource::ri)
                .containsExactly("c2");
        assertThat(store.subtree("root/dev", null, 2)).extracting(Resource::ri).containsExactly("ae", "c1");
        assertThat(store.createdBy("/id-in/Cdev", 0, 100))
                .extracting(Resource::ri)
                .containsExactly("ae", "c1", "far");
        assertThat(store.createdBy("/id-in/Cdev", 2, 1))
                .extracting(Resource::ri)
                .containsExactly("far");
        assertThat(store.createdBy("/id-in/Cnobody", 0, 100)).isEmpty();
        assertThat(store.subtree("root/nothing", null, 100)).isEmpty();
    }

    @Test
    void a_mutation_that_throws_an_error_fails_and_the_writer_goes_on() {
        java.util.concurrent.CompletableFuture<Object> broken = store.write(tx -> {
            tx.insert(container("half", "root", "root/half", tx.nextSequence()));
            throw new AssertionError("a bug in a mutation");
        });
        // an upper bound, not a wait: a writer that died would leave these futures pending for ever
        assertThatThrownBy(() -> broken.get(60, java.util.concurrent.TimeUnit.SECONDS))
                .isInstanceOf(java.util.concurrent.ExecutionException.class)
                .hasCauseInstanceOf(AssertionError.class);
        store.write(tx -> {
                    tx.insert(container("after", "root", "root/after", tx.nextSequence()));
                    return null;
                })
                .orTimeout(60, java.util.concurrent.TimeUnit.SECONDS)
                .join();
        assertThat(store.findById("after")).isPresent();
        assertThat(store.findById("half"))
                .as("the failed mutation left nothing")
                .isEmpty();
    }
}
