package io.citadel.security;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEDecrypter;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.AESDecrypter;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.citadel.protocol.Timestamps;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies oneM2M dynamic-authorization tokens (TS-0003 §7.3.2.4–§7.3.2.6): JWS, sign-then-encrypt JWE,
 * or (only where the issuer is configured for it) unsecured JWT. Checks, in order: structure, issuer
 * trusted, algorithm allowed for that issuer with a key of the matching family, signature, holder equals
 * the originator, validity window, audience. Accepts both claim spellings: JWT names ({@code jti, iss,
 * azp, nbf, exp, aud, tkvr}) and the oneM2M short names ({@code tkid, tkis, tkhd, tknb, tkna, tkau, vr}).
 */
public final class TokenVerifier {
    /** A compact JWT is small; anything much larger is refused before parsing. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private static final Set<JWEAlgorithm> JWE_ALGORITHMS = Set.of(
            JWEAlgorithm.RSA_OAEP_256,
            JWEAlgorithm.ECDH_ES,
            JWEAlgorithm.ECDH_ES_A128KW,
            JWEAlgorithm.ECDH_ES_A256KW,
            JWEAlgorithm.A128KW,
            JWEAlgorithm.A256KW);
    private static final Set<EncryptionMethod> JWE_METHODS = Set.of(
            EncryptionMethod.A128GCM,
            EncryptionMethod.A256GCM,
            EncryptionMethod.A128CBC_HS256,
            EncryptionMethod.A256CBC_HS512);

    private final Map<String, TrustedIssuer> issuers = new HashMap<>();
    private final JWKSet decryptionKeys;
    private final OriginatorIds ids;
    private final Set<String> ownCseIds;
    private final Duration clockSkew;

    /**
     * @param decryptionKeys this CSE's private keys for JWE tokens (may be empty)
     * @param clockSkew tolerance applied to notBefore and notAfter
     */
    public TokenVerifier(List<TrustedIssuer> trusted, JWKSet decryptionKeys, OriginatorIds ids, Duration clockSkew) {
        for (TrustedIssuer t : trusted) {
            issuers.put(ids.normalize(t.issuerId()), t);
        }
        this.decryptionKeys = decryptionKeys;
        this.ids = ids;
        this.ownCseIds = Set.of(ids.cseId(), ids.spId() + ids.cseId(), ids.spId());
        this.clockSkew = clockSkew;
    }

    /** Whether tokens and roles from this issuer are accepted at all. */
    public boolean isTrusted(String issuerId) {
        return issuerId != null && issuers.containsKey(ids.normalize(issuerId));
    }

    /**
     * @param originator the normalised originator the token must be held by
     * @param wildcardAudience whether audience entries may be wildcards (indirect flow)
     * @param expectedIssuer if not null, the only issuer accepted (direct flow: the DAS that answered)
     */
    public AccessToken verify(
            String token, String originator, Instant now, boolean wildcardAudience, String expectedIssuer)
            throws TokenRejectedException {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenRejectedException("token is empty or longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new TokenRejectedException("token is not a compact JWS, JWE or unsecured JWT");
        }
        JWTClaimsSet claims = claimsOf(jwt);
        String issuerId = text(claims, "iss", "tkis")
                .orElseThrow(() -> new TokenRejectedException("token has no issuer (iss/tkis)"));
        TrustedIssuer issuer = issuers.get(ids.normalize(issuerId));
        if (issuer == null) {
            throw new TokenRejectedException("token issuer " + printable(issuerId) + " is not trusted");
        }
        if (expectedIssuer != null && !ids.normalize(expectedIssuer).equals(ids.normalize(issuerId))) {
            throw new TokenRejectedException("token issuer " + printable(issuerId) + " is not the DAS that answered");
        }
        checkIntegrity(jwt, issuer);
        return check(claims, issuer, issuerId, originator, now, wildcardAudience);
    }

    private JWTClaimsSet claimsOf(JWT jwt) throws TokenRejectedException {
        try {
            if (jwt instanceof EncryptedJWT jwe) {
                decrypt(jwe);
                SignedJWT inner = jwe.getPayload().toSignedJWT();
                if (inner == null
                        || !"JWT"
                                .equalsIgnoreCase(String.valueOf(jwe.getHeader().getContentType()))) {
                    throw new TokenRejectedException("an encrypted token must carry a signed JWT (cty JWT): "
                            + "encryption alone does not show who issued it");
                }
                return inner.getJWTClaimsSet();
            }
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new TokenRejectedException("token claims are not a JSON object");
        }
    }

