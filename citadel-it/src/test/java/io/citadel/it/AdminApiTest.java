package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credential store's HTTP admin API, driven by curl, its changes checked through the listeners they
 * govern (openssl s_client -psk on the TLS-PSK port). Negative cases first.
 */
class AdminApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    @TempDir
    static Path work;

    static CseProcess cse;
    static int adminPort;
    static int pskPort;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        cse = CseProcess.start(dataDir, "--psk-port", "0", "--admin-port", "0");
        adminPort = Integer.parseInt(
                cse.awaitAnnounced(Pattern.compile("admin API listening on http://127.0.0.1:(\\d+)/")));
        pskPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
        token = Files.readString(dataDir.resolve("admin-api.token")).strip();
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
    }

    record Answer(int status, String body) {
        Map<?, ?> object() throws Exception {
            return JSON.readValue(body, Map.class);
        }
    }

    /** curl against the admin API; {@code auth} is the Authorization header value or null. */
    static Answer curl(String auth, String method, String path, String body, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", method));
        if (auth != null) {
            cmd.addAll(List.of("-H", "Authorization: " + auth));
        }
        if (body != null) {
            Path file = Files.createTempFile(work, "body", ".json");
            Files.writeString(file, body);
            cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", "@" + file));
        }
        cmd.addAll(List.of(extra));
        cmd.add("http://127.0.0.1:" + adminPort + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        int nl = out.lastIndexOf('\n');
        return new Answer(Integer.parseInt(out.substring(nl + 1).strip()), out.substring(0, nl));
    }

    static Answer admin(String method, String path, String body) throws Exception {
        return curl("Bearer " + token, method, path, body);
    }

    /** openssl s_client -psk on the TLS-PSK port; the X-M2M-RSC or "no session". */
    static String pskRequest(String identity, String keyHex, String from) throws Exception {
        String request = "GET /cse-in HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: " + from
                + "\r\nX-M2M-RI: a1\r\nX-M2M-RVI: 3\r\nConnection: close\r\n\r\n";
        Path in = Files.createTempFile(work, "req", ".txt");
        Files.writeString(in, request);
        Process p = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + pskPort,
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
        var m = Pattern.compile("(?i)X-M2M-RSC: (\\d+)").matcher(out);
        return m.find() ? m.group(1) : "no session";
    }

    @Test
    void without_the_token_nothing_is_read_or_changed() throws Exception {
        assertThat(curl(null, "GET", "/admin/credentials/psk", null).status()).isEqualTo(401);
        assertThat(curl("Bearer wrong", "GET", "/admin/credentials/psk", null).status())
                .isEqualTo(401);
        assertThat(curl("Bearer " + token + "x", "GET", "/admin/credentials/psk", null)
                        .status())
                .isEqualTo(401);
        assertThat(curl("Basic " + token, "GET", "/admin/credentials/psk", null).status())
                .isEqualTo(401);
        Answer refused = curl(
                "Bearer nope",
                "POST",
                "/admin/credentials/psk",
                "{\"identity\":\"intruder@psk.example\",\"allow\":[\"Cintruder\"]}");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("Bearer").doesNotContain("Exception");
        assertThat(admin("GET", "/admin/credentials/psk", null).body()).doesNotContain("intruder");
        // the token file is the owner's only
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("admin-api.token"))))
                .isEqualTo("rw-------");
        cse.awaitAnnounced(Pattern.compile("(admin API: refused POST)"));
        assertThat(cse.output()).doesNotContain(token);
    }

    @Test
    void bad_requests_get_a_clear_4xx_and_change_nothing() throws Exception {
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("not json", 400);
        cases.put("[1,2]", 400);
        cases.put("{\"identity\":\"bad id\",\"allow\":[\"Cx\"]}", 400);
        cases.put("{\"identity\":\"ok@psk.example\"}", 400);
        cases.put("{\"identity\":\"ok@psk.example\",\"allow\":[]}", 400);
        cases.put("{\"identity\":\"ok@psk.example\",\"allow\":[7]}", 400);
        cases.put("{\"identity\":\"ok@psk.example\",\"allow\":[\"Cx\"],\"expires\":\"tomorrow\"}", 400);
        cases.put("{\"identity\":\"ok@psk.example\",\"allow\":[\"Cx\"],\"key\":\"00112233\"}", 400); // no chosen keys
        cases.put("{\"identity\":\"ok@psk.example\",\"allow\":[\"Cx\"],\"textKey\":\"yes\"}", 400);
        cases.put("{\"identity\":\"ok@psk.example\",\"allow\":[\"Cx\"]} trailing", 400);
        for (var c : cases.entrySet()) {
            Answer a = admin("POST", "/admin/credentials/psk", c.getKey());
            assertThat(a.status()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(a.object().get("error")).as(c.getKey()).isNotNull();
            assertThat(a.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(admin("GET", "/admin/credentials/psk", null).body()).doesNotContain("ok@psk.example");
        assertThat(admin("GET", "/admin/credentials/nothing", null).status()).isEqualTo(404);
        assertThat(admin("GET", "/admin/", null).status()).isEqualTo(404);
        assertThat(admin("PUT", "/admin/credentials/psk", "{}").status()).isEqualTo(405);
        assertThat(admin("DELETE", "/admin/credentials/psk/nobody@psk.example", null)
                        .status())
                .isEqualTo(404);
        assertThat(admin("POST", "/admin/credentials/psk/nobody@psk.example/rotate", null)
                        .status())
                .isEqualTo(404);
        assertThat(admin(
                                "DELETE",
                                "/admin/credentials/rpk/"
                                        + URLEncoder.encode("ni:///sha-256;nonsense!", StandardCharsets.UTF_8),
                                null)
                        .status())
                .isEqualTo(400);
        assertThat(admin("PUT", "/admin/credentials/ca/..%2Fescape", "{\"pem\":\"x\"}")
                        .status())
                .isEqualTo(400);
        assertThat(admin("PUT", "/admin/credentials/secrets/a%2Fb", "{\"value\":\"x\"}")
                        .status())
                .isEqualTo(400);
        // bodies beyond 64 KiB are refused before they are read
        Answer big = admin("PUT", "/admin/credentials/secrets/big", "{\"value\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(big.status()).isEqualTo(413);
        assertThat(admin("GET", "/admin/credentials/secrets", null).body()).doesNotContain("big");
    }

    @Test
    void a_psk_added_over_the_api_works_within_a_second_rotates_and_is_revoked() throws Exception {
        Answer added =
                admin("POST", "/admin/credentials/psk", "{\"identity\":\"api1@psk.example\",\"allow\":[\"Capi1\"]}");
        assertThat(added.status()).isEqualTo(201);
        String key = (String) added.object().get("key");
        assertThat(key).matches("[0-9a-f]{64}");
        assertThat(added.object().get("credentialId")).isEqualTo("12-api1@psk.example");
        // the key is shown once: neither the list nor the item nor the log carries it
        assertThat(admin("GET", "/admin/credentials/psk", null).body())
                .contains("api1@psk.example")
                .doesNotContain(key);
        assertThat(admin("GET", "/admin/credentials/psk/api1@psk.example", null).body())
                .contains("Capi1")
                .doesNotContain(key);
        cse.awaitAnnounced(Pattern.compile("(admin API: added PSK api1@psk.example)"));
        assertThat(cse.output()).doesNotContain(key);
        assertThat(admin("POST", "/admin/credentials/psk", "{\"identity\":\"api1@psk.example\",\"allow\":[\"Capi1\"]}")
                        .status())
                .isEqualTo(409);

        // the listener re-reads the store at most once a second
        awaitSession("api1@psk.example", key, true);
        assertThat(pskRequest("api1@psk.example", key, "Capi1"))
                .isNotEqualTo("no session")
                .isNotEqualTo("4106");
        assertThat(pskRequest("api1@psk.example", key, "Cother")).isEqualTo("4106");

        Answer rotated = admin("POST", "/admin/credentials/psk/api1@psk.example/rotate", null);
        assertThat(rotated.status()).isEqualTo(200);
        String newKey = (String) rotated.object().get("key");
        assertThat(newKey).isNotEqualTo(key);
        awaitSession("api1@psk.example", key, false);
        awaitSession("api1@psk.example", newKey, true);

        assertThat(admin("DELETE", "/admin/credentials/psk/api1@psk.example", null)
                        .status())
                .isEqualTo(204);
        awaitSession("api1@psk.example", newKey, false);
        assertThat(admin("GET", "/admin/credentials/psk/api1@psk.example", null).status())
                .isEqualTo(404);
    }

    @Test
    void the_cse_reports_which_level_protects_which_key() throws Exception {
        assertThat(admin("POST", "/admin/credentials/psk", "{\"identity\":\"lvl@psk.example\",\"allow\":[\"Clvl\"]}")
                        .status())
                .isEqualTo(201);
        Answer keys = admin("GET", "/admin/keys", null);
        assertThat(keys.status()).isEqualTo(200);
        List<Map<String, Object>> entries = JSON.readValue(
                keys.body(), new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, Object>>>() {});
        assertThat(entries)
                .anySatisfy(e ->
                        assertThat(e).containsEntry("key", "pre-shared keys").containsEntry("clearAtRest", false));
        assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("key", "admin API token"));
        assertThat(curl(null, "GET", "/admin/keys", null).status()).isEqualTo(401);
        assertThat(admin("DELETE", "/admin/keys", null).status()).isEqualTo(405);
    }

    @Test
    void a_text_key_for_devices_that_take_a_string() throws Exception {
        Answer added = admin(
                "POST",
                "/admin/credentials/psk",
                "{\"identity\":\"dev2@psk.example\",\"allow\":[\"Cdev2\"],\"expires\":\"2099-01-01T00:00:00Z\",\"textKey\":true}");
        assertThat(added.status()).isEqualTo(201);
        String text = (String) added.object().get("textKey");
        assertThat(text).matches("[A-Za-z0-9_-]{32}");
        assertThat(added.object().get("key"))
                .isEqualTo(java.util.HexFormat.of().formatHex(text.getBytes(StandardCharsets.US_ASCII)));
        assertThat(added.object().get("expires")).isEqualTo("2099-01-01T00:00:00Z");
    }

    @Test
    void raw_public_keys_by_pem_or_identifier() throws Exception {
        Path key = work.resolve("device.key");
        Path pub = work.resolve("device.pub");
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        run("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
        String pem = Files.readString(pub);
        Answer bad = admin(
                "POST",
                "/admin/credentials/rpk",
                JSON.writeValueAsString(Map.of("key", "garbage", "allow", List.of("Cdev"))));
        assertThat(bad.status()).isEqualTo(400);
        Answer both = admin(
                "POST",
                "/admin/credentials/rpk",
                JSON.writeValueAsString(Map.of("key", pem, "id", "ni:///sha-256;AAAA", "allow", List.of("Cdev"))));
        assertThat(both.status()).isEqualTo(400);

        Answer added = admin(
                "POST",
                "/admin/credentials/rpk",
                JSON.writeValueAsString(Map.of("key", pem, "allow", List.of("Cdev"))));
        assertThat(added.status()).isEqualTo(201);
        String ni = (String) added.object().get("id");
        assertThat(ni).startsWith("ni:///sha-256;");
        assertThat(added.object().get("credentialId")).asString().startsWith("30-");
        // the same identifier as the CLI computes
        assertThat(Psk.credentials(dataDir, "rpk", "id", pub.toString())).contains(ni);
        assertThat(Psk.credentials(dataDir, "rpk", "list")).contains(ni);
        assertThat(admin("DELETE", "/admin/credentials/rpk/" + URLEncoder.encode(ni, StandardCharsets.UTF_8), null)
                        .status())
                .isEqualTo(204);
        assertThat(admin("GET", "/admin/credentials/rpk", null).body()).doesNotContain(ni);
    }

    @Test
    void trust_anchors_must_be_ca_certificates() throws Exception {
        Path caKey = work.resolve("ca.key");
        Path ca = work.resolve("ca.pem");
        Path leaf = work.resolve("leaf.pem");
        run(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                caKey.toString(),
                "-out",
                ca.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=Admin API Test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE");
        run(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                work.resolve("leaf.key").toString(),
                "-out",
                leaf.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=leaf",
                "-addext",
                "basicConstraints=critical,CA:FALSE");
        assertThat(admin(
                                "PUT",
                                "/admin/credentials/ca/leaf",
                                JSON.writeValueAsString(Map.of("pem", Files.readString(leaf))))
                        .status())
                .isEqualTo(400);
        assertThat(admin(
                                "PUT",
                                "/admin/credentials/ca/junk",
                                "{\"pem\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\"}")
                        .status())
                .isEqualTo(400);
        // a bundle could make a second certificate trusted behind the one checked: exactly one is taken
        assertThat(admin(
                                "PUT",
                                "/admin/credentials/ca/bundle",
                                JSON.writeValueAsString(Map.of("pem", Files.readString(ca) + Files.readString(leaf))))
                        .status())
                .isEqualTo(400);
        Answer added = admin(
                "PUT", "/admin/credentials/ca/testca", JSON.writeValueAsString(Map.of("pem", Files.readString(ca))));
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.object().get("subject")).isEqualTo("CN=Admin API Test CA");
        assertThat(admin(
                                "PUT",
                                "/admin/credentials/ca/testca",
                                JSON.writeValueAsString(Map.of("pem", Files.readString(ca))))
                        .status())
                .isEqualTo(200);
        assertThat(Psk.credentials(dataDir, "ca", "list")).contains("testca");
        assertThat(admin("GET", "/admin/credentials/ca", null).body())
                .contains("testca")
                .doesNotContain("leaf");
        assertThat(admin("DELETE", "/admin/credentials/ca/testca", null).status())
                .isEqualTo(204);
        assertThat(admin("DELETE", "/admin/credentials/ca/testca", null).status())
                .isEqualTo(404);
    }

    @Test
    void client_secrets_are_listed_by_name_only() throws Exception {
        assertThat(admin("PUT", "/admin/credentials/secrets/mqtt-password", "{\"value\":\"s3cret-value-123\"}")
                        .status())
                .isEqualTo(204);
        Answer names = admin("GET", "/admin/credentials/secrets", null);
        assertThat(names.body()).contains("mqtt-password").doesNotContain("s3cret-value-123");
        cse.awaitAnnounced(Pattern.compile("(admin API: set secret mqtt-password)"));
        assertThat(cse.output()).doesNotContain("s3cret-value-123");
        assertThat(Psk.credentials(dataDir, "secret", "list")).contains("mqtt-password");
        assertThat(admin("DELETE", "/admin/credentials/secrets/mqtt-password", null)
                        .status())
                .isEqualTo(204);
        assertThat(admin("DELETE", "/admin/credentials/secrets/mqtt-password", null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void the_admin_api_refuses_to_listen_beyond_loopback(@TempDir Path other) {
        assertThatThrownBy(() -> CseProcess.start(other, "--admin-port", "0", "--admin-host", "0.0.0.0")
                        .close())
                .hasMessageContaining("loopback only");
    }

    /** Waits (up to 20 s; the CSE re-reads its store at most once a second) for a key to work or stop working. */
    static void awaitSession(String identity, String key, boolean works) throws Exception {
        for (long end = System.currentTimeMillis() + 20_000; ; Thread.sleep(200)) {
            boolean ok = !pskRequest(identity, key, "Capi1").equals("no session");
            if (ok == works || System.currentTimeMillis() > end) {
                assertThat(ok).as(identity + " usable").isEqualTo(works);
                return;
            }
        }
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
