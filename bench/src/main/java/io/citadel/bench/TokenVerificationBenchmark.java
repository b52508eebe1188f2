package io.citadel.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.citadel.security.AccessToken;
import io.citadel.security.OriginatorIds;
import io.citadel.security.TokenVerifier;
import io.citadel.security.TrustedIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Full verification of an ES256 oneM2M token (what the CSE does once per new token; later uses hit the cache). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenVerificationBenchmark {
    private TokenVerifier verifier;
    private String token;

    @Setup
    public void setUp() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        OriginatorIds ids = new OriginatorIds("/id-in", "//citadel.example");
        verifier = new TokenVerifier(
                List.of(new TrustedIssuer("/id-das", new JWKSet(key.toPublicJWK()), Set.of(JWSAlgorithm.ES256), false)),
                new JWKSet(),
                ids,
                Duration.ZERO);
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build(),
                new JWTClaimsSet.Builder()
                        .jwtID("t@das.example")
                        .issuer("/id-das")
                        .claim("azp", "/id-in/Cbob")
                        .notBeforeTime(Date.from(now.minusSeconds(5)))
                        .expirationTime(Date.from(now.plusSeconds(3600)))
                        .audience("/id-in")
                        .claim(
                                "tkps",
                                Map.of(
                                        "pm",
                                        List.of(Map.of(
                                                "ris",
                                                List.of("cnt1"),
                                                "pv",
                                                Map.of("acr", List.of(Map.of("acor", List.of("Cbob"), "acop", 2)))))))
                        .build());
        jwt.sign(new ECDSASigner(key));
        token = jwt.serialize();
    }

    @Benchmark
    public AccessToken verify() throws Exception {
        return verifier.verify(token, "/id-in/Cbob", Instant.now(), false, null);
    }
}
