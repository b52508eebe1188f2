package io.citadel.it;

import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.container;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import io.citadel.das.DasCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DAS inside the CSE's process, and a DAS that signs then encrypts its tokens for one CSE. */
class DasDeploymentTest {
    @TempDir
    Path cseDir;

    @TempDir
    Path dasDir;

    @TempDir
    Path configDir;

    static void cli(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = DasCli.run(List.of(args), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(rc).as(err.toString()).isZero();
    }

    static String cliOut(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(DasCli.run(List.of(args), new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream())))
                .isZero();
        return out.toString();
    }

    static String linkedBox(CseProcess cse, int dasPort) {
        OneM2mHttpClient owner = cse.client().as("Cowner");
        assertThat(owner.create("cse-in", 2, ae("owner")).rsc()).isEqualTo(2001);
        assertThat(owner.create(
                                "cse-in/owner",
                                34,
                                Map.of(
                                        "m2m:dac",
                                        Map.of(
                                                "rn",
                                                "das",
                                                "dae",
                                                true,
                                                "dap",
                                                List.of("http://127.0.0.1:" + dasPort + "/das/dynaAuth"))))
                        .rsc())
                .isEqualTo(2001);
        OneM2mResponse r =
                owner.create("cse-in/owner", 3, container("box", Map.of("daci", List.of("cse-in/owner/das"))));
        assertThat(r.rsc()).isEqualTo(2001);
        return "cse-in/owner/box";
    }

    @Test
    void a_das_inside_the_cse_process_is_trusted_without_configuration() throws Exception {
        cli(
                "policy",
                "add",
                "--data-dir",
                cseDir.resolve("das").toString(),
                "--id",
                "g",
                "--originator",
                "//citadel.example/id-in/Cguest*",
                "--target",
                "/id-in/*",
                "--ops",
                "2",
                "--grant",
                "token");
        try (CseProcess cse = CseProcess.start(cseDir, "--das-port", "0")) {
            String box = linkedBox(
                    cse,
                    Integer.parseInt(cse.awaitAnnounced(
                            Pattern.compile("DAS /id-das \\(in process\\) listening on port (\\d+)"))));
            Fixtures.register(cse, "Cguest1", "Cother");
            assertThat(cse.client().as("Cguest1").retrieve(box).rsc()).isEqualTo(2000);
            assertThat(cse.client().as("Cother").retrieve(box).rsc()).isEqualTo(4103);
        }
    }

    @Test
    void sign_then_encrypt_tokens_are_decrypted_with_the_cse_key_only() throws Exception {
        ECKey cseKey = new ECKeyGenerator(Curve.P_256).keyID("cse-enc").generate();
        Path publicKey = configDir.resolve("cse-enc.jwk");
        Files.writeString(publicKey, cseKey.toPublicJWK().toJSONString());
        Path privateKeys = configDir.resolve("cse-dec.jwks");
        Files.writeString(privateKeys, new JWKSet(cseKey).toString(false));
        cli(
                "policy",
                "add",
                "--data-dir",
                dasDir.toString(),
                "--id",
                "t",
                "--originator",
                "//citadel.example/id-in/Ctok*",
                "--target",
                "/id-in/*",
                "--ops",
                "2",
                "--grant",
                "token");
        try (CseProcess das = CseProcess.startDas(dasDir, "--encrypt-for", publicKey.toString())) {
            Files.writeString(configDir.resolve("das.jwks"), cliOut("jwks", "--data-dir", dasDir.toString()));
            Files.writeString(
                    configDir.resolve("issuers.json"),
                    "{\"issuers\":[{\"id\":\"/id-das\",\"jwksFile\":\"das.jwks\"}]}");
            try (CseProcess cse = CseProcess.start(
                    cseDir,
                    "--trusted-issuers",
                    configDir.resolve("issuers.json").toString(),
                    "--token-decryption-keys",
                    privateKeys.toString())) {
                String box = linkedBox(cse, das.port());
                Fixtures.register(cse, "Ctok1", "Ctok2");
                assertThat(cse.client().as("Ctok1").retrieve(box).rsc()).isEqualTo(2000);
                // the token the DAS hands out is a JWE (five parts); the CSE takes it in the Authorization header
                String dreq = "{\"m2m:seci\":{\"sit\":1,\"dreq\":{\"or\":\"//citadel.example/id-in/Ctok2\",\"op\":2,"
                        + "\"trid\":\"/id-in/"
                        + cse.client()
                                .as("Cowner")
                                .retrieve(box)
                                .resource("m2m:cnt")
                                .get("ri") + "\"}}}";
                HttpResponse<String> answer = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + das.port() + "/das/token"))
                                        .POST(HttpRequest.BodyPublishers.ofString(dreq))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                Matcher t = Pattern.compile("\"tkns\":\\[\"([^\"]+)\"").matcher(answer.body());
                assertThat(t.find()).as(answer.body()).isTrue();
                assertThat(t.group(1).split("\\.")).hasSize(5);
                assertThat(cse.client()
                                .as("Ctok2")
                                .send("GET", box, null, null, Map.of("Authorization", t.group(1)))
                                .rsc())
                        .isEqualTo(2000);
            }
        }
    }
}
