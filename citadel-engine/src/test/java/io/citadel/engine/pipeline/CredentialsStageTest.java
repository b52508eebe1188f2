package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.citadel.engine.authorization.Originator;
import io.citadel.engine.authorization.RevocationList;
import io.citadel.engine.authorization.RoleDirectory;
import io.citadel.engine.authorization.TokenService;
import io.citadel.engine.resources.Resource;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import io.citadel.security.TokenVerifier;
import io.citadel.security.TrustedIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The credentials stage admits the originator's tokens (presented, or named by {@code tids} from the local
 * {@code <token>} resources) and held roles, records the {@link Originator}, and names assigned token IDs in a
 * successful answer. Any token it cannot admit is 4103, never a 5000.
 */
class CredentialsStageTest {
    private static final String BOB = "/id-in/Cbob";
    private static final OctetSequenceKey DAS_KEY = generate();
    private final StageFixture fixture = new StageFixture();
    private final TokenVerifier verifier = new TokenVerifier(
            List.of(new TrustedIssuer("/id-das", new JWKSet(DAS_KEY), Set.of(JWSAlgorithm.HS256), false)),
            new JWKSet(),
            StageFixture.IDS,
            Duration.ofSeconds(5));
    private final Resource bob = fixture.insert(ResourceType.AE, "Cbob", Map.of("aei", "Cbob"));
    private final StageFixture.Run run = new StageFixture.Run(new CredentialsStage(
                    new TokenService(verifier, RevocationList.inMemory()),
                    new RoleDirectory(StageFixture.SETTINGS, fixture.repository, verifier, StageFixture.IDS),
                    fixture.remotes))
            .given(exchange -> {
                exchange.put(Facts.ORIGINATOR_ID, BOB);
                exchange.put(Authentication.KEY, new Authentication(false, false, false, Optional.of(bob)));
            });

    @AfterEach
    void close() {
        fixture.close();
    }

