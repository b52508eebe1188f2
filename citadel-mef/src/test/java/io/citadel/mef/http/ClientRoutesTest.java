package io.citadel.mef.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.mef.MutableClock;
import io.citadel.mef.clients.MefClients;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.protocol.mef.MmefNames.CommandClass;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MEF client routes without sockets: refusals first (not a client, malformed or oversized bodies, unknown
 * members, too many or too long labels, a foreign MEF, wrong paths and methods), then registration, retrieval,
 * update (only the updated values answered), the command exchange and de-registration.
 */
class ClientRoutesTest {
    static final String FQDN = "mef.citadel.example";
    static final String DEV1 = "dev1@" + FQDN;
    static final String DEV2 = "dev2@" + FQDN;
    static final String REVOKED = "dev3@" + FQDN;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    MefClients clients;
    ClientRoutes routes;

    @BeforeEach
    void setUp() {
        Enrolments enrolments = Enrolments.open(dir.resolve("enrolments.json"));
        for (String dev : new String[] {DEV1, DEV2, REVOKED}) {
            enrolments.put(EnrolmentPolicy.withPassword(
                    dev,
                    new EnrolmentSubject(
                            EnrolmentSubject.Type.AE_ID, "C" + dev.substring(0, 4), "/id-in", "citadel.example"),
                    Duration.ofDays(30),
                    "one-time challenge password"));
        }
        enrolments.revoke(REVOKED);
        clients = new MefClients(dir.resolve("mef-clients.json"), clock, Duration.ofDays(30), Duration.ofMinutes(5));
        routes = new ClientRoutes(clients, enrolments, FQDN);
    }

