package io.citadel.mef.est;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;

/**
 * What the operator decided for one enrolee (a device known by its bootstrap credential): the identity its
 * certificate will carry, how long the certificate lives, and the challenge password its first request must
 * carry (RFC 7030 §4.5, TS-0003 §8.3.6). The password is one-time: after a successful enrolment only a re-enrolment
 * with the certificate issued is accepted.
 *
 * @param enrolee           the bootstrap identity the MEF handshake proved (a KpmID, or a device certificate's ID)
 * @param subject           the identity to certify
 * @param lifetime          validity of issued certificates
 * @param challengePassword the password the first CSR must carry
 */
public record EnrolmentPolicy(String enrolee, EnrolmentSubject subject, Duration lifetime, String challengePassword) {
    public EnrolmentPolicy {
        if (enrolee == null || enrolee.isBlank() || enrolee.length() > 256) {
            throw new IllegalArgumentException("an enrolee has a bootstrap identity of 1 to 256 characters");
        }
        Objects.requireNonNull(subject, "subject");
        if (lifetime == null
                || lifetime.isNegative()
                || lifetime.isZero()
                || lifetime.compareTo(Duration.ofDays(825)) > 0) {
            throw new IllegalArgumentException("a certificate lifetime is positive and at most 825 days");
        }
        if (challengePassword == null || challengePassword.length() < 16) {
            throw new IllegalArgumentException("a challenge password has at least 16 characters");
        }
    }

    /** True when {@code offered} is the challenge password (compared in constant time). */
    boolean challengedBy(String offered) {
        return offered != null
                && MessageDigest.isEqual(
                        offered.getBytes(StandardCharsets.UTF_8), challengePassword.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() { // never the password
        return "EnrolmentPolicy[enrolee=" + enrolee + ", subject=" + subject + ", lifetime=" + lifetime + "]";
    }
}
