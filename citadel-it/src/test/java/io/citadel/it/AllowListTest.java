package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Allow-lists of PSKs and raw public keys hold AE-IDs and CSE-IDs only (issue 14, defect 4): the CLI and the
 * admin API refuse patterns and other strings with a clear message and store nothing; a store that already
 * holds such an entry does not honour it. Negative cases first.
 */
class AllowListTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    record Run(int exit, String output) {}

    /** {@code citadel credentials <args> --data-dir dataDir}, whatever its exit status. */
    Run credentials(String... args) throws Exception {
        List<String> cmd = CitadelCommand.of("credentials");
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data-dir", dataDir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void the_cli_refuses_wildcards_and_non_identifiers_and_stores_nothing() throws Exception {
        Run wildcard = credentials("psk", "add", "--identity", "dev@psk.example", "--allow", "C*");
        assertThat(wildcard.exit()).isEqualTo(2);
        assertThat(wildcard.output())
                .contains("'C*' is a pattern")
                .contains("wildcards are not supported")
                .doesNotContain("Exception")
                .doesNotContain("psk (hex");
        Run mixed = credentials("psk", "add", "--identity", "dev@psk.example", "--allow", "Cgood,all");
        assertThat(mixed.exit()).isEqualTo(2);
        assertThat(mixed.output()).contains("'all' is not an AE-ID or CSE-ID");
        assertThat(credentials("psk", "list").output()).doesNotContain("dev@psk.example");

        Run rpk = credentials("rpk", "add", "--id", "ni:///sha-256;" + "A".repeat(43), "--allow", "/id-in/*");
        assertThat(rpk.exit()).isEqualTo(2);
        assertThat(rpk.output()).contains("'/id-in/*' is a pattern");
        assertThat(credentials("rpk", "list").output().strip()).isEmpty();

        // the forms an operator means are accepted
        assertThat(credentials(
                                "psk",
                                "add",
                                "--identity",
                                "dev@psk.example",
                                "--allow",
                                "Cdev,/id-mn,/id-in/Cdev2,//citadel.example/id-mn/Cdev3")
                        .exit())
                .isZero();
    }

    @Test
    void the_admin_api_refuses_them_and_a_stored_one_is_not_honoured() throws Exception {
        try (CseProcess cse = CseProcess.start(dataDir, "--psk-port", "0", "--admin-port", "0")) {
            int adminPort = Integer.parseInt(
                    cse.awaitAnnounced(Pattern.compile("admin API listening on http://127.0.0.1:(\\d+)/")));
            int pskPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
            String token = Files.readString(dataDir.resolve("admin-api.token")).strip();
            String[] answer = curl(
                    adminPort,
                    token,
                    "POST",
                    "/admin/credentials/psk",
                    "{\"identity\":\"wild@psk.example\",\"allow\":[\"C*\"]}");
            assertThat(answer[0]).isEqualTo("400");
            assertThat(answer[1])
                    .contains("is a pattern")
                    .doesNotContain("Exception")
                    .doesNotContain("\"key\"");
            answer = curl(
                    adminPort,
                    token,
                    "POST",
                    "/admin/credentials/rpk",
                    "{\"id\":\"ni:///sha-256;" + "A".repeat(43) + "\",\"allow\":[\"Cdev\",\"x y\"]}");
            assertThat(answer[0]).isEqualTo("400");
            assertThat(answer[1]).contains("'x y' is not an AE-ID or CSE-ID");
            assertThat(curl(adminPort, token, "GET", "/admin/credentials/psk", null)[1])
                    .doesNotContain("wild@psk.example");
            assertThat(curl(adminPort, token, "GET", "/admin/credentials/rpk", null)[1])
                    .isEqualTo("[]");

            // a PSK stored with a pattern (an older version, a hand edit) does not work and cannot be rotated
            String key = Psk.provisionText(dataDir, "legacy@psk.example", "Clegacy");
            String hex = java.util.HexFormat.of().formatHex(key.getBytes(StandardCharsets.US_ASCII));
            awaitPsk(pskPort, "legacy@psk.example", hex, true);
            Path meta = dataDir.resolve("credentials").resolve("psk.json");
            Files.writeString(meta, Files.readString(meta).replace("\"Clegacy\"", "\"C*\""));
            awaitPsk(pskPort, "legacy@psk.example", hex, false);
            cse.awaitAnnounced(Pattern.compile("(PSK legacy@psk.example .* is not honoured)"));
            answer = curl(adminPort, token, "POST", "/admin/credentials/psk/legacy@psk.example/rotate", null);
            assertThat(answer[0]).isEqualTo("400");
            assertThat(answer[1]).contains("not honoured").contains("C*");
        }
    }

    private String[] curl(int port, String token, String method, String path, String body) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, "-H", "Authorization: Bearer " + token));
        if (body != null) {
            Path file = Files.createTempFile(work, "body", ".json");
            Files.writeString(file, body);
            cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", "@" + file));
        }
        cmd.add("http://127.0.0.1:" + port + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        int nl = out.lastIndexOf('\n');
        return new String[] {out.substring(nl + 1).strip(), out.substring(0, nl)};
    }

    /** Waits (up to 5 s; the CSE re-reads its store at most once a second) for a PSK to work or stop working. */
    private void awaitPsk(int port, String identity, String keyHex, boolean works) throws Exception {
        for (long end = System.currentTimeMillis() + 5_000; ; Thread.sleep(200)) {
            boolean ok = pskSession(port, identity, keyHex);
            if (ok == works || System.currentTimeMillis() > end) {
                assertThat(ok).as(identity + " usable").isEqualTo(works);
                return;
            }
        }
    }

    private boolean pskSession(int port, String identity, String keyHex) throws Exception {
        Path in = Files.createTempFile(work, "req", ".txt");
        Files.writeString(
                in,
                "GET /cse-in HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: Clegacy\r\nX-M2M-RI: a1\r\n"
                        + "X-M2M-RVI: 3\r\nConnection: close\r\n\r\n");
        Process p = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + port,
                        "-psk_identity",
                        identity,
                        "-psk",
                        keyHex,
                        "-quiet",
                        "-ign_eof")
                .redirectErrorStream(true)
                .redirectInput(in.toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return Pattern.compile("(?i)X-M2M-RSC: \\d+").matcher(out).find();
    }
}
