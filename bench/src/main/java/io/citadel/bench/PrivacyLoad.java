package io.citadel.bench;

import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.store.jdbc.JdbcResourceStore;
import io.citadel.store.jdbc.JdbcSubjectAccessLog;
import io.citadel.store.jdbc.StoreSettings;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What privacy costs, on the embedded H2 store, in one run: {@code N} content instances of one data subject written
 * through the engine by {@code THREADS} writers and read back, with bodies in clear (the baseline) and encrypted under
 * the subject's keys; then the subject's export and its erasure (resources, access log, keys).
 * <pre>java -cp ... io.citadel.bench.PrivacyLoad N THREADS WORK_DIR</pre>
 */
public final class PrivacyLoad {
    private static final CseSettings SETTINGS =
            new CseSettings("/id-in", "cse-in", "//citadel.example", 1, "CAdminBench", List.of("C*"), List.of(), 1000);

    private PrivacyLoad() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]);
        for (boolean encrypted : new boolean[] {false, true}) {
            Path dir = Files.createDirectories(work.resolve(encrypted ? "encrypted" : "clear"));
            StoreSettings settings = StoreSettings.embedded(dir, false);
            if (encrypted) {
                settings = settings.withSubjectKeys(dir.resolve("subject-keys.json"));
            }
            try (JdbcResourceStore store = new JdbcResourceStore(settings);
                    Cse cse = Cse.builder(SETTINGS, store)
                            .accessLog(new JdbcSubjectAccessLog(store, Duration.ofDays(365), Clock.systemUTC()))
                            .build()) {
                run(cse, n, threads, encrypted ? "encrypted" : "clear", work);
            }
        }
    }

    private static void run(Cse cse, int n, int threads, String mode, Path work) throws Exception {
        AtomicInteger rqi = new AtomicInteger();
        require(cse.handle(
                request(Operation.CREATE, "Cdev", "/id-in/cse-in", rqi)
                        .resourceType(ResourceType.AE.code())
                        .content(Map.of(
                                "m2m:ae", Map.of("rn", "dev", "api", "Nbench", "rr", false, "srv", List.of("3"))))
                        .build(),
                RequestContext.local()));
        require(cse.handle(
                request(Operation.CREATE, "Cdev", "/id-in/cse-in/dev", rqi)
                        .resourceType(ResourceType.CONTAINER.code())
                        .content(Map.of("m2m:cnt", Map.of("rn", "box", "mni", 10_000_000)))
                        .build(),
                RequestContext.local()));
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>(n));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    ResponsePrimitive rsp = cse.handle(
                            request(Operation.CREATE, "Cdev", "/id-in/cse-in/dev/box", rqi)
                                    .resourceType(ResourceType.CONTENT_INSTANCE.code())
                                    .content(Map.of("m2m:cin", Map.of("con", "heart rate " + i + " bpm, spo2 97%")))
                                    .build(),
                            RequestContext.local());
                    require(rsp);
                    ids.add(((Map<?, ?>) ((Map<?, ?>) rsp.content()).get("m2m:cin"))
                            .get("ri")
                            .toString());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long written = System.nanoTime() - t0;
        int reads = Math.min(n, 20_000);
        long read = 0;
        for (int pass = 0; pass < 3; pass++) { // the first two warm the JIT up; the third is measured
            t0 = System.nanoTime();
            for (int i = 0; i < reads; i++) {
                require(cse.handle(
                        request(Operation.RETRIEVE, "Cdev", "/id-in/" + ids.get((i * 7919 + pass) % ids.size()), rqi)
                                .build(),
                        RequestContext.local()));
            }
            read = System.nanoTime() - t0;
        }
        System.out.printf(
                Locale.ROOT,
                "%-9s write %,d instances with %d threads: %.1f s (%.0f/s); read %,d (one thread, after two warm-up passes): %.1f s (%.0f/s)%n",
                mode,
                n,
                threads,
                written / 1e9,
                n / (written / 1e9),
                reads,
                read / 1e9,
                reads / (read / 1e9));
        t0 = System.nanoTime();
        try (OutputStream out = Files.newOutputStream(work.resolve(mode + "-export.json"))) {
            var exported = cse.privacy().export("Cdev", out);
            System.out.printf(
                    Locale.ROOT,
                    "%-9s export of %,d resources: %.1f s%n",
                    mode,
                    exported.resources(),
                    (System.nanoTime() - t0) / 1e9);
        }
        t0 = System.nanoTime();
        var erased = cse.privacy().erase("Cdev", false);
        System.out.printf(
                Locale.ROOT,
                "%-9s erase of %,d resources (%d keys destroyed): %.1f s%n",
                mode,
                erased.resources(),
                erased.keys(),
                (System.nanoTime() - t0) / 1e9);
        pool.shutdown();
    }

    private static RequestPrimitive.Builder request(Operation op, String from, String to, AtomicInteger rqi) {
        return RequestPrimitive.builder(op, to)
                .from(from)
                .requestId("b" + rqi.incrementAndGet())
                .releaseVersion("3");
    }

    private static void require(ResponsePrimitive rsp) {
        if (!rsp.status().isSuccess()) {
            throw new IllegalStateException("request failed: " + rsp.status() + " " + rsp.content());
        }
    }
}
