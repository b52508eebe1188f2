package io.citadel.e2e.esprim;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/** Where a receiver finds a pairwise ESPrim key by its ID (TS-0003 §8.4.2, phase A). */
@FunctionalInterface
public interface PairwiseKeys {

    /** The key {@code kid} names, if one is known and valid at {@code now}. */
    Optional<PairwiseKey> find(String kid, Instant now);

    /**
     * A key bound to an identity {@code identity} accepts, valid at {@code now}, for this side to originate ESPrim
     * objects to that entity with (a pairwise key serves both directions); none by default.
     */
    default Optional<PairwiseKey> findFor(java.util.function.Predicate<String> identity, Instant now) {
        return Optional.empty();
    }

    /** These keys, then {@code other}'s for a kid or identity these do not know. */
    default PairwiseKeys or(PairwiseKeys other) {
        PairwiseKeys first = this;
        return new PairwiseKeys() {
            @Override
            public Optional<PairwiseKey> find(String kid, Instant now) {
                return first.find(kid, now).or(() -> other.find(kid, now));
            }

            @Override
            public Optional<PairwiseKey> findFor(java.util.function.Predicate<String> identity, Instant now) {
                return first.findFor(identity, now).or(() -> other.findFor(identity, now));
            }
        };
    }

    /**
     * A pairwise ESPrim key: its ID, the key, and the identity (an AE-ID or CSE-ID, normalised as the receiver
     * compares originators) it is bound to; only that identity may be the {@code From} of a request it protects; and
     * the SUID of its kind (13 from the CSE's key store, which also holds the keys a MEF provisioned: it does not tell
     * the two apart; 43 agreed by ESCertKE).
     */
    record PairwiseKey(String kid, byte[] key, String identity, int suid) {
        public PairwiseKey {
            key = key.clone();
        }

        /** A pre-provisioned key (SUID 13). */
        public PairwiseKey(String kid, byte[] key, String identity) {
            this(kid, key, identity, 13);
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        /** Overwrites this copy of the key. */
        public void destroy() {
            Arrays.fill(key, (byte) 0);
        }

        /** A SHA-256 fingerprint of the key, to tell a replaced key from the one a session began with. */
        byte[] fingerprint() {
            try {
                return java.security.MessageDigest.getInstance("SHA-256").digest(key);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PairwiseKey k
                    && k.kid.equals(kid)
                    && Arrays.equals(k.key, key)
                    && k.identity.equals(identity);
        }

        @Override
        public int hashCode() {
            return kid.hashCode();
        }

        @Override
        public String toString() {
            return "PairwiseKey[" + kid + " for " + identity + "]"; // never the key
        }
    }
}
