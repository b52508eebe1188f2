package io.citadel.credentials;

import java.util.Optional;

/**
 * How strongly the originator of a request was authenticated: the four levels of assurance of TR-0008 §9.1.1, as
 * Citadel maps its credentials onto them (the mapping is a decision, recorded in {@code docs/decisions.md}). A
 * higher level includes every lower one. Where no level can be established (a request relayed by another CSE,
 * which does not say how its AE authenticated), there is no level at all, and a rule that asks for one fails.
 */
public enum LevelOfAssurance {
    /** Level 1: nothing proved the originator; it is asserted (plain transport, a broker's admission, a token). */
    ASSERTED(1),
    /** Level 2: a pre-shared key or a raw public key the operator registered, held in software by the device. */
    SHARED_KEY(2),
    /** Level 3: a certificate that a trusted certification authority issued for the identity. */
    CERTIFIED(3),
    /** Level 4: a certificate for a key kept in hardware, which the enrolment authority vouched for. */
    HARDWARE_KEY(4);

    /**
     * The certificate policy (RFC 5280 §4.2.1.4) by which an enrolment authority states that the certified key is
     * kept in hardware: a UUID-based OID (ITU-T X.667), Citadel's own, since TR-0008 defines none. It lifts a
     * certificate to level 4 only where the operator named the issuing authority as one that may vouch for it.
     */
    public static final String HARDWARE_KEY_POLICY = "2.25.114410984324981786870323945914746593839";

    private final int level;

    LevelOfAssurance(int level) {
        this.level = level;
    }

    /** The level's number, 1 to 4. */
    public int level() {
        return level;
    }

    /** Whether this level is at least {@code required}. */
    public boolean satisfies(LevelOfAssurance required) {
        return level >= required.level;
    }

    /** The level numbered {@code level}, or empty when it is not 1 to 4. */
    public static Optional<LevelOfAssurance> of(int level) {
        for (LevelOfAssurance l : values()) {
            if (l.level == level) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /**
     * What an association proved by a credential of {@code kind} is worth before anything raises it: a token never
     * authenticates by itself, and a pairwise end-to-end key counts as a shared key unless a certificate agreed it.
     */
    public static LevelOfAssurance of(Credential.Kind kind) {
        return switch (kind) {
            case PSK, RAW_PUBLIC_KEY, END_TO_END -> SHARED_KEY;
            case CERTIFICATE -> CERTIFIED;
            case TOKEN, NONE -> ASSERTED;
        };
    }

    /** {@code loa=N}, or {@code loa=unknown} for no level: how the audit log writes it. */
    public static String describe(LevelOfAssurance level) {
        return "loa=" + (level == null ? "unknown" : Integer.toString(level.level));
    }
}
