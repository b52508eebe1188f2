package io.citadel.credentials;

import java.time.Instant;
import java.util.List;

/**
 * What a verified token proved about its bearer: who issued it, whom it was issued to, until when. The token
 * itself (and any key that checked it) is not kept.
 *
 * @param tokenId the token's ID, which is also its Credential-ID (no TS-0003 §10.4 type covers tokens)
 * @param issuer the issuer's ID
 * @param subject the holder the token was issued to: the one originator it may act as
 * @param notAfter expiry, or null
 */
public record TokenCredential(String tokenId, String issuer, String subject, Instant notAfter) implements Credential {

    public TokenCredential {
        if (tokenId == null || tokenId.isBlank()) {
            throw new IllegalArgumentException("a token credential needs the token's ID");
        }
        if (issuer == null || issuer.isBlank() || subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("a token credential needs its issuer and its subject");
        }
    }

    @Override
    public String credentialId() {
        return tokenId;
    }

    @Override
    public List<String> allowed() {
        return List.of(subject);
    }

    @Override
    public boolean validAt(Instant when) {
        return notAfter == null || when.isBefore(notAfter);
    }

    @Override
    public Kind kind() {
        return Kind.TOKEN;
    }
}
