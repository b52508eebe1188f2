package io.citadel.engine.authorization;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.security.AccessToken;
import io.citadel.security.TokenRejectedException;
import io.citadel.security.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admits the tokens a request presents ({@code tkns}) or refers to ({@code ltids}): verifies each once,
 * caches it under a digest of the JWT and a Local-Token-ID, honours expiry and revocation. Any presented
 * token that fails is a 4103 with the reason; the token itself is never echoed or logged.
 */
public final class TokenService {
    private static final int MAX_CACHED = 50_000;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final TokenVerifier verifier;
    private final RevocationList revocations;
    private final Map<String, AccessToken> byDigest = new ConcurrentHashMap<>();
    private final Map<String, AccessToken> byLocalId = new ConcurrentHashMap<>();
    private final Map<String, String> localIdByTokenId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** The tokens that apply to one request, and the Local-Token-IDs assigned by it (for {@code ati}). */
    public record Admitted(List<AccessToken> tokens, Map<String, String> assigned) {
        static final Admitted NONE = new Admitted(List.of(), Map.of());
    }

    public TokenService(TokenVerifier verifier, RevocationList revocations) {
        this.verifier = verifier;
        this.revocations = revocations;
    }

    public Admitted admit(RequestPrimitive req, String originator, Instant now) {
        return admit(req, List.of(), originator, now);
    }

    /** @param stored JWTs of {@code <token>} resources that the request's {@code tids} named */
    public Admitted admit(RequestPrimitive req, List<String> stored, String originator, Instant now) {
        if (req.tokens().isEmpty() && req.localTokenIds().isEmpty() && stored.isEmpty()) {
            return Admitted.NONE;
        }
        if (originator == null || originator.isEmpty()) {
            throw rejected("tokens need an originator ('From') to be held by");
        }
        List<AccessToken> tokens = new ArrayList<>();
        Map<String, String> assigned = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(req.tokens());
        all.addAll(stored);
        for (String jwt : all) {
            String digest = digest(jwt);
            AccessToken token = byDigest.get(digest);
            if (token == null || !token.holder().equals(originator)) {
                token = verify(jwt, originator, now, true, null);
                remember(digest, token);
            }
            checkUsable(token, now);
            tokens.add(token);
            assigned.put(localIdFor(token), token.tokenId());
        }
        for (String lti : req.localTokenIds()) {
            AccessToken token = byLocalId.get(lti);
            if (token == null || !token.holder().equals(originator)) {
                throw rejected(
                        "local token ID " + printable(lti) + " is unknown here or belongs to another originator");
            }
            checkUsable(token, now);
            tokens.add(token);
        }
        return new Admitted(List.copyOf(tokens), assigned);
    }

    /** A token that a DAS returned in a direct consultation: audience exactly this CSE, issuer that DAS. */
    AccessToken admitFromDas(String jwt, String originator, Instant now, String expectedIssuer) {
        AccessToken token = verify(jwt, originator, now, false, expectedIssuer);
        checkUsable(token, now);
        remember(digest(jwt), token);
        localIdFor(token);
        return token;
    }

    private AccessToken verify(String jwt, String originator, Instant now, boolean wildcardAudience, String issuer) {
        try {
            return verifier.verify(jwt, originator, now, wildcardAudience, issuer);
        } catch (TokenRejectedException e) {
            throw rejected(e.getMessage());
        }
    }

    private void checkUsable(AccessToken token, Instant now) {
        if (revocations.isRevoked(token.tokenId())) {
            throw rejected("token " + token.tokenId() + " has been revoked");
        }
        if (!token.validAt(now)) {
            throw rejected("token " + token.tokenId() + " is not valid now");
        }
    }

    private void remember(String digest, AccessToken token) {
        if (byDigest.size() >= MAX_CACHED) {
            Instant now = Instant.now();
            byDigest.values().removeIf(t -> !t.validAt(now));
            byLocalId.values().removeIf(t -> !t.validAt(now));
            localIdByTokenId.values().removeIf(lti -> !byLocalId.containsKey(lti));
            if (byDigest.size() >= MAX_CACHED) {
                byDigest.clear();
            }
        }
        byDigest.put(digest, token);
    }

    private String localIdFor(AccessToken token) {
        String key = token.tokenId() + "\u0000" + token.holder();
        return localIdByTokenId.computeIfAbsent(key, k -> {
            StringBuilder lti = new StringBuilder("lt");
            for (int i = 0; i < 20; i++) {
                lti.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            byLocalId.put(lti.toString(), token);
            return lti.toString();
        });
    }

    private static String digest(String jwt) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(jwt.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OneM2mException rejected(String why) {
        return new OneM2mException(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE, "token rejected: " + why);
    }

    private static String printable(String s) {
        return (s.length() > 40 ? s.substring(0, 40) + "…" : s).replaceAll("[^\\x21-\\x7e]", "?");
    }
}