    private void decrypt(EncryptedJWT jwe) throws TokenRejectedException {
        JWEAlgorithm alg = jwe.getHeader().getAlgorithm();
        if (!JWE_ALGORITHMS.contains(alg)
                || !JWE_METHODS.contains(jwe.getHeader().getEncryptionMethod())) {
            throw new TokenRejectedException(
                    "JWE algorithm " + alg + "/" + jwe.getHeader().getEncryptionMethod() + " is not accepted");
        }
        String kid = jwe.getHeader().getKeyID();
        for (JWK key : decryptionKeys.getKeys()) {
            if (kid != null && key.getKeyID() != null && !kid.equals(key.getKeyID())) {
                continue;
            }
            try {
                JWEDecrypter d = decrypterFor(alg, key);
                if (d != null) {
                    jwe.decrypt(d);
                    return;
                }
            } catch (JOSEException | IllegalStateException e) {
                // try the next key
            }
        }
        throw new TokenRejectedException("token could not be decrypted with any key of this CSE");
    }

    private static JWEDecrypter decrypterFor(JWEAlgorithm alg, JWK key) throws JOSEException {
        if (JWEAlgorithm.Family.RSA.contains(alg) && key instanceof RSAKey rsa && rsa.isPrivate()) {
            return new RSADecrypter(rsa);
        }
        if (JWEAlgorithm.Family.ECDH_ES.contains(alg) && key instanceof ECKey ec && ec.isPrivate()) {
            return new ECDHDecrypter(ec);
        }
        if (JWEAlgorithm.Family.AES_KW.contains(alg) && key instanceof OctetSequenceKey oct) {
            return new AESDecrypter(oct);
        }
        return null;
    }

    private static void checkIntegrity(JWT jwt, TrustedIssuer issuer) throws TokenRejectedException {
        SignedJWT signed = jwt instanceof SignedJWT s
                ? s
                : jwt instanceof EncryptedJWT e ? e.getPayload().toSignedJWT() : null;
        if (jwt instanceof PlainJWT) {
            if (!issuer.allowUnsecured()) {
                throw new TokenRejectedException("unsecured token (alg none) is not accepted from this issuer");
            }
            return;
        }
        if (signed == null) {
            throw new TokenRejectedException("token is neither signed nor a signed JWT inside a JWE");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!issuer.algorithms().contains(alg)) {
            throw new TokenRejectedException("signature algorithm " + alg + " is not accepted from this issuer");
        }
        String kid = signed.getHeader().getKeyID();
        for (JWK key : issuer.keys().getKeys()) {
            if (kid != null && key.getKeyID() != null && !kid.equals(key.getKeyID())) {
                continue;
            }
            try {
                JWSVerifier v = verifierFor(alg, key);
                if (v != null && signed.verify(v)) {
                    return;
                }
            } catch (JOSEException | IllegalStateException e) {
                // a key that cannot verify this algorithm: try the next
            }
        }
        throw new TokenRejectedException("token signature does not verify with any key of its issuer");
    }

