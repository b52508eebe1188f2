package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasing a data subject (TS 103 645 provisions 8 and 11) on a CSE over real sockets: the admin API and
 * {@code citadel privacy erase}, what goes and what stays, the raw database files scanned for the content, and an
 * erasure a stop interrupted finished at the next start. Negative cases first.
 */
class PrivacyErasureTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    TestCse cse;
    int adminPort;
    String token;
    final String content = "pulse-" + UUID.randomUUID();
    final String name = "nm" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void start() throws Exception {
        startCse();
        Fixtures.register(cse, "Cdev", "Capp");
        OneM2mHttpClient dev = cse.client().as("Cdev");
        assertThat(dev.create("cse-in/Cdev", 3, Fixtures.container("box")).rsc())
                .isEqualTo(2001);
        for (int i = 0; i < 20; i++) {
            assertThat(dev.create("cse-in/Cdev/box", 4, Map.of("m2m:cin", Map.of("rn", name + i, "con", content + i)))
                            .rsc())
                    .isEqualTo(2001);
        }
        assertThat(cse.client()
                        .as("Capp")
                        .create("cse-in/Capp", 3, Fixtures.container("mine"))
                        .rsc())
                .isEqualTo(2001);
    }

    private void startCse() {
        cse = TestCse.start(dataDir, "--admin-port", "0", "--audit", "all");
        adminPort = Integer.parseInt(
                cse.awaitAnnounced(Pattern.compile("Citadel admin API listening on http://127.0.0.1:(\\d+)/admin/")));
        try {
            token = Files.readString(dataDir.resolve("admin-api.token")).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        cse.close();
    }

    private HttpResponse<String> erase(String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/admin/privacy/erase"))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private boolean inDatabaseFiles(String marker) throws Exception {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.list(dataDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("citadel"))
                    .toList()) {
                byte[] hay = Files.readAllBytes(f);
                outer:
                for (int i = 0; i <= hay.length - needle.length; i++) {
                    for (int j = 0; j < needle.length; j++) {
                        if (hay[i + j] != needle[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
            }
        }
        return false;
    }

    private String cli(String... args) throws Exception {
        List<String> cmd = CitadelCommand.of("privacy");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + out;
    }

    @Test
    void bad_bodies_non_subjects_and_unknown_subjects_erase_nothing() throws Exception {
        for (String bad : List.of("", "{}", "{\"subject\":[\"Cdev\"]}", "{\"subject\":\"/id-mn\"}")) {
            HttpResponse<String> r = erase(bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).doesNotContain("Exception");
        }
        assertThat(erase("{\"subject\":\"Cnobody\"}").statusCode()).isEqualTo(404);
        assertThat(cli(
                        "erase",
                        "--subject",
                        "Cnobody",
                        "--admin-port",
                        String.valueOf(adminPort),
                        "--data-dir",
                        dataDir.toString()))
                .startsWith("1 ")
                .contains("no data of /id-in/Cnobody");
        assertThat(cse.client().as("Cdev").retrieve("cse-in/Cdev/box/la").text())
                .contains(content);
    }

    @Test
    void an_erased_subject_is_gone_from_the_cse_and_its_content_from_the_files_and_others_stay() throws Exception {
        assertThat(inDatabaseFiles(name))
                .as("the scan finds what is stored in clear (names)")
                .isTrue();
        assertThat(inDatabaseFiles(content)).as("content is stored encrypted").isFalse();
        String out = cli(
                "erase",
                "--subject",
                "Cdev",
                "--admin-port",
                String.valueOf(adminPort),
                "--data-dir",
                dataDir.toString());
        assertThat(out)
                .startsWith("0 ")
                .contains("erased /id-in/Cdev: 22 resources")
                .contains("2 content keys destroyed");
        assertThat(cse.client().as(CseProcess.ADMIN).retrieve("cse-in/Cdev").rsc())
                .isEqualTo(4004);
        assertThat(cse.client().as("Capp").retrieve("cse-in/Capp/mine").rsc()).isEqualTo(2000);
        assertThat(erase("{\"subject\":\"Cdev\"}").statusCode())
                .as("nothing left")
                .isEqualTo(404);
        cse.close();
        assertThat(inDatabaseFiles(content)).isFalse();
        assertThat(Files.readString(dataDir.resolve("subject-keys.json"))).isNotEmpty();
        startCse();
        assertThat(cse.client().as(CseProcess.ADMIN).retrieve("cse-in/Cdev/box").rsc())
                .isEqualTo(4004);
        // the AE-ID may register again, as a new subject
        Fixtures.register(cse, "Cdev");
        assertThat(cse.client().as("Cdev").retrieve("cse-in/Cdev/box").rsc()).isEqualTo(4004);
    }

    @Test
    void an_erasure_a_stop_interrupted_is_finished_at_the_next_start() throws Exception {
        cse.close();
        Files.writeString(dataDir.resolve("erasures.pending"), "/id-in/Cdev\n");
        try (LogWatch audit = LogWatch.of("citadel.audit")) {
            startCse();
            assertThat(audit.await(m -> m.startsWith("PRIVACY erase subject=/id-in/Cdev resources=22"), 1, 30))
                    .isTrue();
        }
        assertThat(dataDir.resolve("erasures.pending")).doesNotExist();
        assertThat(cse.client().as(CseProcess.ADMIN).retrieve("cse-in/Cdev").rsc())
                .isEqualTo(4004);
        assertThat(cse.client().as("Capp").retrieve("cse-in/Capp/mine").rsc()).isEqualTo(2000);
    }
}
