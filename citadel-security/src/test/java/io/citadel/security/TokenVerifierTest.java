package io.citadel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every way a token can be wrong is refused, with a reason; keys are generated per run. */
class TokenVerifierTest {
    private static final OriginatorIds IDS = new OriginatorIds("/id-in", "//sp.example");
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final ECKey DAS_KEY = generate("das-1");
    private static final ECKey OTHER_KEY = generate("x");
    private static final ECKey CSE_KEY = generate("cse-enc");
    private static final TrustedIssuer DAS =
            new TrustedIssuer("/id-das", new JWKSet(DAS_KEY.toPublicJWK()), Set.of(JWSAlgorithm.ES256), false);
    private static final TrustedIssuer LAX =
            new TrustedIssuer("/id-lab", new JWKSet(DAS_KEY.toPublicJWK()), Set.of(JWSAlgorithm.ES256), true);
    private final TokenVerifier verifier =
            new TokenVerifier(List.of(DAS, LAX), new JWKSet(CSE_KEY), IDS, Duration.ZERO);

    private static ECKey generate(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .jwtID("t1@das.example")
                .issuer("/id-das")
                .claim("azp", "/id-in/Cbob")
                .notBeforeTime(Date.from(NOW.minusSeconds(60)))
                .expirationTime(Date.from(NOW.plusSeconds(3600)))
                .audience("//sp.example/id-in")
                .claim("tkvr", "1")
                .claim(
                        "tkps",
                        Map.of(
                                "pm",
                                List.of(Map.of(
                                        "ris",
                                        List.of("cnt1"),
                                        "pv",
                                        Map.of("acr", List.of(Map.of("acor", List.of("Cbob"), "acop", 2))),
                                        "rids",
                                        List.of("reader@das.example")))));
    }

    private static String sign(JWTClaimsSet c, ECKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                c);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private AccessToken verify(String token) throws TokenRejectedException {
        return verifier.verify(token, "/id-in/Cbob", NOW, false, null);
    }

    @Test
    void a_valid_signed_token_yields_its_permissions() throws Exception {
        AccessToken t = verify(sign(claims().build(), DAS_KEY));
        assertThat(t.tokenId()).isEqualTo("t1@das.example");
        assertThat(t.permissions()).hasSize(1);
        assertThat(t.permissions().get(0).resourceIds()).contains("cnt1", "/id-in/cnt1");
        assertThat(t.permissions().get(0).roleIds()).containsExactly("reader@das.example");
    }

    @Test
    void short_name_claims_and_iso_times_are_accepted() throws Exception {
        JWTClaimsSet c = new JWTClaimsSet.Builder()
                .claim("tkid", "t2@das.example")
                .claim("tkis", "/id-das")
                .claim("tkhd", "Cbob")
                .claim("tknb", "20261124T110000")
                .claim("tkna", "20261124T130000")
                .claim("tkau", List.of("/id-in"))
                .claim("vr", "1.0")
                .build();
        assertThat(verify(sign(c, DAS_KEY)).tokenId()).isEqualTo("t2@das.example");
    }

