package io.citadel.it;

import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.container;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens over HTTP (Authorization header, ltids, X-M2M-ATI): every way to be wrong, and a foreign JOSE library. */
class TokenTest {
    @TempDir
    static Path dataDir;

    @TempDir
    static Path configDir;

    static RunningCse cse;
    static ECKey dasKey;
    static String boxRi;
    static OneM2mHttpClient bob;

    @BeforeAll
    static void start() throws Exception {
        dasKey = new ECKeyGenerator(Curve.P_256).keyID("das-1").generate();
        String pyJwk = python("keygen", configDir.resolve("py.jwk").toString()).strip();
        Files.writeString(
                configDir.resolve("issuers.json"),
                "{\"issuers\":["
                        + "{\"id\":\"/id-das\",\"jwks\":{\"keys\":["
                        + dasKey.toPublicJWK().toJSONString() + "]},\"algorithms\":[\"ES256\"]},"
                        + "{\"id\":\"/id-py\",\"jwks\":{\"keys\":[" + pyJwk + "]},\"algorithms\":[\"ES256\"]}]}");
        cse = TestCse.start(
                dataDir, "--trusted-issuers", configDir.resolve("issuers.json").toString());
        OneM2mHttpClient owner = cse.client().as("Cowner");
        assertThat(owner.create("cse-in", 2, ae("owner")).rsc()).isEqualTo(2001);
        OneM2mResponse box = owner.create("cse-in/owner", 3, container("box"));
        boxRi = (String) box.resource("m2m:cnt").get("ri");
        bob = cse.client().as("Cbob");
        Fixtures.register(cse, "Cbob", "Ceve", "Ccustodian");
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
    }

