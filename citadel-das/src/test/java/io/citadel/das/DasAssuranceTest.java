package io.citadel.das;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DAS policy's minimum level of assurance: a consultation that states a lower level gets nothing, and every grant
 * carries the minimum as an {@code acco} {@code loa} element for the hosting CSE to enforce.
 */
class DasAssuranceTest {
    @TempDir
    Path dir;

    private Path file;
    private DynamicAuthorizationServer das;

    @BeforeEach
    void file() {
        file = dir.resolve("policies.json");
    }

    /** A DAS started on the policy file as it is now (a running DAS re-reads a changed file within a second). */
    private void start(DasPolicy policy) throws Exception {
        PolicyStore.put(file, policy);
        das = new DynamicAuthorizationServer(
                "127.0.0.1",
                0,
                new PolicyStore(file),
                new TokenIssuer("/id-das", "das.example", TokenIssuer.signingKey(dir.resolve("signing.jwk")), null));
    }

    @AfterEach
    void stop() {
        if (das != null) {
            das.close();
        }
    }

    private static DasPolicy policy(Integer minAssurance) {
        return new DasPolicy(
                "p1",
                "//citadel.example/id-in/C*",
                "/id-in/*",
                2,
                Duration.ofMinutes(5),
                DasPolicy.Grant.BOTH,
                List.of(),
                minAssurance);
    }

    private Map<String, Object> consult(Object loa) {
        Map<String, Object> dreq =
                new HashMap<>(Map.of("or", "//citadel.example/id-in/Creader", "op", 2, "trid", "/id-in/cnt1"));
        if (loa != null) {
            dreq.put("loa", loa);
        }
        return das.decide(dreq, false, "//citadel.example/id-in");
    }

    @Test
    void a_minimum_outside_one_to_four_is_refused_when_made_and_when_read_the_file_denies_everything()
            throws Exception {
        assertThatThrownBy(() -> policy(0)).hasMessageContaining("level of assurance");
        assertThatThrownBy(() -> policy(5)).hasMessageContaining("level of assurance");
        PolicyStore.put(file, policy(3));
        Files.writeString(file, Files.readString(file).replace("\"minAssurance\" : 3", "\"minAssurance\" : \"3\""));
        assertThatThrownBy(() -> PolicyStore.read(file)).hasMessageContaining("minAssurance");
        PolicyStore store = new PolicyStore(file);
        assertThat(store.firstMatch("//citadel.example/id-in/Creader", "/id-in/cnt1", 2, null))
                .as("an unreadable policy file denies everything")
                .isEmpty();
    }

    @Test
    void a_consultation_stating_a_lower_level_gets_no_grant_and_no_token() throws Exception {
        start(policy(3));
        assertThat(consult(2)).isEmpty();
        assertThat(consult(1)).isEmpty();
    }

    @Test
    void every_grant_carries_the_minimum_whether_or_not_the_consultation_stated_a_level() throws Exception {
        start(policy(3));
        for (Object stated : java.util.Arrays.asList(3, 4, null)) {
            Map<String, Object> dres = consult(stated);
            assertThat(dres).as("stated %s", stated).containsKeys("dai", "tkns");
            Map<?, ?> dai = (Map<?, ?>) dres.get("dai");
            Map<?, ?> rule = (Map<?, ?>) ((List<?>) ((Map<?, ?>) dai.get("gp")).get("acr")).get(0);
            assertThat(rule.get("acco")).isEqualTo(List.of(Map.of("loa", 3)));
            String token = (String) ((List<?>) dres.get("tkns")).get(0);
            Map<String, Object> claims =
                    SignedJWT.parse(token).getJWTClaimsSet().getClaims();
            Map<?, ?> pm = (Map<?, ?>) ((List<?>) ((Map<?, ?>) claims.get("tkps")).get("pm")).get(0);
            Map<?, ?> tokenRule = (Map<?, ?>) ((List<?>) ((Map<?, ?>) pm.get("pv")).get("acr")).get(0);
            assertThat(((List<?>) tokenRule.get("acco")).get(0)).isEqualTo(Map.of("loa", 3L));
        }
    }

    @Test
    void a_policy_without_a_minimum_grants_rules_without_a_context() throws Exception {
        start(policy(null));
        Map<String, Object> dres = consult(1);
        Map<?, ?> rule =
                (Map<?, ?>) ((List<?>) ((Map<?, ?>) ((Map<?, ?>) dres.get("dai")).get("gp")).get("acr")).get(0);
        assertThat(rule.containsKey("acco")).isFalse();
        assertThat(PolicyStore.read(file).get(0).minAssurance()).isNull();
    }
}
