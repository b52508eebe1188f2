package io.citadel.engine;

import java.util.Set;

/**
 * What a (D)TLS security association proved about the peer (TS-0003 §8.2.1, digest §3.5/§3.6): the
 * credential it used and the originator IDs bound to that credential. Holds no key material.
 *
 * @param credentialId the Credential-ID (e.g. {@code 12-sensor1@psk.example} for a KpsaID)
 * @param identities normalised AE-IDs and CSE-IDs the credential may act as
 */
public record SecurityAssociation(String credentialId, Set<String> identities) {

    public SecurityAssociation {
        identities = Set.copyOf(identities);
    }

    public boolean allows(String normalizedOriginator) {
        return identities.contains(normalizedOriginator);
    }
}
