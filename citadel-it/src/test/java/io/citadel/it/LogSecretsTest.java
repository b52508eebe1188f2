package io.citadel.it;

import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.container;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.citadel.client.HttpTransport;
import io.citadel.client.OneM2mClient;
import io.citadel.client.OneM2mHttpClient;
import io.citadel.protocol.ResponseStatusCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full scenario with every kind of secret a CSE handles (the administrator originator, pre-shared keys,
 * tokens, the admin API's bearer token, a client secret), with every decision audited; afterwards no line the
 * process wrote contains any of them. The administrator appears in the audit as {@code admin}.
 */
class LogSecretsTest {
    @TempDir
    Path dir;

    @Test
    void no_secret_used_in_a_full_scenario_reaches_the_log() throws Exception {
        SecureRandom random = new SecureRandom();
        String admin = "CAdmin" + HexFormat.of().formatHex(random.generateSeed(8));
        Path data = dir.resolve("data");
        ECKey issuerKey = new ECKeyGenerator(Curve.P_256).keyID("das-1").generate();
        Files.writeString(
                dir.resolve("issuers.json"),
                "{\"issuers\":[{\"id\":\"/id-das\",\"jwks\":{\"keys\":["
                        + issuerKey.toPublicJWK().toJSONString() + "]},\"algorithms\":[\"ES256\"]}]}");
        byte[] psk = Psk.provision(data, "sensor@psk.example", "Csensor");
        String clientSecret = "pw-" + HexFormat.of().formatHex(random.generateSeed(12));
        Psk.secret(data, "mqtt-password", clientSecret);
        List<String> secrets = new ArrayList<>(List.of(admin, HexFormat.of().formatHex(psk), clientSecret));

        CseProcess cse = CseProcess.launch(List.of(
                "serve",
                "--http-port",
                "0",
                "--data-dir",
                data.toString(),
                "--admin-originator",
                admin,
                "--audit",
                "all",
                "--psk-port",
                "0",
                "--admin-port",
                "0",
                "--trusted-issuers",
                dir.resolve("issuers.json").toString()));
        try {
            int pskPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
            int adminPort = Integer.parseInt(
                    cse.awaitAnnounced(Pattern.compile("admin API listening on http://127.0.0.1:(\\d+)/")));
            String bearer = Files.readString(data.resolve("admin-api.token")).strip();
            secrets.add(bearer);

            // the administrator works, is refused once (a wrong operation), and is audited
            OneM2mHttpClient administrator = cse.client().as(admin);
            assertThat(administrator.retrieve("cse-in").rsc()).isEqualTo(2000);
            assertThat(administrator.create("cse-in", 3, container("adminbox")).rsc())
                    .isEqualTo(2001);
            assertThat(administrator.delete("cse-in/adminbox").rsc()).isEqualTo(2002);
            assertThat(cse.client().as("/id-in/" + admin).retrieve("cse-in").rsc())
                    .isEqualTo(2000);
            // a non-blocking request whose result goes back to the administrator, which has no point of access:
            // the dispatcher gives it up after its retries and says so in the log (JsonLogFormatterTest: as "admin")
            assertThat(administrator.send("GET", "cse-in?rt=2", null, null).rsc())
                    .isEqualTo(1002);

            // an AE over TLS-PSK, and a wrong key that gets no session
            try (HttpTransport t = HttpTransport.psk("127.0.0.1", pskPort, "sensor@psk.example", psk)) {
                assertThat(new OneM2mClient(t, "Csensor")
                                .create("cse-in", 2, ae("sensor"))
                                .status())
                        .isEqualTo(ResponseStatusCode.CREATED);
            }
            byte[] wrong = random.generateSeed(32);
            secrets.add(HexFormat.of().formatHex(wrong));
            assertThatThrownBy(() -> {
                        try (HttpTransport t = HttpTransport.psk("127.0.0.1", pskPort, "sensor@psk.example", wrong)) {
                            new OneM2mClient(t, "Csensor").retrieve("cse-in/sensor");
                        }
                    })
                    .isInstanceOf(RuntimeException.class);

            // tokens: a good one is used, a bad one refused with its reason
            OneM2mHttpClient owner = cse.client().as("Cowner");
            assertThat(owner.create("cse-in", 2, ae("owner")).rsc()).isEqualTo(2001);
            String boxRi = (String) owner.create("cse-in/owner", 3, container("box"))
                    .resource("m2m:cnt")
                    .get("ri");
            Fixtures.register(cse, "Cbob");
            String good = token(issuerKey, "t1@das.example", boxRi, "//citadel.example/id-in");
            String misdirected = token(issuerKey, "t2@das.example", boxRi, "//citadel.example/id-other");
            secrets.add(good);
            secrets.add(misdirected);
            secrets.add(good.substring(good.lastIndexOf('.') + 1));
            OneM2mHttpClient bob = cse.client().as("Cbob");
            assertThat(bob.send("GET", "cse-in/owner/box", null, null, Map.of("Authorization", good))
                            .rsc())
                    .isEqualTo(2000);
            assertThat(bob.send("GET", "cse-in/owner/box", null, null, Map.of("Authorization", misdirected))
                            .rsc())
                    .isEqualTo(4103);

            // the admin API: a key made there, a client secret set there, a wrong bearer token
            HttpClient http = HttpClient.newHttpClient();
            String made = adminCall(
                    http,
                    adminPort,
                    bearer,
                    "POST",
                    "/admin/credentials/psk",
                    "{\"identity\":\"sensor2@psk.example\",\"allow\":[\"Csensor2\"]}");
            Matcher key = Pattern.compile("\"key\"\\s*:\\s*\"([0-9a-f]+)\"").matcher(made);
            assertThat(key.find()).as(made).isTrue();
            secrets.add(key.group(1));
            String apiSecret = "api-" + HexFormat.of().formatHex(random.generateSeed(12));
            secrets.add(apiSecret);
            adminCall(
                    http,
                    adminPort,
                    bearer,
                    "PUT",
                    "/admin/credentials/secrets/broker-password",
                    "{\"value\":\"" + apiSecret + "\"}");
            String wrongBearer = HexFormat.of().formatHex(random.generateSeed(16));
            secrets.add(wrongBearer);
            HttpResponse<String> refused = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/admin/credentials/psk"))
                            .header("Authorization", "Bearer " + wrongBearer)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
        } finally {
            cse.close();
        }

        String log = cse.output();
        assertThat(log).contains("PERMIT originator=admin ");
        for (String secret : secrets) {
            assertThat(log)
                    .as("the process output must not contain a secret (%s...)", secret.substring(0, 4))
                    .doesNotContain(secret);
        }
    }

    private static String token(ECKey key, String id, String boxRi, String audience) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .jwtID(id)
                .issuer("/id-das")
                .claim("azp", "//citadel.example/id-in/Cbob")
                .notBeforeTime(Date.from(now.minusSeconds(30)))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .audience(audience)
                .claim("tkvr", "1")
                .claim(
                        "tkps",
                        Map.of(
                                "pm",
                                List.of(Map.of(
                                        "ris",
                                        List.of("/id-in/" + boxRi),
                                        "pv",
                                        Map.of(
                                                "acr",
                                                List.of(Map.of(
                                                        "acor",
                                                        List.of("//citadel.example/id-in/Cbob"),
                                                        "acop",
                                                        2)))))))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(JOSEObjectType.JWT)
                        .keyID("das-1")
                        .build(),
                claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static String adminCall(HttpClient http, int port, String bearer, String method, String path, String body)
            throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + bearer)
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return r.body();
    }
}