    /** Picks a verifier only when the key family fits the algorithm: no HMAC with a public key. */
    private static JWSVerifier verifierFor(JWSAlgorithm alg, JWK key) throws JOSEException {
        if (JWSAlgorithm.Family.EC.contains(alg) && key instanceof ECKey ec) {
            return new ECDSAVerifier(ec.toPublicJWK());
        }
        if (JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa.toPublicJWK());
        }
        if (JWSAlgorithm.Family.HMAC_SHA.contains(alg) && key instanceof OctetSequenceKey oct) {
            return new MACVerifier(oct);
        }
        return null;
    }

    private AccessToken check(
            JWTClaimsSet claims,
            TrustedIssuer issuer,
            String issuerId,
            String originator,
            Instant now,
            boolean wildcardAudience)
            throws TokenRejectedException {
        String tokenId = text(claims, "jti", "tkid")
                .orElseThrow(() -> new TokenRejectedException("token has no token ID (jti/tkid)"));
        if (tokenId.length() > 256 || !tokenId.matches("[\\x21-\\x7e]+@[A-Za-z0-9.-]+")) {
            throw new TokenRejectedException("token ID must look like relative-id@issuer-fqdn");
        }
        String holder = text(claims, "azp", "tkhd")
                .orElseThrow(() -> new TokenRejectedException("token has no holder (azp/tkhd)"));
        if (!ids.normalize(holder).equals(originator)) {
            throw new TokenRejectedException("token " + tokenId + " is held by another originator");
        }
        Instant notBefore = time(claims, "nbf", "tknb");
        Instant notAfter = time(claims, "exp", "tkna");
        if (now.plus(clockSkew).isBefore(notBefore)) {
            throw new TokenRejectedException("token " + tokenId + " is not valid yet");
        }
        if (!now.minus(clockSkew).isBefore(notAfter)) {
            throw new TokenRejectedException("token " + tokenId + " has expired");
        }
        List<String> audience = strings(claims, "aud", "tkau");
        if (audience.isEmpty() && !issuer.audienceOptional()) {
            throw new TokenRejectedException(
                    "token " + tokenId + " names no audience (aud/tkau): it must name this CSE");
        }
        if (!audience.isEmpty() && audience.stream().noneMatch(a -> audienceMatches(a, wildcardAudience))) {
            throw new TokenRejectedException("token " + tokenId + " is not meant for this CSE (audience)");
        }
        return new AccessToken(
                tokenId,
                issuerId,
                originator,
                notBefore,
                notAfter.plus(clockSkew),
                audience,
                permissions(claims, tokenId));
    }

    private boolean audienceMatches(String entry, boolean wildcard) {
        for (String own : ownCseIds) {
            if (wildcard ? WildcardMatcher.matches(entry, own) : entry.equals(own)) {
                return true;
            }
        }
        return false;
    }

    private List<TokenPermission> permissions(JWTClaimsSet claims, String tokenId) throws TokenRejectedException {
        Object tkps = claims.getClaim("tkps");
        if (tkps == null) {
            return List.of();
        }
        if (!(tkps instanceof Map<?, ?> m) || !(m.get("pm") instanceof List<?> pms) || pms.size() > 256) {
            throw new TokenRejectedException("token " + tokenId + " permissions (tkps) must be {\"pm\":[...]}");
        }
        List<TokenPermission> out = new ArrayList<>();
        for (Object o : pms) {
            if (!(o instanceof Map<?, ?> pm)) {
                throw new TokenRejectedException("token " + tokenId + " has a permission that is not an object");
            }
            Set<String> ris = new LinkedHashSet<>();
            for (String ri : stringList(pm.get("ris"))) {
                ris.add(ri);
                ris.add(ids.normalize(ri));
            }
            List<AccessControlRule> rules =
                    pm.get("pv") == null ? List.of() : AccessControlRule.parseSet(pm.get("pv"), ids);
            Optional<String> defect = AccessControlRule.firstDefect(rules);
            if (defect.isPresent()) {
                throw new TokenRejectedException("token " + tokenId + " permission rules are invalid: " + defect.get());
            }
            if (!rules.isEmpty() && ris.isEmpty()) {
                throw new TokenRejectedException(
                        "token " + tokenId + " grants privileges (pv) without naming resources (ris)");
            }
            out.add(new TokenPermission(ris, rules, new LinkedHashSet<>(stringList(pm.get("rids")))));
        }
        return out;
    }

    private static List<String> stringList(Object v) {
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof List<?> l) {
            return l.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .toList();
        }
        return List.of();
    }

    private static Optional<String> text(JWTClaimsSet claims, String jwtName, String shortName) {
        Object v = claims.getClaim(jwtName);
        if (v == null) {
            v = claims.getClaim(shortName);
        }
        return v instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    private static List<String> strings(JWTClaimsSet claims, String jwtName, String shortName) {
        Object v = claims.getClaim(jwtName);
        return stringList(v != null ? v : claims.getClaim(shortName));
    }

    /** NumericDate (seconds) or the oneM2M basic form {@code YYYYMMDDThhmmss}. */
    private static Instant time(JWTClaimsSet claims, String jwtName, String shortName) throws TokenRejectedException {
        Object v = claims.getClaim(jwtName);
        if (v == null) {
            v = claims.getClaim(shortName);
        }
        if (v instanceof Date d) {
            return d.toInstant();
        }
        if (v instanceof Number n) {
            return Instant.ofEpochSecond(n.longValue());
        }
        if (v instanceof String s) {
            Optional<Instant> t = Timestamps.parse(s);
            if (t.isPresent()) {
                return t.get();
            }
        }
        throw new TokenRejectedException("token has no valid " + jwtName + "/" + shortName + " time");
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
