package io.citadel.credentials;

import java.time.Instant;
import java.util.List;

/**
 * What a peer can prove itself with, as a closed family: a pre-shared key, a raw public key, a certificate, a
 * token, or nothing. Each member is a record that checks itself when made (an invalid credential cannot
 * exist) and holds no key material: secrets stay in their store.
 */
public sealed interface Credential
        permits PskCredential, RawPublicKeyCredential, CertificateCredential, TokenCredential, NoCredential {

    /** The kinds of credential, for whoever needs to know which one proved an association. */
    enum Kind {
        PSK,
        RAW_PUBLIC_KEY,
        CERTIFICATE,
        TOKEN,
        /** A pairwise end-to-end key (ESPrim): the inner request of an ESPrim object, whatever the hop was. */
        END_TO_END,
        NONE
    }

    /** The Credential-ID (TS-0003 §10.4), e.g. {@code 12-sensor1@psk.example} for a KpsaID. */
    String credentialId();

    /** The originators (AE-IDs, CSE-IDs, as configured or proven; not yet normalised) this credential may act as. */
    List<String> allowed();

    /** Whether the credential may be used at {@code when} (not expired, not before its start). */
    boolean validAt(Instant when);

    Kind kind();
}
