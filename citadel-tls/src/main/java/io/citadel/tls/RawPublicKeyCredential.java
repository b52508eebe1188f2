package io.citadel.tls;

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
public record RawPublicKeyCredential(RawPublicKeyId id, List<String> allowed, Instant notAfter) {

    public RawPublicKeyCredential {
        if (id == null) {
            throw new IllegalArgumentException("a raw public key credential needs its identifier");
        }
        allowed = BoundOriginators.check(allowed);
    }

    public boolean validAt(Instant when) {
        return notAfter == null || when.isBefore(notAfter);
    }
}