    KeyRoutes.Answer call(String method, String uri, String client, String body) {
        return routes.handle(method, uri, client, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(KeyRoutes.Answer a) throws Exception {
        return JSON.readTree(a.json());
    }

    static String error(KeyRoutes.Answer a) throws Exception {
        return json(a).path("errorString").asText();
    }

    String register(String client) throws Exception {
        KeyRoutes.Answer a = call("POST", "/mef/clients", client, "{}");
        assertThat(a.status()).isEqualTo(201);
        return json(a).path("mefClientRegID").asText();
    }

    @Test
    void only_an_enrolee_whose_policy_stands_is_a_client() throws Exception {
        for (String who : new String[] {REVOKED, "ni:///sha-256;unknown"}) {
            KeyRoutes.Answer a = call("POST", "/mef/clients", who, "{}");
            assertThat(a.status()).isEqualTo(403);
            assertThat(error(a)).contains("enrolment policy");
        }
    }

    @Test
    void malformed_requests_get_400_with_our_text() throws Exception {
        Map<String, String> bad = Map.of(
                "{not json", "not JSON",
                "[1,2]", "JSON object",
                "", "JSON object",
                "{\"labels\":[\"a\"],\"labels\":[\"b\"]}", "not JSON",
                "{\"clientID\":\"someone-else\"}", "unexpected member",
                "{\"expirationTime\":\"tomorrow\"}", "not a timestamp",
                "{\"expirationTime\":20300101}", "is a string",
                "{\"adminFQDN\":\"not a name!\"}", "adminFQDN",
                "{\"mefFQDN\":\"other.citadel.example\"}", "another MEF",
                "{} {}", "not JSON");
        for (var e : bad.entrySet()) {
            KeyRoutes.Answer a = call("POST", "/mef/clients", DEV1, e.getKey());
            assertThat(a.status()).as(e.getKey()).isEqualTo(400);
            assertThat(error(a)).as(e.getKey()).contains(e.getValue());
        }
        KeyRoutes.Answer big = call("POST", "/mef/clients", DEV1, "{\"labels\":[\"" + "a".repeat(9000) + "\"]}");
        assertThat(big.status()).isEqualTo(413);
        assertThat(clients.registrationOf(DEV1)).isEmpty();
    }

    @Test
    void oversized_labels_are_refused() throws Exception {
        String tooMany = "{\"labels\":[" + "\"l\",".repeat(16) + "\"l\"]}";
        String tooLong = "{\"labels\":[\"" + "x".repeat(65) + "\"]}";
        String control = "{\"labels\":[\"a\\u0000b\"]}";
        String notText = "{\"labels\":[1]}";
        for (String body : new String[] {tooMany, tooLong, control, notText, "{\"labels\":\"x\"}"}) {
            KeyRoutes.Answer a = call("POST", "/mef/clients", DEV1, body);
            assertThat(a.status()).as(body).isEqualTo(400);
            assertThat(error(a)).as(body).contains("label");
        }
        String id = register(DEV1);
        assertThat(call("PUT", "/mef/clients/" + id, DEV1, tooLong).status()).isEqualTo(400);
    }

    @Test
    void wrong_paths_methods_and_updates_are_refused() throws Exception {
        String id = register(DEV1);
        assertThat(call("GET", "/mef/clients", DEV1, null).status()).isEqualTo(405);
        assertThat(call("POST", "/mef/clients/" + id, DEV1, "{}").status()).isEqualTo(405);
        assertThat(call("DELETE", "/mef/clients/" + id + "/cmd", DEV1, null).status())
                .isEqualTo(405);
        assertThat(call("GET", "/mef/clients/" + id + "/other", DEV1, null).status())
                .isEqualTo(404);
        assertThat(call("GET", "/mef/clients/" + id + "/cmd/x", DEV1, null).status())
                .isEqualTo(404);
        assertThat(call("GET", "/mef/clients/../keys", DEV1, null).status()).isEqualTo(404);
        assertThat(call("GET", "/mef/clients/" + id + "?x=1", DEV1, null).status())
                .isEqualTo(404);
        KeyRoutes.Answer none = call("PUT", "/mef/clients/" + id, DEV1, "{}");
        assertThat(none.status()).isEqualTo(400);
        assertThat(error(none)).contains("expirationTime or labels");
        KeyRoutes.Answer admin = call("PUT", "/mef/clients/" + id, DEV1, "{\"adminFQDN\":\"a.example\"}");
        assertThat(admin.status()).isEqualTo(400);
        assertThat(error(admin)).contains("unexpected member");
        assertThat(call("GET", "/mef/clients/" + id, DEV2, null).status()).isEqualTo(403);
        assertThat(call("GET", "/mef/clients/" + id + "/cmd", DEV2, null).status())
                .isEqualTo(403);
        KeyRoutes.Answer second = call("POST", "/mef/clients", DEV1, "{}");
        assertThat(second.status()).isEqualTo(409);
        assertThat(error(second)).contains(id);
        assertThat(json(second).path("mefClientRegID").asText()).isEqualTo(id);
    }

    @Test
    void malformed_or_wrong_results_get_400() throws Exception {
        String id = register(DEV1);
        clients.enqueue(DEV1, CommandClass.CERT_PROV, Map.of("certProvProtocolID", 1), null);
        long cmd = json(call("GET", "/mef/clients/" + id + "/cmd", DEV1, null))
                .path("cmdID")
                .asLong();
        String cmdPath = "/mef/clients/" + id + "/cmd";
        for (String body : new String[] {
            "{",
            "{}",
            "{\"cmdID\":\"" + cmd + "\",\"cmdStatusCode\":20}",
            "{\"cmdID\":" + cmd + "}",
            "{\"cmdID\":" + cmd + ",\"cmdStatusCode\":20.5}",
            "{\"cmdID\":" + cmd + ",\"cmdStatusCode\":77}",
            "{\"cmdID\":" + cmd + ",\"cmdStatusCode\":10}",
            "{\"cmdID\":" + (cmd + 1) + ",\"cmdStatusCode\":20}",
            "{\"cmdID\":" + cmd + ",\"cmdStatusCode\":20,\"extra\":1}",
            "{\"cmdID\":99999999999999999999999,\"cmdStatusCode\":20}"
        }) {
            KeyRoutes.Answer a = call("PUT", cmdPath, DEV1, body);
            assertThat(a.status()).as(body).isEqualTo(400);
            assertThat(error(a)).as(body).isNotBlank();
        }
        assertThat(json(call("GET", cmdPath, DEV1, null)).path("cmdStatusCode").asInt())
                .as("still held: reissued")
                .isEqualTo(11);
    }

    @Test
    void a_client_registers_retrieves_updates_runs_its_commands_and_deregisters() throws Exception {
        KeyRoutes.Answer created = call(
                "POST",
                "/mef/clients",
                DEV1,
                "{\"expirationTime\":\"20300102T000000\",\"labels\":[\"meter\"],\"adminFQDN\":\"admin.citadel.example\","
                        + "\"mefFQDN\":\"mef.citadel.example\"}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode reg = json(created);
        String id = reg.path("mefClientRegID").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(reg.path("mefClientID").asText()).isEqualTo(DEV1);
        assertThat(reg.path("expirationTime").asText()).isEqualTo("2030-01-02T00:00:00Z");
        assertThat(reg.path("labels").get(0).asText()).isEqualTo("meter");
        assertThat(reg.path("adminFQDN").asText()).isEqualTo("admin.citadel.example");
        assertThat(reg.path("cmdRef").asText()).isEqualTo("/mef/clients/" + id + "/cmd");

        assertThat(json(call("GET", "/mef/clients/" + id, DEV1, null))).isEqualTo(reg);
        KeyRoutes.Answer updated = call("PUT", "/mef/clients/" + id, DEV1, "{\"labels\":[\"meter\",\"floor-2\"]}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(json(updated).toString()).isEqualTo("{\"labels\":[\"meter\",\"floor-2\"]}");

        String cmdPath = reg.path("cmdRef").asText();
        JsonNode none = json(call("GET", cmdPath, DEV1, null));
        assertThat(none.toString())
                .isEqualTo("{\"cmdDescription\":{\"cmdClassID\":0,\"cmdArgs\":{\"retryDuration\":300}}}");
        long c1 = clients.enqueue(DEV1, CommandClass.CERT_PROV, Map.of("certProvProtocolID", 1), "/id-in/Cdev1")
                .cmdId();
        long c2 = clients.enqueue(DEV1, CommandClass.DEV_CFG, Map.of("devMgmtID", 3), null)
                .cmdId();
        JsonNode issued = json(call("GET", cmdPath, DEV1, null));
        assertThat(issued.path("cmdID").asLong()).isEqualTo(c1);
        assertThat(issued.path("cmdStatusCode").asInt()).isEqualTo(10);
        assertThat(issued.path("cmdDescription").path("cmdClassID").asInt()).isEqualTo(1);
        assertThat(issued.path("cmdDescription").path("targetID").asText()).isEqualTo("/id-in/Cdev1");
        JsonNode next = json(call("PUT", cmdPath, DEV1, "{\"cmdID\":" + c1 + ",\"cmdStatusCode\":20}"));
        assertThat(next.path("cmdID").asLong()).isEqualTo(c2);
        assertThat(next.path("cmdDescription").has("targetID")).isFalse();
        JsonNode end = json(call("PUT", cmdPath, DEV1, "{\"cmdID\":" + c2 + ",\"cmdStatusCode\":41}"));
        assertThat(end.path("cmdDescription").path("cmdClassID").asInt()).isZero();

        assertThat(call("DELETE", "/mef/clients/" + id, DEV2, null).status()).isEqualTo(403);
        assertThat(call("DELETE", "/mef/clients/" + id, DEV1, null).status()).isEqualTo(204);
        assertThat(call("GET", "/mef/clients/" + id, DEV1, null).status()).isEqualTo(404);
        assertThat(call("GET", cmdPath, DEV1, null).status()).isEqualTo(404);
    }
}
