package io.citadel.credentials;

import java.time.Instant;
import java.util.List;

/**
 * A pre-shared key's metadata (TS-0003 §8.2.2.1): its KpsaID, the originators it may act as, and until when.
 * The key itself lives only in the encrypted store.
 *
 * @param identity the KpsaID ({@code relative@issuer-fqdn}), sent by the client as psk_identity
 * @param allowed AE-IDs / CSE-IDs (as configured; normalised by the engine) this credential may use as From;
 *        each a literal identifier ({@link BoundOriginators}), no patterns
 * @param notAfter expiry, or null
 */
public record PskCredential(String identity, List<String> allowed, Instant notAfter) implements Credential {

    public PskCredential {
        allowed = BoundOriginators.check(allowed);
        if (identity == null || !identity.matches("[A-Za-z0-9._-]{1,128}@[A-Za-z0-9.-]{1,253}")) {
            throw new IllegalArgumentException(
                    "a KpsaID looks like relative-id@issuer-fqdn (letters, digits, '.', '_', '-')");
        }
    }

    /** The Credential-ID of a symmetric SAEF key (TS-0003 §10.4: type 12). */
    @Override
    public String credentialId() {
        return "12-" + identity;
    }

    @Override
    public boolean validAt(Instant when) {
        return notAfter == null || when.isBefore(notAfter);
    }

    @Override
    public Kind kind() {
        return Kind.PSK;
    }
}
