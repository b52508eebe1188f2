package io.citadel.das;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, defect 5: the DAS echoes {@code X-M2M-RI} only when the request had one (never the text
 * {@code null}), and every oneM2M answer, errors included, carries {@code X-M2M-RSC}.
 */
class DasResponseHeadersTest {
    @TempDir
    static Path dir;

    static DynamicAuthorizationServer das;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String CONSULTATION =
            "{\"m2m:seci\":{\"sit\":1,\"dreq\":{\"or\":\"Cx\",\"op\":2,\"trid\":\"/id-in/x\"}}}";

    @BeforeAll
    static void start() throws Exception {
        das = new DynamicAuthorizationServer(
                "127.0.0.1",
                0,
                new PolicyStore(dir.resolve("policies.json")),
                new TokenIssuer("/id-das", "das.example", TokenIssuer.signingKey(dir.resolve("signing.jwk")), null));
    }

    @AfterAll
    static void stop() {
        das.close();
    }

    private static HttpResponse<String> post(String body, String rqi) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + das.port() + "/das/dynaAuth"))
                .header("Content-Type", "application/json")
                .header("X-M2M-Origin", "/id-in")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (rqi != null) {
            b.header("X-M2M-RI", rqi);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void no_request_id_is_echoed_when_none_was_given() throws Exception {
        HttpResponse<String> r = post(CONSULTATION, null);
        assertThat(r.headers().firstValue("X-M2M-RSC")).contains("2000");
        assertThat(r.headers().firstValue("X-M2M-RI")).isEmpty();
    }

    @Test
    void the_request_id_is_echoed_on_answers_and_errors() throws Exception {
        assertThat(post(CONSULTATION, "r1").headers().firstValue("X-M2M-RI")).contains("r1");
        HttpResponse<String> bad = post("{not json", "r2");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("X-M2M-RSC")).contains("4000");
        assertThat(bad.headers().firstValue("X-M2M-RI")).contains("r2");
    }
}