    @Test
    void sign_then_encrypt_is_accepted() throws Exception {
        String inner = sign(claims().build(), DAS_KEY);
        JWEObject jwe = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.ECDH_ES_A128KW, EncryptionMethod.A128GCM)
                        .contentType("JWT")
                        .type(JOSEObjectType.JWT)
                        .keyID("cse-enc")
                        .build(),
                new Payload(inner));
        jwe.encrypt(new ECDHEncrypter(CSE_KEY.toECPublicKey()));
        assertThat(verify(jwe.serialize()).tokenId()).isEqualTo("t1@das.example");
    }

    @Test
    void encryption_without_signature_is_refused() throws Exception {
        JWEObject jwe = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.ECDH_ES_A128KW, EncryptionMethod.A128GCM)
                        .type(JOSEObjectType.JWT)
                        .build(),
                new Payload(claims().build().toJSONObject()));
        jwe.encrypt(new ECDHEncrypter(CSE_KEY.toECPublicKey()));
        assertRejected(jwe.serialize(), "signed JWT");
    }

    @Test
    void a_token_without_audience_is_refused_unless_its_issuer_is_configured_for_it() throws Exception {
        JWTClaimsSet noAudience = new JWTClaimsSet.Builder(claims().build())
                .audience((String) null)
                .build();
        assertRejected(sign(noAudience, DAS_KEY), "names no audience");
        JWTClaimsSet emptyAudience =
                new JWTClaimsSet.Builder(claims().build()).audience(List.of()).build();
        assertRejected(sign(emptyAudience, DAS_KEY), "names no audience");
        TrustedIssuer lenient = new TrustedIssuer(
                "/id-das", new JWKSet(DAS_KEY.toPublicJWK()), Set.of(JWSAlgorithm.ES256), false, true);
        TokenVerifier configured = new TokenVerifier(List.of(lenient), new JWKSet(), IDS, Duration.ZERO);
        assertThat(configured
                        .verify(sign(noAudience, DAS_KEY), "/id-in/Cbob", NOW, false, null)
                        .tokenId())
                .isEqualTo("t1@das.example");
    }

    @Test
    void the_service_provider_as_audience_is_accepted() throws Exception {
        assertThat(verify(sign(claims().audience("//sp.example").build(), DAS_KEY))
                        .tokenId())
                .isEqualTo("t1@das.example");
        assertRejected(sign(claims().audience("//other.example").build(), DAS_KEY), "audience");
    }

    @Test
    void wrong_holder_audience_issuer_and_times_are_refused() throws Exception {
        assertRejected(sign(claims().claim("azp", "/id-in/Ceve").build(), DAS_KEY), "held by another");
        assertRejected(sign(claims().audience("/id-other").build(), DAS_KEY), "audience");
        assertRejected(sign(claims().issuer("/id-unknown").build(), DAS_KEY), "not trusted");
        assertRejected(
                sign(claims().expirationTime(Date.from(NOW.minusSeconds(1))).build(), DAS_KEY), "expired");
        assertRejected(
                sign(claims().notBeforeTime(Date.from(NOW.plusSeconds(600))).build(), DAS_KEY), "not valid yet");
        assertRejected(sign(claims().jwtID(null).build(), DAS_KEY), "token ID");
        assertRejected(sign(claims().expirationTime(null).build(), DAS_KEY), "exp/tkna");
        assertRejected(
                sign(
                        claims().claim(
                                        "tkps",
                                        Map.of(
                                                "pm",
                                                List.of(Map.of(
                                                        "pv",
                                                        Map.of(
                                                                "acr",
                                                                List.of(Map.of("acor", List.of("all"), "acop", 63)))))))
                                .build(),
                        DAS_KEY),
                "without naming");
    }

    @Test
    void expected_issuer_is_enforced_in_the_direct_flow() throws Exception {
        String token = sign(claims().build(), DAS_KEY);
        assertThatThrownBy(() -> verifier.verify(token, "/id-in/Cbob", NOW, false, "/id-lab"))
                .hasMessageContaining("not the DAS");
    }

    @Test
    void tampering_and_foreign_keys_are_refused() throws Exception {
        String token = sign(claims().build(), DAS_KEY);
        String[] parts = token.split("\\.");
        String forged = Base64URL.encode(claims().claim("azp", "/id-in/Cbob")
                        .audience("/id-in")
                        .claim(
                                "tkps",
                                Map.of(
                                        "pm",
                                        List.of(Map.of(
                                                "ris",
                                                List.of("cnt1", "cnt2"),
                                                "pv",
                                                Map.of("acr", List.of(Map.of("acor", List.of("all"), "acop", 63)))))))
                        .build()
                        .toString())
                .toString();
        assertRejected(parts[0] + "." + forged + "." + parts[2], "signature");
        assertRejected(sign(claims().build(), OTHER_KEY), "signature");
    }

    @Test
    void alg_none_is_refused_unless_the_issuer_allows_it() throws Exception {
        assertRejected(new PlainJWT(claims().build()).serialize(), "unsecured");
        assertThat(verify(new PlainJWT(claims().issuer("/id-lab").build()).serialize())
                        .issuer())
                .isEqualTo("/id-lab");
    }

    @Test
    void hmac_signed_with_the_public_key_is_refused() throws Exception {
        byte[] publicKeyAsSecret = DAS_KEY.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        jwt.sign(new MACSigner(publicKeyAsSecret));
        assertRejected(jwt.serialize(), "HS256");
        TokenVerifier hmacAllowed = new TokenVerifier(
                List.of(new TrustedIssuer(
                        "/id-das",
                        new JWKSet(DAS_KEY.toPublicJWK()),
                        Set.of(JWSAlgorithm.ES256, JWSAlgorithm.HS256),
                        false)),
                new JWKSet(),
                IDS,
                Duration.ZERO);
        assertThatThrownBy(() -> hmacAllowed.verify(jwt.serialize(), "/id-in/Cbob", NOW, false, null))
                .hasMessageContaining("signature");
    }

    @Test
    void garbage_is_refused_without_echoing_it() {
        assertRejected("not-a-jwt", "compact");
        assertRejected("a".repeat(TokenVerifier.MAX_TOKEN_LENGTH + 1), "longer");
        assertRejected("eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOjF9.AAAA", "claims");
    }

    private void assertRejected(String token, String reason) {
        assertThatThrownBy(() -> verify(token))
                .isInstanceOf(TokenRejectedException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
    }
}
