package io.citadel.das;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Issues oneM2M tokens (TS-0003 §7.3.2.6 JWT profile) signed with the DAS's ES256 key: {@code jti, iss, azp,
 * nbf, exp, aud, tkvr, tkps}. Optionally signed-then-encrypted for one CSE (JWE ECDH-ES+A128KW / A128GCM,
 * {@code cty JWT}). The signing key is generated at first start and kept in the data directory (0600).
 */
public final class TokenIssuer {
    private final String issuerId;
    private final String issuerFqdn;
    private final ECKey signingKey;
    private final ECKey encryptFor;
    private final SecureRandom random = new SecureRandom();

    public TokenIssuer(String issuerId, String issuerFqdn, ECKey signingKey, ECKey encryptFor) {
        this.issuerId = issuerId;
        this.issuerFqdn = issuerFqdn;
        this.signingKey = signingKey;
        this.encryptFor = encryptFor;
    }

    /** Loads the signing key from {@code file}, generating it (P-256, 0600) the first time. */
    public static ECKey signingKey(Path file) {
        try {
            if (Files.exists(file)) {
                return ECKey.parse(Files.readString(file, StandardCharsets.UTF_8));
            }
            ECKey key =
                    new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
            Files.createDirectories(file.toAbsolutePath().getParent());
            // written whole to a private temporary file, then linked into place: two processes starting at once
            // never see a half-written key, and the second one uses the first one's key
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".das-signing", ".tmp");
            try {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not POSIX
                }
                Files.writeString(
                        tmp, key.toJSONString(), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
                Files.createLink(file, tmp);
                return key;
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                return ECKey.parse(Files.readString(file, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the DAS signing key " + file, e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("DAS signing key " + file + " is unusable: " + e.getMessage());
        }
    }

    /** The public keys a CSE configures as this issuer's verification keys. */
    public JWKSet publicKeys() {
        return new JWKSet(signingKey.toPublicJWK());
    }

    public String issuerId() {
        return issuerId;
    }

    /**
     * @param holder absolute originator ID
     * @param audience CSE-IDs the token is for
     * @param resourceIds the resources the permission covers
     */
    public String issue(
            String holder, List<String> audience, List<String> resourceIds, int operations, Instant notAfter) {
        return issue(holder, audience, resourceIds, Map.of("acor", List.of(holder), "acop", operations), notAfter);
    }

    /**
     * @param holder absolute originator ID
     * @param audience CSE-IDs the token is for
     * @param resourceIds the resources the permission covers
     * @param rule the one access control rule ({@code acr} entry) the permission holds
     */
    public String issue(
            String holder,
            List<String> audience,
            List<String> resourceIds,
            Map<String, Object> rule,
            Instant notAfter) {
        byte[] rel = new byte[12];
        random.nextBytes(rel);
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .jwtID(HexFormat.of().formatHex(rel) + "@" + issuerFqdn)
                .issuer(issuerId)
                .claim("azp", holder)
                .notBeforeTime(Date.from(now.minusSeconds(1)))
                .expirationTime(Date.from(notAfter))
                .audience(audience)
                .claim("tkvr", "1")
                .claim("tkps", Map.of("pm", List.of(Map.of("ris", resourceIds, "pv", Map.of("acr", List.of(rule))))))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .type(JOSEObjectType.JWT)
                            .keyID(signingKey.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new ECDSASigner(signingKey));
            if (encryptFor == null) {
                return jwt.serialize();
            }
            JWEObject jwe = new JWEObject(
                    new JWEHeader.Builder(JWEAlgorithm.ECDH_ES_A128KW, EncryptionMethod.A128GCM)
                            .type(JOSEObjectType.JWT)
                            .contentType("JWT")
                            .keyID(encryptFor.getKeyID())
                            .build(),
                    new Payload(jwt));
            jwe.encrypt(new ECDHEncrypter(encryptFor.toECPublicKey()));
            return jwe.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("token signing failed", e);
        }
    }
}
