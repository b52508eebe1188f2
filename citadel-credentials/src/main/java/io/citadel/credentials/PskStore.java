package io.citadel.credentials;

import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The pre-shared keys (TS-0003 §8.2.2.1) by KpsaID: what the TLS-PSK and DTLS-PSK listeners look up, what the
 * CLI, the admin API and an enrolment service write. Keys are handed out as copies that the caller zeroes.
 */
public interface PskStore extends CredentialStore<PskCredential> {

    /** The credential for a psk_identity, if present, unexpired and not revoked. */
    Optional<PskCredential> lookup(String identity, Instant now);

    /** A copy of the key (the caller zeroes it after use), if the credential is usable. */
    Optional<byte[]> key(String identity, Instant now);

    /** Why the stored entry {@code identity} is not honoured, if it is such an entry (revoke it and add it anew). */
    Optional<String> unusable(String identity);

    /** Adds or replaces (rotates) a credential and its key (16 to 64 bytes, copied); a replaced one is announced. */
    void put(PskCredential credential, byte[] key);

    /** Removes a credential (announcing it); false when there was none. */
    boolean revoke(String identity);

    /**
     * What a session authenticated with {@code identity} proves (the Credential-ID and the normalised
     * originators the credential may act as); empty when the identity is unknown, expired or revoked.
     */
    default Optional<SecurityAssociation> association(String identity, Instant now, UnaryOperator<String> normalize) {
        return lookup(identity, now).map(c -> SecurityAssociation.of(c, normalize));
    }
}
