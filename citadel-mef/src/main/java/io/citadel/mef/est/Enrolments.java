package io.citadel.mef.est;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The enrolment policies an operator set and, per enrolee, the serial number of the certificate it holds now.
 * Kept in memory in this slice; the MEF's persistent, encrypted store takes its place behind the same methods.
 * Thread-safe: an enrolee's state changes atomically, so two concurrent first enrolments issue one certificate.
 */
public final class Enrolments {
    private record State(EnrolmentPolicy policy, BigInteger current) {}

    private final Map<String, State> byEnrolee = new ConcurrentHashMap<>();

    /** Adds or replaces the policy of its enrolee (a replaced policy forgets the certificate held). */
    public void put(EnrolmentPolicy policy) {
        byEnrolee.put(policy.enrolee(), new State(policy, null));
    }

    /** Removes an enrolee: it can no longer enrol or re-enrol. */
    public boolean remove(String enrolee) {
        return byEnrolee.remove(enrolee) != null;
    }

    Optional<EnrolmentPolicy> policy(String enrolee) {
        State s = enrolee == null ? null : byEnrolee.get(enrolee);
        return s == null ? Optional.empty() : Optional.of(s.policy());
    }

    /** The serial number of the certificate the enrolee holds now, if it enrolled. */
    public Optional<BigInteger> current(String enrolee) {
        State s = enrolee == null ? null : byEnrolee.get(enrolee);
        return s == null ? Optional.empty() : Optional.ofNullable(s.current());
    }

    /**
     * Records {@code issued} as the enrolee's certificate if it still holds {@code expected} (null: none yet) under
     * the same policy; false when another request got there first (the certificate must then not be handed out).
     */
    boolean advance(EnrolmentPolicy policy, BigInteger expected, BigInteger issued) {
        State[] swapped = {null};
        byEnrolee.computeIfPresent(policy.enrolee(), (k, s) -> {
            if (s.policy() != policy || !java.util.Objects.equals(s.current(), expected)) {
                return s;
            }
            swapped[0] = new State(policy, issued);
            return swapped[0];
        });
        return swapped[0] != null;
    }
}
