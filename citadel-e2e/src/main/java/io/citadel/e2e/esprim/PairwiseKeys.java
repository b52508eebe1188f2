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
     * A pairwise ESPrim key: its ID, the key, the identity (an AE-ID or CSE-ID, normalised as the receiver compares
     * originators) it is bound to (only that identity may be the {@code From} of a request it protects), and the SUID
     * of its kind (13 from the CSE's key store, which also holds the keys a MEF or MAF provisioned: it does not tell
     * them apart; 43 agreed by ESCertKE). The key is either bytes this copy holds ({@link #destroy} zeroes them) or a
     * key that stays in a key vault, of which only HMAC-SHA256 results are seen ({@link #held}).
     */
    final class PairwiseKey {
        private final String kid;
        private final byte[] key; // null: held in a vault
        private final java.util.function.UnaryOperator<byte[]> hmac; // null: the bytes above
        private final String identity;
        private final int suid;
        /** For a held key: its fingerprint, computed once by its vault. */
        private final byte[] heldFingerprint;

        public PairwiseKey(String kid, byte[] key, String identity, int suid) {
            this(kid, key.clone(), null, null, identity, suid);
        }

        /** A pre-provisioned key (SUID 13). */
        public PairwiseKey(String kid, byte[] key, String identity) {
            this(kid, key, identity, 13);
        }

        private PairwiseKey(
                String kid,
                byte[] key,
                java.util.function.UnaryOperator<byte[]> hmac,
                byte[] heldFingerprint,
                String identity,
                int suid) {
            this.heldFingerprint = heldFingerprint;
            this.kid = java.util.Objects.requireNonNull(kid, "kid");
            this.key = key;
            this.hmac = hmac;
            this.identity = java.util.Objects.requireNonNull(identity, "identity");
            this.suid = suid;
        }

        /**
         * A key that stays where it lives (a PKCS#11 token, an encrypted key store): {@code hmac} computes there;
         * {@code fingerprint} tells it from another key under the same kid (its vault computes it once).
         */
        public static PairwiseKey held(
                String kid,
                java.util.function.UnaryOperator<byte[]> hmac,
                byte[] fingerprint,
                String identity,
                int suid) {
            return new PairwiseKey(
                    kid, null, java.util.Objects.requireNonNull(hmac, "hmac"), fingerprint.clone(), identity, suid);
        }

        public String kid() {
            return kid;
        }

        public String identity() {
            return identity;
        }

        public int suid() {
            return suid;
        }

        /** Whether the key's bytes are here (false: it stays in its vault). */
        public boolean readable() {
            return key != null;
        }

        /** A copy of the key's bytes; not for a key held in a vault. */
        public byte[] key() {
            if (key == null) {
                throw new IllegalStateException("the pairwise key " + kid + " stays in its key vault");
            }
            return key.clone();
        }

        /** HMAC-SHA256 under this key of {@code data}, computed where the key is. */
        public byte[] hmacSha256(byte[] data) {
            if (hmac != null) {
                return hmac.apply(data);
            }
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(data);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is not available", e);
            }
        }

        /** Overwrites this copy of the key (nothing to overwrite for a key held in a vault). */
        public void destroy() {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }

        /** A fingerprint of the key, to tell a replaced key from the one a session began with (no vault I/O). */
        byte[] fingerprint() {
            if (heldFingerprint != null) {
                return heldFingerprint.clone();
            }
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
                    && k.identity.equals(identity)
                    && k.suid == suid
                    && Arrays.equals(k.fingerprint(), fingerprint());
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