    private static OctetSequenceKey generate() {
        try {
            return new OctetSequenceKeyGenerator(256).keyID("das").generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String token(String tokenId, String holder) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .jwtID(tokenId)
                .issuer("/id-das")
                .claim("azp", holder)
                .notBeforeTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .audience("/id-in")
                .build();
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .keyID("das")
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims);
            jwt.sign(new MACSigner(DAS_KEY));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void storeToken(String ri, String tokenId, String jwt) {
        fixture.insert(ResourceType.TOKEN, ri, Map.of("tkid", tokenId, "tkob", jwt));
    }

    private ResponsePrimitive withTids(String... tids) {
        return run.handle(StageFixture.retrieve("Cbob", "/id-in/cse-in")
                .tokenIds(List.of(tids))
                .build());
    }

    private void assertRefused(ResponsePrimitive response) {
        assertThat(response.status()).isEqualTo(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE);
        assertThat(response.content().toString()).contains("token rejected");
        assertThat(run.reached).isEmpty();
    }

    private Originator originator() {
        assertThat(run.reached).hasSize(1);
        return run.reached.get(0).get(CredentialsStage.ORIGINATOR);
    }

    @Test
    void refuses_a_tid_that_names_no_token_here_with_4103() {
        assertRefused(withTids("nothing@das.example"));
    }

    @Test
    void refuses_an_unknown_tid_even_next_to_a_tid_that_two_tokens_share() {
        storeToken("tok-a", "shared@das.example", token("shared@das.example", "Cbob"));
        storeToken("tok-b", "shared@das.example", token("shared@das.example", "Cbob"));

        assertRefused(withTids("shared@das.example", "nothing@das.example"));
    }

    @Test
    void refuses_a_duplicated_tkid_when_one_of_its_tokens_is_not_the_originators_with_4103() {
        storeToken("tok-a", "dup@das.example", token("dup@das.example", "Cbob"));
        storeToken("tok-b", "dup@das.example", token("dup@das.example", "Cmallory"));

        assertRefused(withTids("dup@das.example"));
    }

    @Test
    void refuses_a_stored_token_that_is_not_a_jwt_with_4103() {
        storeToken("tok-bad", "bad@das.example", "not.a.jwt");

        assertRefused(withTids("bad@das.example"));
    }

    @Test
    void refuses_a_presented_token_held_by_another_originator_with_4103() {
        assertRefused(run.handle(StageFixture.retrieve("Cbob", "/id-in/cse-in")
                .tokens(List.of(token("t9@das.example", "Cmallory")))
                .build()));
    }

    @Test
    void admits_a_stored_token_named_by_tid_and_names_its_local_token_id_in_a_successful_answer() {
        storeToken("tok-1", "t1@das.example", token("t1@das.example", "Cbob"));

        ResponsePrimitive response = withTids("t1@das.example");

        assertThat(response.status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(originator().tokens())
                .singleElement()
                .satisfies(t -> assertThat(t.tokenId()).isEqualTo("t1@das.example"));
        assertThat(response.assignedTokenIds()).hasSize(1).containsValue("t1@das.example");
        assertThat(response.assignedTokenIds().keySet()).allMatch(lti -> lti.matches("lt[a-z2-7]{20}"));
    }

    @Test
    void names_no_assigned_token_ids_in_a_refusal_from_behind() {
        storeToken("tok-1", "t1@das.example", token("t1@das.example", "Cbob"));
        run.behind(exchange -> ResponsePrimitive.error(ResponseStatusCode.NOT_FOUND, "rqi-1", "3", "gone"));

        ResponsePrimitive response = withTids("t1@das.example");

        assertThat(response.status()).isEqualTo(ResponseStatusCode.NOT_FOUND);
        assertThat(response.assignedTokenIds()).isEmpty();
    }

    @Test
    void records_a_registered_ae_with_only_the_roles_it_holds() {
        Instant now = Instant.now();
        fixture.insert(
                ResourceType.ROLE,
                "role-1",
                Map.of(
                        "rlid",
                        "reader@das.example",
                        "tkhd",
                        "Cbob",
                        "tkis",
                        "/id-das",
                        "tknb",
                        Timestamps.format(now.minusSeconds(60)),
                        "tkna",
                        Timestamps.format(now.plusSeconds(3600))));
        fixture.insert(
                ResourceType.ROLE,
                "role-2",
                Map.of(
                        "rlid",
                        "writer@das.example",
                        "tkhd",
                        "Cmallory",
                        "tkis",
                        "/id-das",
                        "tknb",
                        Timestamps.format(now.minusSeconds(60)),
                        "tkna",
                        Timestamps.format(now.plusSeconds(3600))));

        ResponsePrimitive response = run.handle(StageFixture.retrieve("Cbob", "/id-in/cse-in")
                .roleIds(List.of("reader@das.example", "writer@das.example", "none@das.example"))
                .build());

        assertThat(response.status()).isEqualTo(ResponseStatusCode.OK);
        Originator originator = originator();
        assertThat(originator.normalized()).isEqualTo(BOB);
        assertThat(originator.registered()).isTrue();
        assertThat(originator.authenticated()).isFalse();
        assertThat(originator.roles()).containsExactly("reader@das.example");
        assertThat(response.assignedTokenIds()).isEmpty();
    }

    @Test
    void records_an_ae_registration_without_from_as_an_unregistered_originator() {
        StageFixture.Run anonymous = new StageFixture.Run(new CredentialsStage(
                        new TokenService(verifier, RevocationList.inMemory()),
                        new RoleDirectory(StageFixture.SETTINGS, fixture.repository, verifier, StageFixture.IDS),
                        fixture.remotes))
                .given(exchange -> {
                    exchange.put(Facts.ORIGINATOR_ID, "");
                    exchange.put(Authentication.KEY, Authentication.anonymous());
                });
        RequestPrimitive register = RequestPrimitive.builder(Operation.CREATE, "/id-in/cse-in")
                .requestId("reg")
                .releaseVersion("3")
                .resourceType(ResourceType.AE.code())
                .content(Map.of("m2m:ae", Map.of()))
                .build();

        assertThat(anonymous.handle(register).status()).isEqualTo(ResponseStatusCode.OK);
        Originator originator = anonymous.reached.get(0).get(CredentialsStage.ORIGINATOR);
        assertThat(originator.normalized()).isEmpty();
        assertThat(originator.registered()).isFalse();
    }
}