    static JWTClaimsSet.Builder claims(String tokenId) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .jwtID(tokenId)
                .issuer("/id-das")
                .claim("azp", "//citadel.example/id-in/Cbob")
                .notBeforeTime(Date.from(now.minusSeconds(30)))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .audience("//citadel.example/id-in")
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
                                                        2)))))));
    }

    static String sign(JWTClaimsSet c) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(JOSEObjectType.JWT)
                        .keyID("das-1")
                        .build(),
                c);
        jwt.sign(new ECDSASigner(dasKey));
        return jwt.serialize();
    }

    static OneM2mResponse withTokens(OneM2mHttpClient who, String authorization) {
        return who.send("GET", "cse-in/owner/box", null, null, Map.of("Authorization", authorization));
    }

    @Test
    void without_a_token_bob_is_denied() {
        assertThat(bob.retrieve("cse-in/owner/box").rsc()).isEqualTo(4103);
    }

    @Test
    void invalid_tokens_are_refused_with_a_reason() throws Exception {
        Instant now = Instant.now();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(
                "expired",
                sign(claims("e1@das.example")
                        .notBeforeTime(Date.from(now.minusSeconds(900)))
                        .expirationTime(Date.from(now.minusSeconds(60)))
                        .build()));
        cases.put(
                "not valid yet",
                sign(claims("n1@das.example")
                        .notBeforeTime(Date.from(now.plusSeconds(600)))
                        .build()));
        cases.put(
                "held by another",
                sign(claims("h1@das.example")
                        .claim("azp", "//citadel.example/id-in/Ceve")
                        .build()));
        cases.put(
                "audience",
                sign(claims("a1@das.example")
                        .audience("//citadel.example/id-other")
                        .build()));
        cases.put(
                "not trusted", sign(claims("i1@das.example").issuer("/id-evil").build()));
        String good = sign(claims("t1@das.example").build());
        String[] parts = good.split("\\.");
        String forgedClaims = Base64URL.encode(claims("t1@das.example")
                        .claim(
                                "tkps",
                                Map.of(
                                        "pm",
                                        List.of(Map.of(
                                                "ris",
                                                List.of("/id-in/" + boxRi),
                                                "pv",
                                                Map.of("acr", List.of(Map.of("acor", List.of("all"), "acop", 63)))))))
                        .build()
                        .toString())
                .toString();
        cases.put("signature", parts[0] + "." + forgedClaims + "." + parts[2]);
        cases.put("unsecured", new PlainJWT(claims("p1@das.example").build()).serialize());
        SignedJWT hs = new SignedJWT(
                new JWSHeader(JWSAlgorithm.HS256), claims("s1@das.example").build());
        hs.sign(new MACSigner(dasKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
        cases.put("HS256", hs.serialize());
        cases.put("compact", "eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.AAAA");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            OneM2mResponse r = withTokens(bob, c.getValue());
            assertThat(r.rsc()).as(c.getKey()).isEqualTo(4103);
            assertThat(r.text()).as(c.getKey()).contains("token rejected").doesNotContain(c.getValue());
        }
        assertThat(withTokens(bob, "Basic Ym9iOnNlY3JldA==").rsc()).isEqualTo(4000);
    }

    @Test
    void a_valid_token_grants_exactly_its_permissions_and_gets_a_local_id() throws Exception {
        String token = sign(claims("ok1@das.example").build());
        OneM2mResponse r = withTokens(bob, token);
        assertThat(r.rsc()).as(r.text()).isEqualTo(2000);
        String ati = r.header("X-M2M-ATI").orElseThrow();
        assertThat(ati).matches("lt[a-z2-7]{20}:ok1@das.example");
        String lti = ati.substring(0, ati.indexOf(':'));
        assertThat(bob.retrieve("cse-in/owner/box?ltids=" + lti).rsc()).isEqualTo(2000);
        // only RETRIEVE, only that resource, only for its holder
        assertThat(bob.send("DELETE", "cse-in/owner/box", null, null, Map.of("Authorization", token))
                        .rsc())
                .isEqualTo(4103);
        assertThat(bob.send("GET", "cse-in/owner", null, null, Map.of("Authorization", token))
                        .rsc())
                .isEqualTo(4103);
        assertThat(withTokens(cse.client().as("Ceve"), token).rsc()).isEqualTo(4103);
        assertThat(cse.client()
                        .as("Ceve")
                        .retrieve("cse-in/owner/box?ltids=" + lti)
                        .rsc())
                .isEqualTo(4103);
        // Bearer prefix and the tkns query parameter are accepted too
        assertThat(withTokens(bob, "Bearer " + token).rsc()).isEqualTo(2000);
    }

    @Test
    void a_revoked_token_is_refused_even_from_the_cache() throws Exception {
        String token = sign(claims("rev1@das.example").build());
        OneM2mResponse first = withTokens(bob, token);
        assertThat(first.rsc()).isEqualTo(2000);
        String lti = first.header("X-M2M-ATI").orElseThrow().split(":")[0];
        Process p = new ProcessBuilder(
                        CitadelCommand.of("revoke-token", "rev1@das.example", "--data-dir", dataDir.toString()))
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        long deadline = System.currentTimeMillis() + 5000;
        int rsc = 0;
        while (System.currentTimeMillis() < deadline
                && (rsc = withTokens(bob, token).rsc()) != 4103) {
            Thread.sleep(100);
        }
        assertThat(rsc).isEqualTo(4103);
        assertThat(withTokens(bob, token).text()).contains("revoked");
        assertThat(bob.retrieve("cse-in/owner/box?ltids=" + lti).rsc()).isEqualTo(4103);
    }

    @Test
    void a_token_from_python_jwcrypto_is_accepted() throws Exception {
        String token = python(
                        "sign",
                        configDir.resolve("py.jwk").toString(),
                        "//citadel.example/id-in/Cbob",
                        "/id-in/" + boxRi,
                        "//citadel.example/id-in")
                .strip();
        OneM2mResponse r = withTokens(bob, token);
        assertThat(r.rsc()).as(r.text()).isEqualTo(2000);
        assertThat(withTokens(cse.client().as("Ceve"), token).rsc()).isEqualTo(4103);
    }

    @Test
    void roles_from_role_resources_match_role_entries_in_acor() {
        OneM2mHttpClient admin = cse.client().as(CseProcess.ADMIN);
        OneM2mHttpClient owner = cse.client().as("Cowner");
        String now = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                .withZone(java.time.ZoneOffset.UTC)
                .format(Instant.now().minusSeconds(60));
        String later = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                .withZone(java.time.ZoneOffset.UTC)
                .format(Instant.now().plusSeconds(3600));
        String past = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                .withZone(java.time.ZoneOffset.UTC)
                .format(Instant.now().minusSeconds(30));
        assertThat(admin.create("cse-in", 31, role("r-bob", "reader@das.example", "/id-das", "Cbob", now, later))
                        .rsc())
                .isEqualTo(2001);
        assertThat(admin.create("cse-in", 31, role("r-old", "old@das.example", "/id-das", "Cbob", now, past))
                        .rsc())
                .isEqualTo(2001);
        assertThat(admin.create("cse-in", 31, role("r-evil", "evil@das.example", "/id-evil", "Cbob", now, later))
                        .rsc())
                .isEqualTo(2001);
        // only the administrator (as Authorization Authority) may create roles
        assertThat(owner.create("cse-in", 31, role("r-self", "self@das.example", "/id-das", "Cowner", now, later))
                        .rsc())
                .isEqualTo(4103);
        assertThat(owner.create(
                                "cse-in/owner",
                                1,
                                Map.of(
                                        "m2m:acp",
                                        Map.of(
                                                "rn",
                                                "byrole",
                                                "pv",
                                                Map.of(
                                                        "acr",
                                                        List.of(
                                                                Map.of("acor", List.of("Cowner"), "acop", 63),
                                                                Map.of(
                                                                        "acor",
                                                                        List.of(
                                                                                "reader@das.example",
                                                                                "old@das.example",
                                                                                "evil@das.example"),
                                                                        "acop",
                                                                        2))),
                                                "pvs",
                                                Map.of("acr", List.of(Map.of("acor", List.of("Cowner"), "acop", 63))))))
                        .rsc())
                .isEqualTo(2001);
        assertThat(owner.create("cse-in/owner", 3, container("rolebox", Map.of("acpi", List.of("cse-in/owner/byrole"))))
                        .rsc())
                .isEqualTo(2001);
        assertThat(bob.retrieve("cse-in/owner/rolebox").rsc()).isEqualTo(4103);
        assertThat(bob.retrieve("cse-in/owner/rolebox?rids=reader@das.example").rsc())
                .isEqualTo(2000);
        assertThat(cse.client()
                        .as("Ceve")
                        .retrieve("cse-in/owner/rolebox?rids=reader@das.example")
                        .rsc())
                .isEqualTo(4103);
        assertThat(bob.retrieve("cse-in/owner/rolebox?rids=old@das.example").rsc())
                .as("expired role")
                .isEqualTo(4103);
        assertThat(bob.retrieve("cse-in/owner/rolebox?rids=evil@das.example").rsc())
                .as("untrusted issuer")
                .isEqualTo(4103);
        assertThat(bob.retrieve("cse-in/owner/rolebox?rids=nobody@das.example").rsc())
                .isEqualTo(4103);
        // deleting the role takes it away at once
        assertThat(admin.delete("cse-in/r-bob").rsc()).isEqualTo(2002);
        assertThat(bob.retrieve("cse-in/owner/rolebox?rids=reader@das.example").rsc())
                .isEqualTo(4103);
    }

    @Test
    void tokens_stored_in_the_token_repository_are_found_by_tids() throws Exception {
        OneM2mHttpClient admin = cse.client().as(CseProcess.ADMIN);
        String token = sign(claims("stored1@das.example").build());
        assertThat(admin.create(
                                "cse-in",
                                32,
                                Map.of("m2m:tk", Map.of("rn", "tk1", "tkid", "stored1@das.example", "tkob", token)))
                        .rsc())
                .isEqualTo(2001);
        String forged = sign(claims("stored2@das.example")
                .claim("azp", "//citadel.example/id-in/Ceve")
                .build());
        assertThat(admin.create(
                                "cse-in",
                                32,
                                Map.of("m2m:tk", Map.of("rn", "tk2", "tkid", "stored2@das.example", "tkob", forged)))
                        .rsc())
                .isEqualTo(2001);
        assertThat(bob.retrieve("cse-in/owner/box?tids=stored1@das.example").rsc())
                .isEqualTo(2000);
        assertThat(bob.retrieve("cse-in/owner/box?tids=stored2@das.example").rsc())
                .as("held by Ceve")
                .isEqualTo(4103);
        assertThat(bob.retrieve("cse-in/owner/box?tids=unknown@das.example").rsc())
                .isEqualTo(4103);
        assertThat(cse.client()
                        .as("Ceve")
                        .retrieve("cse-in/owner/box?tids=stored1@das.example")
                        .rsc())
                .isEqualTo(4103);
    }

    @Test
    void a_custodian_replaces_the_creator_in_the_default_policy() {
        OneM2mHttpClient owner = cse.client().as("Cowner");
        assertThat(owner.create("cse-in/owner", 3, container("custody")).rsc()).isEqualTo(2001);
        assertThat(owner.update("cse-in/owner/custody", Map.of("m2m:cnt", Map.of("cstn", "Ccustodian")))
                        .rsc())
                .isEqualTo(2004);
        assertThat(cse.client()
                        .as("Ccustodian")
                        .retrieve("cse-in/owner/custody")
                        .rsc())
                .isEqualTo(2000);
        assertThat(owner.retrieve("cse-in/owner/custody").rsc()).isEqualTo(4103);
    }

    static Map<String, Object> role(String rn, String rlid, String issuer, String holder, String from, String until) {
        return Map.of(
                "m2m:rol", Map.of("rn", rn, "rlid", rlid, "tkis", issuer, "tkhd", holder, "tknb", from, "tkna", until));
    }

    /** Runs the jwcrypto helper with Debian's python3 (python3-jwcrypto). Fails loudly when it is missing. */
    static String python(String... args) throws Exception {
        Path script = Path.of(TokenTest.class.getResource("/jwcrypto_token.py").toURI());
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("python3-jwcrypto (apt-get install python3-jwcrypto): " + out)
                .isZero();
        return out;
    }
}
