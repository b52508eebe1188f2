package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code citadel serve} does before it serves: a wrong setting changes nothing on disk and prints no
 * administrator originator; the data directory is owner-only; one instance per database; one readiness
 * line after every listener; only JSON on standard error; each command has its own help.
 */
class StartupSafetyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    /** A finished {@code citadel} run: exit code, standard output and standard error apart. */
    record Run(int exit, String out, String err) {}

    private static List<String> command(String... args) {
        List<String> cmd = CitadelCommand.of();
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Run run(String... args) throws Exception {
        Process p = new ProcessBuilder(command(args))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly(); // a server that should have refused to start
            p.waitFor(10, TimeUnit.SECONDS);
        }
        Run run = new Run(ended ? p.exitValue() : -1, out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        assertThat(ended)
                .as("citadel %s ends: %s%s", String.join(" ", args), run.out(), run.err())
                .isTrue();
        return run;
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "--cse-type X",
                "--http-port 70000",
                "--psk-port -1",
                "--coap-port abc",
                "--audit loud",
                "--registrar-keepalive soon",
                "--trusted-issuers /nonexistent/issuers.json",
                "--registrar-cse-id /id-in",
                "--mqtt-broker foo://127.0.0.1:1883",
                "--db-url jdbc:postgresql://127.0.0.1:1/citadel",
                "--tls-port 0",
                "--assurance-4-issuers /etc/hostname",
                "--coaps-port 0 --assurance-4-issuers /nonexistent/mef-ca.pem"
            })
    void a_wrong_setting_creates_no_data_directory_and_prints_no_administrator(String setting) throws Exception {
        Path dataDir = work.resolve("fresh-data");
        List<String> args = new ArrayList<>(List.of("serve", "--http-port", "0", "--data-dir", dataDir.toString()));
        args.addAll(List.of(setting.split(" ")));
        Run r = run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.out() + r.err()).isNotZero();
        assertThat(r.err()).as("one short message of ours").contains("citadel: ");
        assertThat(dataDir)
                .as("no data directory after: " + setting + "\n" + r.err())
                .doesNotExist();
        assertThat(r.out() + r.err())
                .doesNotContain("CAdmin")
                .doesNotContain("administrator originator")
                .doesNotContain("Citadel ready");
    }

    @Test
    void the_data_directory_is_owner_only_and_a_loose_one_is_fixed_with_a_warning() throws Exception {
        Path dataDir = work.resolve("data");
        Files.createDirectories(dataDir.resolve("extra"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dataDir.resolve("extra"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dataDir.resolve("extra/notes"), "x");
        Files.setPosixFilePermissions(dataDir.resolve("extra/notes"), PosixFilePermissions.fromString("rw-rw-r--"));
        try (CseProcess cse = CseProcess.start(dataDir, "--das-port", "0", "--psk-port", "0")) {
            assertThat(cse.output()).contains("extra/notes was rw-rw-r--");
            try (Stream<Path> all = Files.walk(dataDir)) {
                for (Path p : all.toList()) {
                    String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                    assertThat(perms).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
                }
            }
            assertThat(dataDir.resolve("citadel.mv.db")).exists();
        }
    }

    @Test
    void a_second_instance_on_the_same_embedded_database_refuses_to_start_naming_the_first() throws Exception {
        Path dataDir = work.resolve("shared");
        try (CseProcess first = CseProcess.start(dataDir)) {
            Run second = run(
                    "serve", "--http-port", "0", "--data-dir", dataDir.toString(), "--admin-originator", "CAdminTest");
            assertThat(second.exit()).isNotZero();
            assertThat(second.err())
                    .contains("is in use by another Citadel instance")
                    .contains("pid " + first.pid())
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
            assertThat(first.client().as(CseProcess.ADMIN).retrieve("cse-in").rsc())
                    .as("the first serves on")
                    .isEqualTo(2000);
        }
    }

    private static final String PG_ADMIN =
            System.getenv().getOrDefault("CITADEL_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");

    /** A fresh PostgreSQL database (its name); the test is skipped outside CI when there is no server. */
    private static String createPostgresDatabase() {
        String db = "citadel_it_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(PG_ADMIN, "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL is required in CI but unreachable at " + PG_ADMIN, e);
            }
            Assumptions.abort("PostgreSQL not reachable at " + PG_ADMIN + " (required when CI=true)");
        }
        return db;
    }

    private static void dropPostgresDatabase(String db) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_ADMIN, "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    @Test
    void a_second_instance_on_the_same_postgresql_database_refuses_to_start_naming_the_first() throws Exception {
        String db = createPostgresDatabase();
        String url = PG_ADMIN.replace("/postgres", "/" + db);
        try {
            try (CseProcess first = CseProcess.start(work.resolve("pg1"), "--db-url", url, "--db-user", "postgres")) {
                Path other = work.resolve("pg2");
                Run second = run(
                        "serve",
                        "--http-port",
                        "0",
                        "--data-dir",
                        other.toString(),
                        "--db-url",
                        url,
                        "--db-user",
                        "postgres");
                assertThat(second.exit()).isNotZero();
                assertThat(second.err())
                        .contains("is in use by another Citadel instance")
                        .contains("pid " + first.pid())
                        .contains("host ")
                        .contains("started ");
                assertThat(other)
                        .as("refused before its data directory was created")
                        .doesNotExist();
                assertThat(first.client()
                                .as(CseProcess.ADMIN)
                                .retrieve("cse-in")
                                .rsc())
                        .isEqualTo(2000);
            }
            // a takeover without the first instance's subject key file is refused: the data is encrypted with it
            Run keyless = run(
                    "serve",
                    "--http-port",
                    "0",
                    "--data-dir",
                    work.resolve("pg4").toString(),
                    "--db-url",
                    url,
                    "--db-user",
                    "postgres");
            assertThat(keyless.exit()).isNotZero();
            assertThat(keyless.err()).contains("another subject key file").contains("--subject-keys");
            // the lock goes with the process: with that key file, the database can be taken again
            try (CseProcess again = CseProcess.start(
                    work.resolve("pg3"),
                    "--db-url",
                    url,
                    "--db-user",
                    "postgres",
                    "--subject-keys",
                    work.resolve("pg1").resolve("subject-keys.json").toString())) {
                assertThat(again.client()
                                .as(CseProcess.ADMIN)
                                .retrieve("cse-in")
                                .rsc())
                        .isEqualTo(2000);
            }
        } finally {
            dropPostgresDatabase(db);
        }
    }

    /**
     * The advisory lock lives on one session: when that session ends while the server runs on (network
     * failure, idle_session_timeout, a proxy; here pg_terminate_backend), another instance could take the
     * database. The server notices within its check interval (5 s), logs one SEVERE line and exits non-zero.
     */
    @Test
    void a_server_whose_postgresql_lock_session_ends_stops_with_a_severe_line_and_a_non_zero_exit() throws Exception {
        String db = createPostgresDatabase();
        String url = PG_ADMIN.replace("/postgres", "/" + db);
        Process p = new ProcessBuilder(command(
                        "serve",
                        "--http-port",
                        "0",
                        "--data-dir",
                        work.resolve("pg").toString(),
                        "--admin-originator",
                        CseProcess.ADMIN,
                        "--db-url",
                        url,
                        "--db-user",
                        "postgres"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        try (java.io.BufferedReader out =
                new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> awaitReady(out));
            int port = ready.get(60, TimeUnit.SECONDS);
            var client = io.citadel.client.OneM2mHttpClient.connect("127.0.0.1", port)
                    .as(CseProcess.ADMIN);
            assertThat(client.retrieve("cse-in").rsc())
                    .as("serving while it holds the lock")
                    .isEqualTo(2000);
            assertThat(p.isAlive()).isTrue();

            try (Connection c = DriverManager.getConnection(url, "postgres", "");
                    Statement st = c.createStatement();
                    java.sql.ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_locks"
                            + " WHERE locktype = 'advisory' AND granted"
                            + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
                assertThat(rs.next())
                        .as("the backend holding the instance lock")
                        .isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }

            boolean ended = p.waitFor(60, TimeUnit.SECONDS);
            String stderr = ended ? err.get(10, TimeUnit.SECONDS) : "";
            assertThat(ended).as("the server stops once its lock is gone").isTrue();
            assertThat(p.exitValue()).as(stderr).isNotZero();
            assertJsonLines(stderr);
            assertThat(stderr.lines()
                            .map(StartupSafetyTest::json)
                            .filter(j -> j.path("level").asText().equals("SEVERE")))
                    .as(stderr)
                    .singleElement()
                    .satisfies(j -> assertThat(j.path("msg").asText())
                            .contains("instance lock lost")
                            .contains(db)
                            .contains("stops serving"));
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            dropPostgresDatabase(db);
        }
    }

    /** Reads standard output up to the readiness line; the HTTP port it announced. */
    private static int awaitReady(java.io.BufferedReader out) {
        java.util.regex.Pattern listening = java.util.regex.Pattern.compile("listening on http://[^:]+:(\\d+)/");
        int port = -1;
        try {
            for (String line; (line = out.readLine()) != null; ) {
                java.util.regex.Matcher m = listening.matcher(line);
                if (port < 0 && m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
                if (line.equals(CseProcess.READY)) {
                    return port;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("the server ended before it was ready");
    }

    @Test
    void one_ready_line_comes_after_every_listener() throws Exception {
        try (CseProcess cse = CseProcess.start(
                work.resolve("ready"),
                "--psk-port",
                "0",
                "--coap-port",
                "0",
                "--coaps-port",
                "0",
                "--das-port",
                "0",
                "--admin-port",
                "0")) {
            List<String> lines =
                    cse.output().lines().filter(l -> l.startsWith("Citadel")).toList();
            assertThat(lines).filteredOn(CseProcess.READY::equals).hasSize(1);
            assertThat(lines.get(lines.size() - 1)).isEqualTo(CseProcess.READY);
            assertThat(lines)
                    .anyMatch(l -> l.contains("TLS-PSK listening"))
                    .anyMatch(l -> l.contains("CoAP listening"))
                    .anyMatch(l -> l.contains("CoAP over DTLS listening"))
                    .anyMatch(l -> l.contains("DAS /id-das"))
                    .anyMatch(l -> l.contains("admin API listening"));
        }
    }

    @Test
    void standard_error_carries_only_json_lines_and_no_californium_info() throws Exception {
        Path dataDir = work.resolve("json");
        // a command other than serve logs too (the credential store's generated password): as JSON as well
        Run psk = run(
                "credentials",
                "psk",
                "add",
                "--identity",
                "j@psk.example",
                "--allow",
                "Cj",
                "--data-dir",
                dataDir.toString());
        assertThat(psk.exit()).as(psk.err()).isZero();
        assertJsonLines(psk.err());
        assertThat(psk.err()).contains("credential store password generated");

        Process p = new ProcessBuilder(command(
                        "serve",
                        "--http-port",
                        "0",
                        "--data-dir",
                        dataDir.toString(),
                        "--admin-originator",
                        CseProcess.ADMIN,
                        "--coap-port",
                        "0",
                        "--coaps-port",
                        "0",
                        "--psk-port",
                        "0",
                        "--das-port",
                        "0",
                        "--audit",
                        "all"))
                .directory(work.toFile())
                .start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        StringBuilder out = new StringBuilder();
        int port = -1;
        try (java.io.BufferedReader r =
                new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("listening on http://[^:]+:(\\d+)/")
                        .matcher(line);
                if (port < 0 && m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
                if (line.equals(CseProcess.READY)) {
                    break;
                }
            }
            assertThat(port).as(out.toString()).isPositive();
            var client = io.citadel.client.OneM2mHttpClient.connect("127.0.0.1", port);
            assertThat(client.as(CseProcess.ADMIN).retrieve("cse-in").rsc()).isEqualTo(2000);
            assertThat(client.as("Cnobody").retrieve("cse-in/none").rsc()).isEqualTo(4106);
            assertThat(client.as("Cj").create("cse-in", 2, Fixtures.ae("j")).rsc())
                    .isEqualTo(2001);
            assertThat(client.as("Cj")
                            .send(
                                    "POST",
                                    "cse-in/j",
                                    "application/json;ty=3",
                                    "{not json".getBytes(StandardCharsets.UTF_8))
                            .rsc())
                    .isEqualTo(4000);
            p.toHandle().destroy(); // SIGTERM, the streams stay open to read the last lines
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
            }
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        String stderr = err.get(10, TimeUnit.SECONDS);
        assertThat(out.toString().lines())
                .as("standard output: the announced lines")
                .allMatch(l -> l.startsWith("Citadel"));
        assertJsonLines(stderr);
        assertThat(stderr.lines()
                        .map(StartupSafetyTest::json)
                        .filter(j -> j.path("logger").asText().startsWith("org.eclipse.californium"))
                        .filter(j -> !j.path("level").asText().equals("WARNING")
                                && !j.path("level").asText().equals("SEVERE")))
                .as("no INFO from Californium")
                .isEmpty();
        assertThat(Files.exists(work.resolve("Californium3.properties"))).isFalse();
    }

    private static void assertJsonLines(String text) {
        for (String line : text.lines().toList()) {
            assertThat(json(line).isObject())
                    .as("a JSON object per line: %s", line)
                    .isTrue();
        }
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pki", "credentials", "das", "revoke-token", "privacy"})
    void each_command_has_its_own_help(String command) throws Exception {
        Run r = run(command, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("citadel " + command)
                .doesNotContain("Usage: citadel serve")
                .doesNotContain("--http-port");
    }
}
