package io.citadel.credentials;

import java.time.Instant;
import java.util.List;

/**
 * A trusted raw public key (RFC 7250), known by its RFC 6920 identifier: the originators a DTLS/TLS peer
 * presenting that key may act as, and until when. Only the identifier is stored, never the key.
 *
 * @param id the key's identifier
 * @param allowed AE-IDs / CSE-IDs (as configured; normalised by the engine) this key may use as From;
 *        each a literal identifier ({@link BoundOriginators}), no patterns
 * @param notAfter expiry, or null
 */
public record RawPublicKeyCredential(RawPublicKeyId id, List<String> allowed, Instant notAfter) implements Credential {

    public RawPublicKeyCredential {
        if (id == null) {
            throw new IllegalArgumentException("a raw public key credential needs its identifier");
        }
        allowed = BoundOriginators.check(allowed);
    }

    /** The Credential-ID of a raw public key (TS-0003 §10.4: type 30), see {@link RawPublicKeyId#credentialId()}. */
    @Override
    public String credentialId() {
        return id.credentialId();
    }

    @Override
    public boolean validAt(Instant when) {
        return notAfter == null || when.isBefore(notAfter);
    }

    @Override
    public Kind kind() {
        return Kind.RAW_PUBLIC_KEY;
    }
}
