package io.citadel.mef.est;

import java.time.Duration;
import java.util.Objects;

/**
 * What the operator decided for one enrolee (a device known by its bootstrap credential): the identity its
 * certificate will carry, how long the certificate lives, and the challenge password its first request must
 * carry (RFC 7030 §4.5, TS-0003 §8.3.6), kept only as a salted hash. The password is one-time: after a successful
 * enrolment only a re-enrolment with the certificate issued is accepted.
 *
 * @param enrolee       the bootstrap identity the MEF handshake proved (a KpmID, or a device certificate's ID)
 * @param subject       the identity to certify
 * @param lifetime      validity of issued certificates
 * @param challengeHash the challenge password as {@link ChallengeHash} keeps it
 * @param integrity     whether the device must present firmware evidence, and whom it becomes on restricted firmware
 * @param hardwareKey   whether the operator vouches that the device keeps its key in hardware (a secure element made
 *                      so at the factory): its certificates then state Citadel's hardware-key policy, which CSEs that
 *                      name this MEF's CA take as level of assurance 4 (TR-0008 §9.1.1)
 */
public record EnrolmentPolicy(
        String enrolee,
        EnrolmentSubject subject,
        Duration lifetime,
        String challengeHash,
        Integrity integrity,
        boolean hardwareKey) {

    /** A policy for a device whose key is not vouched to be in hardware. */
    public EnrolmentPolicy(
            String enrolee, EnrolmentSubject subject, Duration lifetime, String challengeHash, Integrity integrity) {
        this(enrolee, subject, lifetime, challengeHash, integrity, false);
    }

    /**
     * Integrity validation at enrolment (TR-0008): {@code required} makes the device present
     * {@link FirmwareEvidence} in every certification request; trusted firmware enrols it as {@code subject},
     * restricted firmware as {@code restricted} (an identity the CSE's ACPs keep to reporting; none: refused),
     * unknown firmware or no evidence is refused.
     */
    public record Integrity(boolean required, EnrolmentSubject restricted) {
        public static final Integrity NONE = new Integrity(false, null);

        public Integrity {
            if (restricted != null && !required) {
                throw new IllegalArgumentException("a restricted identity comes with required integrity evidence");
            }
        }
    }

    /** A policy without integrity validation. */
    public EnrolmentPolicy(String enrolee, EnrolmentSubject subject, Duration lifetime, String challengeHash) {
        this(enrolee, subject, lifetime, challengeHash, Integrity.NONE);
    }

    public EnrolmentPolicy {
        integrity = integrity == null ? Integrity.NONE : integrity;
        if (integrity.restricted() != null
                && (integrity.restricted().type() != subject.type()
                        || integrity.restricted().equals(subject))) {
            throw new IllegalArgumentException("the restricted identity is another identity of the same kind");
        }
        if (enrolee == null || !enrolee.matches("[\\x21-\\x7e]{1,256}")) {
            throw new IllegalArgumentException("an enrolee has a bootstrap identity of 1 to 256 printable characters");
        }
        Objects.requireNonNull(subject, "subject");
        if (lifetime == null
                || lifetime.isNegative()
                || lifetime.isZero()
                || lifetime.compareTo(Duration.ofDays(825)) > 0) {
            throw new IllegalArgumentException("a certificate lifetime is positive and at most 825 days");
        }
        if (!ChallengeHash.wellFormed(challengeHash)) {
            throw new IllegalArgumentException("the challenge password is kept as a pbkdf2-sha256 hash");
        }
    }

    /** This policy with {@code integrity} instead. */
    public EnrolmentPolicy with(Integrity integrity) {
        return new EnrolmentPolicy(enrolee, subject, lifetime, challengeHash, integrity, hardwareKey);
    }

    /** This policy vouching (or not) that the device's key is kept in hardware. */
    public EnrolmentPolicy withHardwareKey(boolean vouched) {
        return new EnrolmentPolicy(enrolee, subject, lifetime, challengeHash, integrity, vouched);
    }

    /** A policy whose challenge password is {@code password} (at least 16 characters; only its hash is kept). */
    public static EnrolmentPolicy withPassword(
            String enrolee, EnrolmentSubject subject, Duration lifetime, String password) {
        if (password == null || password.length() < 16) {
            throw new IllegalArgumentException("a challenge password has at least 16 characters");
        }
        return new EnrolmentPolicy(enrolee, subject, lifetime, ChallengeHash.of(password));
    }

    @Override
    public String toString() { // never the password's hash: it would help an offline guess
        return "EnrolmentPolicy[enrolee=" + enrolee + ", subject=" + subject + ", lifetime=" + lifetime + ", integrity="
                + integrity + ", hardwareKey=" + hardwareKey + "]";
    }

    /** True when {@code offered} is the challenge password. */
    boolean challengedBy(String offered) {
        return ChallengeHash.matches(challengeHash, offered);
    }
}
