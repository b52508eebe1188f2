package io.citadel.credentials;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What a (D)TLS security association proved about the peer (TS-0003 §8.2.1, digest §3.5/§3.6): the
 * credential it used, the originator IDs bound to that credential, and which kind of credential that was.
 * Holds no key material.
 *
 * @param credentialId the Credential-ID (e.g. {@code 12-sensor1@psk.example} for a KpsaID)
 * @param identities normalised AE-IDs and CSE-IDs the credential may act as
 * @param kind the kind of credential that proved it ({@link Credential.Kind#NONE} when none of the family did)
 * @param assurance the level of assurance of the authentication (TR-0008 §9.1.1)
 */
public record SecurityAssociation(
        String credentialId, Set<String> identities, Credential.Kind kind, LevelOfAssurance assurance) {

    public SecurityAssociation {
        identities = Set.copyOf(identities);
        if (kind == null || assurance == null) {
            throw new IllegalArgumentException("a security association needs the kind of its credential and its level");
        }
    }

    /** An association whose level is the one its kind of credential gives ({@link LevelOfAssurance#of(Credential.Kind)}). */
    public SecurityAssociation(String credentialId, Set<String> identities, Credential.Kind kind) {
        this(credentialId, identities, kind, kind == null ? null : LevelOfAssurance.of(kind));
    }

    /** This association at {@code level} instead (a certificate the enrolment authority vouched for, say). */
    public SecurityAssociation withAssurance(LevelOfAssurance level) {
        return new SecurityAssociation(credentialId, identities, kind, level);
    }

    /**
     * An association that no credential of the {@link Credential} family proved (e.g. an MQTT topic the broker
     * admitted): kind {@link Credential.Kind#NONE}.
     */
    public SecurityAssociation(String credentialId, Set<String> identities) {
        this(credentialId, identities, Credential.Kind.NONE);
    }

    /** What a session authenticated with {@code credential} proves: its Credential-ID, its originators normalised. */
    public static SecurityAssociation of(Credential credential, UnaryOperator<String> normalize) {
        return new SecurityAssociation(
                credential.credentialId(),
                credential.allowed().stream().map(normalize).collect(Collectors.toCollection(LinkedHashSet::new)),
                credential.kind());
    }

    /** The psk_identity of a session a pre-shared key proved (Credential-ID type 12, TS-0003 §10.4). */
    public java.util.Optional<String> pskIdentity() {
        return credentialId != null && credentialId.startsWith(PSK_PREFIX)
                ? java.util.Optional.of(credentialId.substring(PSK_PREFIX.length()))
                : java.util.Optional.empty();
    }

    /** The Credential-ID prefix of a symmetric SAEF key. */
    public static final String PSK_PREFIX = "12-";

    public boolean allows(String normalizedOriginator) {
        return identities.contains(normalizedOriginator);
    }
}
