package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.client.OneM2mHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data subject's access log and export (TS 103 645 provisions 8 and 11) on a CSE over real sockets: the admin API,
 * the {@code citadel privacy} command, the AE reading its own log, and the log surviving a restart. Negative cases
 * first.
 */
class PrivacyExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;

    @TempDir
    static Path work;

    static TestCse cse;
    static int adminPort;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        cse = startCse();
        OneM2mHttpClient dev = cse.client().as("Cdev");
        Fixtures.register(cse, "Cdev", "Capp", "Cother");
        assertThat(dev.create(
                                "cse-in/Cdev",
                                1,
                                Map.of(
                                        "m2m:acp",
                                        Map.of(
                                                "rn", "acp",
                                                "pv",
                                                        Map.of(
                                                                "acr",
                                                                List.of(
                                                                        Fixtures.rule(List.of("Capp"), 2),
                                                                        Fixtures.rule(List.of("Cdev"), 63))),
                                                "pvs", Map.of("acr", List.of(Fixtures.rule(List.of("Cdev"), 63))))))
                        .rsc())
                .isEqualTo(2001);
        assertThat(dev.create("cse-in/Cdev", 3, Fixtures.container("box", Map.of("acpi", List.of("cse-in/Cdev/acp"))))
                        .rsc())
                .isEqualTo(2001);
        assertThat(dev.create("cse-in/Cdev/box", 4, Fixtures.cin("pulse 58 marker-7f3a"))
                        .rsc())
                .isEqualTo(2001);
        assertThat(cse.client().as("Capp").retrieve("cse-in/Cdev/box/la").rsc()).isEqualTo(2000);
        assertThat(cse.client().as("Cother").retrieve("cse-in/Cdev/box/la").rsc())
                .isEqualTo(4103);
    }

    static TestCse startCse() throws Exception {
        TestCse started = TestCse.start(dataDir, "--admin-port", "0", "--audit", "all");
        adminPort = Integer.parseInt(started.awaitAnnounced(
                Pattern.compile("Citadel admin API listening on http://127.0.0.1:(\\d+)/admin/")));
        token = Files.readString(dataDir.resolve("admin-api.token")).trim();
        return started;
    }

    @AfterAll
    static void stop() {
        cse.close();
    }

    private static HttpResponse<String> admin(String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long exports() throws Exception {
        Path dir = dataDir.resolve("exports");
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    record Run(int exit, String out) {}

    private static Run cli(String... args) throws Exception {
        List<String> cmd = CitadelCommand.of("privacy");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void the_admin_api_refuses_without_its_token_bad_bodies_non_subjects_and_unknown_subjects_and_writes_nothing()
            throws Exception {
        assertThat(admin("POST", "/admin/privacy/export", "{\"subject\":\"Cdev\"}", null)
                        .statusCode())
                .isEqualTo(401);
        assertThat(admin("POST", "/admin/privacy/export", "{\"subject\":\"Cdev\"}", "wrong")
                        .statusCode())
                .isEqualTo(401);
        for (String bad : List.of("not json", "{}", "{\"subject\":7}", "{\"subject\":\"Cdev\",\"more\":1}", "[]")) {
            HttpResponse<String> r = admin("POST", "/admin/privacy/export", bad, token);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).contains("\"error\"").doesNotContain("Exception");
        }
        assertThat(admin("POST", "/admin/privacy/export", "{\"subject\":\"/id-mn\"}", token)
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> unknown = admin("POST", "/admin/privacy/export", "{\"subject\":\"Cnobody\"}", token);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no data");
        assertThat(admin("GET", "/admin/privacy/export", null, token).statusCode())
                .isEqualTo(405);
        assertThat(admin("GET", "/admin/privacy/access-log", null, token).statusCode())
                .isEqualTo(400);
        assertThat(admin("GET", "/admin/privacy/access-log?subject=Cdev&limit=0", null, token)
                        .statusCode())
                .isEqualTo(400);
        assertThat(exports()).isZero();
        // and the command line says why, with a non-zero exit
        Run noPort = cli("export", "--subject", "Cdev", "--data-dir", dataDir.toString());
        assertThat(noPort.exit()).isEqualTo(2);
        assertThat(noPort.out()).contains("--admin-port");
        Run nobody = cli(
                "export",
                "--subject",
                "Cnobody",
                "--admin-port",
                String.valueOf(adminPort),
                "--data-dir",
                dataDir.toString());
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.out()).contains("no data of /id-in/Cnobody");
    }

    @Test
    void only_the_subject_reads_its_own_access_log_over_http() {
        assertThat(cse.client().as("Capp").retrieve("cse-in/Cdev/accessLog").rsc())
                .isEqualTo(4103);
        var own = cse.client().as("Cdev").retrieve("cse-in/Cdev/accessLog");
        assertThat(own.rsc()).isEqualTo(2000);
        assertThat(own.text()).contains("\"accessor\":\"/id-in/Capp\"").contains("\"accessor\":\"/id-in/Cother\"");
        assertThat(own.text()).doesNotContain(CseProcess.ADMIN);
    }

    @Test
    void an_export_is_owner_only_holds_the_data_and_the_access_log_and_is_audited_and_the_cli_moves_it()
            throws Exception {
        HttpResponse<String> r;
        try (LogWatch audit = LogWatch.of("citadel.audit")) {
            r = admin("POST", "/admin/privacy/export", "{\"subject\":\"Cdev\"}", token);
            assertThat(audit.await(m -> m.startsWith("PRIVACY export subject=/id-in/Cdev resources=4"), 1, 30))
                    .isTrue();
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        Map<?, ?> done = JSON.readValue(r.body(), Map.class);
        Path file = Path.of(String.valueOf(done.get("file")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        String export = Files.readString(file);
        assertThat(export).contains("marker-7f3a").contains("\"/id-in/Capp\"").doesNotContain("citadel:");
        assertThat(((Number) done.get("resources")).intValue()).isEqualTo(4);
        Path out = work.resolve("dev.json");
        Run moved = cli(
                "export",
                "--subject",
                "Cdev",
                "--admin-port",
                String.valueOf(adminPort),
                "--data-dir",
                dataDir.toString(),
                "--out",
                out.toString());
        assertThat(moved.exit()).as(moved.out()).isZero();
        assertThat(moved.out()).contains("exported /id-in/Cdev: 4 resources");
        assertThat(Files.readString(out)).contains("marker-7f3a");
        Run log = cli(
                "access-log",
                "--subject",
                "Cdev",
                "--admin-port",
                String.valueOf(adminPort),
                "--data-dir",
                dataDir.toString());
        assertThat(log.exit()).as(log.out()).isZero();
        assertThat(log.out()).contains("\"accessor\":\"/id-in/Capp\"");
    }

    @Test
    void the_access_log_outlives_a_restart() throws Exception {
        cse.close();
        cse = startCse();
        HttpResponse<String> r = admin("GET", "/admin/privacy/access-log?subject=Cdev&limit=10", null, token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("/id-in/Capp").contains("/id-in/Cother");
        List<?> entries = JSON.readValue(r.body(), List.class);
        assertThat(new ArrayList<>(entries)).isNotEmpty();
    }
}
