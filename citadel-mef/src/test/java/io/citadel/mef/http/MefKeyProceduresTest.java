package io.citadel.mef.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.client.tls.PskHttpConnection;
import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.KeyDerivation;
import io.citadel.credentials.PskCredential;
import io.citadel.maf.KeyProcedureRoutes;
import io.citadel.maf.MafKeys;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
import io.citadel.mef.keys.EnrolmentKeys;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.CertificateAuthority;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MEF's key procedures between its clients (TS-0003 §8.3.5.2: Key Registration, Retrieval, Update and
 * De-registration at {@code /mef/keys}) over the bootstrap (TLS-PSK) listener, in-process. Refusals first: a use the
 * MEF does not provision, the wrong number of targets, a non-target retrieving, another client changing the key, a
 * revoked client; then a key registered without a value is the session's export, and its target retrieves it.
 */
class MefKeyProceduresTest {
    static final String FQDN = "mef.citadel.example";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static MefServer mef;
    static KeyRoutes routes;
    static Enrolments enrolments;
    static final Map<String, byte[]> kpm = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("citadel.example", Duration.ofDays(1));
        enrolments = Enrolments.open(dir.resolve("enrolments.json"));
        EncryptedFilePskStore bootstrap = EncryptedFilePskStore.open(dir.resolve("bootstrap"), "pw".toCharArray());
        for (String dev : List.of("dev1", "dev2", "dev3", "dev4")) {
            enrolments.put(EnrolmentPolicy.withPassword(
                    dev + "@" + FQDN,
                    new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "C" + dev, "/id-in", "citadel.example"),
                    Duration.ofDays(30),
                    "a challenge password"));
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            kpm.put(dev, key);
            bootstrap.put(new PskCredential(dev + "@" + FQDN, List.of("C" + dev), null), key.clone());
        }
        KeyProcedureRoutes procedures = new KeyProcedureRoutes(
                new MafKeys(
                        dir.resolve("mef-keys.json"),
                        EncryptedFilePskStore.open(dir.resolve("values"), "pw".toCharArray()),
                        FQDN,
                        Clock.systemUTC(),
                        Duration.ofDays(1),
                        64,
                        MafKeys.Uses.MEF),
                "/mef/keys",
                FQDN,
                "sourceMefClientID",
                System.getLogger("citadel.mef"));
        routes = new KeyRoutes(
                new EnrolmentKeys(
                        EncryptedFilePskStore.open(dir.resolve("ke"), "pw".toCharArray()),
                        enrolments,
                        FQDN,
                        Clock.systemUTC()),
                "https://" + FQDN + ":8443/.well-known/est",
                null,
                procedures,
                enrolments);
        mef = new MefServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new EstService(ca, enrolments, Clock.systemUTC()),
                routes,
                bootstrap,
                new HandshakeThrottle(
                        100, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), 100, Clock.systemUTC()),
                10_000);
    }

    @AfterAll
    static void stop() {
        mef.close();
    }

    record Reply(int status, JsonNode body, byte[] export) {}

    static Reply call(String dev, String method, String path, String json) throws Exception {
        try (PskHttpConnection c = new PskHttpConnection(
                "127.0.0.1",
                mef.port(),
                dev + "@" + FQDN,
                kpm.get(dev),
                Map.of(KeyDerivation.BOOTSTRAP_EXPORTER, KeyDerivation.EXPORT_LENGTH))) {
            PskHttpConnection.Reply r = c.exchange(
                    method,
                    path,
                    Map.of("Content-Type", "application/json"),
                    json == null ? null : json.getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(20));
            return new Reply(
                    r.status(),
                    r.body().length == 0 ? null : JSON.readTree(r.body()),
                    c.exported(KeyDerivation.BOOTSTRAP_EXPORTER));
        }
    }

    static String error(Reply r) {
        return r.body().path("errorString").asText();
    }

    @Test
    void refusals_come_first_then_a_target_retrieves_the_key_its_source_exported() throws Exception {
        Reply maf = call("dev1", "POST", "/mef/keys", "{\"suid\":32,\"targetIDs\":[\"/id-in/Cdev2\"]}");
        assertThat(maf.status()).isEqualTo(400);
        assertThat(error(maf)).isEqualTo("suid must be one of [22, 23, 24, 25] (an RSPF-provisioned key)");
        Reply two =
                call("dev1", "POST", "/mef/keys", "{\"suid\":23,\"targetIDs\":[\"/id-in/Cdev2\",\"/id-in/Cdev3\"]}");
        assertThat(two.status()).isEqualTo(400);
        assertThat(error(two)).isEqualTo("a key for a security association or ESPrim has exactly one target");
        assertThat(call("dev1", "POST", "/mef/keys", "{\"suid\":23,\"targetIDs\":[\"C*\"]}")
                        .status())
                .as("a pattern is no target")
                .isEqualTo(400);
        assertThat(call("dev1", "GET", "/mef/keys", null).status()).isEqualTo(405);

        // an ESPrim key for Cdev2, without a value: the key is this MEF handshake session's export
        Reply registered = call("dev1", "POST", "/mef/keys", "{\"suid\":23,\"targetIDs\":[\"/id-in/Cdev2\"]}");
        assertThat(registered.status()).as(String.valueOf(registered.body())).isEqualTo(201);
        String id = registered.body().path("relativeKeyID").asText();
        assertThat(id).isEqualTo(HexFormat.of().formatHex(registered.export(), 0, 16));
        assertThat(registered.body().path("keyID").asText()).isEqualTo(id + "@" + FQDN);
        assertThat(registered.body().path("sourceMefClientID").asText()).isEqualTo("/id-in/Cdev1");

        Reply stranger = call("dev3", "GET", "/mef/keys/" + id, null);
        assertThat(stranger.status()).isEqualTo(403);
        assertThat(error(stranger)).isEqualTo("the requester is not a target of this key");
        assertThat(call("dev2", "PUT", "/mef/keys/" + id, "{\"labels\":[\"x\"]}")
                        .status())
                .as("only the source changes it")
                .isEqualTo(403);
        assertThat(call("dev1", "GET", "/mef/keys/" + id, null).body().has("keyValue"))
                .as("its source sees the configuration, not the value")
                .isFalse();

        Reply retrieved = call("dev2", "GET", "/mef/keys/" + id, null);
        assertThat(retrieved.status()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(retrieved.body().path("keyValue").asText()))
                .isEqualTo(Arrays.copyOfRange(registered.export(), 16, 48));

        assertThat(call("dev1", "PUT", "/mef/keys/" + id, "{\"labels\":[\"meter\"]}")
                        .status())
                .isEqualTo(200);
        assertThat(call("dev1", "DELETE", "/mef/keys/" + id, null).status()).isEqualTo(200);
        assertThat(call("dev2", "GET", "/mef/keys/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void a_revoked_enrolee_is_no_longer_a_mef_client() throws Exception {
        enrolments.revoke("dev4@" + FQDN);
        Reply r = call(
                "dev4",
                "POST",
                "/mef/keys",
                "{\"suid\":22,\"targetIDs\":[\"/id-in\"],\"keyValue\":\"" + "A".repeat(43) + "=\"}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(error(r)).isEqualTo("only an enrolee whose policy stands is a MEF client");
    }

    static int refused(Runnable r) {
        try {
            r.run();
        } catch (io.citadel.mef.est.EstException e) {
            return e.httpStatus();
        }
        throw new AssertionError("not refused");
    }

    @Test
    void a_key_registered_for_a_cse_is_fetched_by_that_cse_only_for_its_use() throws Exception {
        Reply registered = call("dev1", "POST", "/mef/keys", "{\"suid\":22,\"targetIDs\":[\"/id-in\"]}");
        assertThat(registered.status()).as(String.valueOf(registered.body())).isEqualTo(201);
        String keyId = registered.body().path("keyID").asText();
        List<String> idIn = List.of("id-in.citadel.example");
        assertThat(refused(() -> routes.fetchCredentials(keyId + "/22", List.of("id-mn1.citadel.example"), "/id-in")))
                .as("a certificate that does not prove the CSE-ID it claims")
                .isEqualTo(403);
        assertThat(refused(() -> routes.fetchCredentials(keyId + "/22", List.of("id-mn1.citadel.example"), "/id-mn1")))
                .as("a CSE that is not the target")
                .isEqualTo(403);
        assertThat(refused(() -> routes.fetchCredentials(keyId + "/23", idIn, "/id-in")))
                .as("another use")
                .isEqualTo(403);
        assertThat(refused(() ->
                        routes.fetchCredentials("00112233445566778899aabbccddeeff@" + FQDN + "/22", idIn, "/id-in")))
                .isEqualTo(404);
        JsonNode fetched = JSON.readTree(
                routes.fetchCredentials(keyId + "/22", idIn, "/id-in").json());
        assertThat(fetched.path("enroleeID").asText()).isEqualTo("/id-in/Cdev1");
        assertThat(Base64.getDecoder().decode(fetched.path("credential").asText()))
                .isEqualTo(Arrays.copyOfRange(registered.export(), 16, 48));
    }
}
