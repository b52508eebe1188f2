package io.citadel.it;

import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.cin;
import static io.citadel.it.Fixtures.container;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 2001 means durable: SIGKILL right after the responses loses nothing; counters stay exact. */
class DurabilityTest {
    @TempDir
    Path dataDir;

    @Test
    void acknowledged_writes_survive_kill_9_and_a_restart() throws Exception {
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        try (CseProcess first = CseProcess.start(dataDir)) {
            OneM2mHttpClient app = first.client().as("Cdur");
            assertThat(app.create("cse-in", 2, ae("dur")).rsc()).isEqualTo(2001);
            assertThat(app.create("cse-in/dur", 3, container("log")).rsc()).isEqualTo(2001);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        OneM2mResponse r = app.create("cse-in/dur/log", 4, cin("t" + thread + "-" + i));
                        assertThat(r.rsc()).isEqualTo(2001);
                        acknowledged.add((String) r.resource("m2m:cin").get("ri"));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            first.kill();
        }
        try (CseProcess second = CseProcess.start(dataDir)) {
            OneM2mHttpClient app = second.client().as("Cdur");
            for (String ri : acknowledged) {
                assertThat(app.retrieve(ri).rsc()).as(ri).isEqualTo(2000);
            }
            Map<String, Object> cnt = app.retrieve("cse-in/dur/log").resource("m2m:cnt");
            assertThat(cnt.get("cni")).isEqualTo((long) acknowledged.size());
            assertThat(app.create("cse-in/dur/log", 4, cin("after")).rsc()).isEqualTo(2001);
            assertThat(app.retrieve("cse-in/dur/log/la").resource("m2m:cin").get("con"))
                    .isEqualTo("after");
        }
    }

    @Test
    void concurrent_creates_keep_counters_exact_under_limits() throws Exception {
        try (CseProcess cse = CseProcess.start(dataDir)) {
            OneM2mHttpClient app = cse.client().as("Cconc");
            app.create("cse-in", 2, ae("conc"));
            app.create("cse-in/conc", 3, container("all"));
            app.create("cse-in/conc", 3, container("ten", Map.of("mni", 10)));
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        assertThat(app.create("cse-in/conc/all", 4, cin("12345"))
                                        .rsc())
                                .isEqualTo(2001);
                        assertThat(app.create("cse-in/conc/ten", 4, cin("x")).rsc())
                                .isEqualTo(2001);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            Map<String, Object> all = app.retrieve("cse-in/conc/all").resource("m2m:cnt");
            assertThat(all.get("cni")).isEqualTo(400L);
            assertThat(all.get("cbs")).isEqualTo(2000L);
            assertThat(app.retrieve("cse-in/conc/ten").resource("m2m:cnt").get("cni"))
                    .isEqualTo(10L);
            List<?> refs = (List<?>)
                    ((Map<?, ?>) app.retrieve("cse-in/conc/ten?rcn=6").content().get("m2m:rrl")).get("rrf");
            assertThat(refs).hasSize(10);
        }
    }

    @Test
    void upper_tester_reports_status_and_resets() throws Exception {
        try (CseProcess cse = CseProcess.start(dataDir, "--upper-tester", "true")) {
            OneM2mHttpClient app = cse.client().as("Cut");
            app.create("cse-in", 2, ae("ut"));
            OneM2mResponse status = app.send("POST", "__ut__", null, null, Map.of("X-M2M-UTCMD", "Status"));
            assertThat(status.header("X-M2M-UTRSP")).contains("RUNNING");
            assertThat(app.send("POST", "__ut__", null, null, Map.of("X-M2M-UTCMD", "GetConfig cseId"))
                            .header("X-M2M-UTRSP"))
                    .contains("/id-in");
            assertThat(app.send("POST", "__ut__", null, null, Map.of("X-M2M-UTCMD", "Reset"))
                            .httpStatus())
                    .isEqualTo(200);
            assertThat(cse.client().as(CseProcess.ADMIN).retrieve("cse-in/ut").rsc())
                    .isEqualTo(4004);
            assertThat(cse.client().as(CseProcess.ADMIN).retrieve("cse-in").rsc())
                    .isEqualTo(2000);
        }
        try (CseProcess off = CseProcess.start(dataDir)) {
            assertThat(off.client()
                            .send("POST", "__ut__", null, null, Map.of("X-M2M-UTCMD", "Reset"))
                            .rsc())
                    .isEqualTo(4004);
        }
    }
}
