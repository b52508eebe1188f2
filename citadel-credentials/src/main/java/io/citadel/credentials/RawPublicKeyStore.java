package io.citadel.credentials;

import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The trusted raw public keys (RFC 7250) by RFC 6920 identifier: what the raw-key TLS and DTLS listeners look
 * up, what the CLI, the admin API and an enrolment service write. Holds no secret, but an entry grants access.
 */
public interface RawPublicKeyStore extends CredentialStore<RawPublicKeyCredential> {

    /** Whether any raw public key is trusted (a listener offers RFC 7250 only then). */
    boolean isEmpty();

    /** The usable credential whose identifier (any of the three digest lengths) names this SubjectPublicKeyInfo. */
    Optional<RawPublicKeyCredential> lookup(byte[] subjectPublicKeyInfo, Instant now);

    /** Why the stored entry with identifier {@code id} is not honoured, if it is such an entry. */
    Optional<String> unusable(RawPublicKeyId id);

    /** Adds or replaces a trusted key; a replaced one is announced. */
    void put(RawPublicKeyCredential credential);

    /** Removes a trusted key (announcing it); false when there was none. */
    boolean revoke(RawPublicKeyId id);

    /** What a session authenticated with this key proves: its Credential-ID (type 30) and its originators. */
    default Optional<SecurityAssociation> association(
            byte[] subjectPublicKeyInfo, Instant now, UnaryOperator<String> normalize) {
        return lookup(subjectPublicKeyInfo, now).map(c -> SecurityAssociation.of(c, normalize));
    }
}
