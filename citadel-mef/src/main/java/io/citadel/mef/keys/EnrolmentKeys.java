package io.citadel.mef.keys;

import io.citadel.credentials.KeyDerivation;
import io.citadel.credentials.PskCredential;
import io.citadel.credentials.PskStore;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The enrolment keys (Ke) of the MEF's enrolees and the keys it derives from them for enrolment targets (TS-0003
 * §8.3.2.1, §10.3; digest §11, §12.3). After a MEF handshake the enrolee and the MEF export the same 48 bytes
 * ({@link KeyDerivation#BOOTSTRAP_EXPORTER}); the MEF keeps Ke under KeID = {@code hex(RelativeKeID)@MEF-FQDN} in an
 * encrypted store, for the enrolment's lifetime, one per enrolee (a new one replaces the last). An enrolment target
 * that sees the KeID asks for the usage-constrained key: it gets it only when it is the CSE the enrolee's policy names,
 * for a use the MEF serves, while the enrolment stands.
 */
public final class EnrolmentKeys {
    /**
     * The uses served (m2m:suid): 22 a security association (TLS/DTLS-PSK) with the enrolee's CSE, 21 the enrolee's
     * master key (Km) at the SP's MAF, when the MEF knows one.
     */
    static final List<Integer> SERVED_SUIDS = List.of(21, 22);

    private final PskStore keys;
    private final Enrolments enrolments;
    private final String mefFqdn;
    private final String mafFqdn;
    private final Clock clock;

    public EnrolmentKeys(PskStore keys, Enrolments enrolments, String mefFqdn, Clock clock) {
        this(keys, enrolments, mefFqdn, null, clock);
    }

    /**
     * @param mafFqdn the SP's MAF, the one target of SUID 21 keys (a master key its enrolees use there), or null:
     *     none served
     */
    public EnrolmentKeys(PskStore keys, Enrolments enrolments, String mefFqdn, String mafFqdn, Clock clock) {
        this.keys = keys;
        this.enrolments = enrolments;
        this.mefFqdn = mefFqdn;
        this.mafFqdn = mafFqdn == null ? null : mafFqdn.toLowerCase(java.util.Locale.ROOT);
        this.clock = clock;
    }

    /** What the enrolment exchange tells the enrolee: its KeID and until when Ke is good. */
    public record Recorded(String keyId, Instant notAfter) {}

    /** The usage-constrained key for a target, the enrolee it authenticates, and until when. */
    public record UsageKey(byte[] key, String enrolee, Instant notAfter) {
        @Override
        public String toString() { // never the key
            return "UsageKey[enrolee=" + enrolee + ", notAfter=" + notAfter + "]";
        }
    }

    /**
     * Records the Ke the enrolee's session exported (48 bytes, zeroed here), replacing the one it had; refused when
     * the enrolee has no policy or was revoked.
     */
    public synchronized Recorded record(String enrolee, byte[] exported) {
        try {
            EnrolmentPolicy policy = enrolments
                    .policy(enrolee)
                    .orElseThrow(() -> new EstException(403, "no enrolment policy for this device"));
            if (enrolments.isRevoked(enrolee)) {
                throw new EstException(403, "this device's enrolment was revoked");
            }
            if (policy.integrity().required()) { // a key carries no firmware evidence: such a device enrols by EST
                throw new EstException(403, "this device must show firmware evidence: it enrols by EST, not for a key");
            }
            KeyDerivation.ExportedKey ke = KeyDerivation.split(exported);
            try {
                String keyId = ke.identifier(mefFqdn);
                Instant notAfter = clock.instant().plus(policy.lifetime());
                String originator = policy.subject().originator();
                for (PskCredential old : keys.list()) {
                    if (old.allowed().equals(List.of(originator))
                            && !old.identity().equals(keyId)) {
                        keys.revoke(old.identity());
                    }
                }
                keys.put(new PskCredential(keyId, List.of(originator), notAfter), ke.key());
                return new Recorded(keyId, notAfter);
            } finally {
                ke.destroy();
            }
        } finally {
            Arrays.fill(exported, (byte) 0);
        }
    }

    /**
     * The key for {@code keyId} and {@code suid}, for a caller whose certificate proved {@code callerNames} (dNSName
     * FQDNs) and who says it is {@code from}. Refusals: 404 unknown or expired KeID, 403 not the target, a use not
     * served, a revoked or removed enrolment; 400 a malformed SUID.
     */
    public UsageKey fetch(String keyId, String suid, Collection<String> callerNames, String from) {
        int use;
        try {
            use = Integer.parseInt(suid);
        } catch (NumberFormatException e) {
            throw new EstException(400, "the SUID is a number (TS-0004 m2m:suid)");
        }
        if (!SERVED_SUIDS.contains(use)) {
            throw new EstException(403, "this MEF serves keys for SUID " + SERVED_SUIDS + " only");
        }
        Instant now = clock.instant();
        PskCredential credential = keys.lookup(keyId, now)
                .orElseThrow(() -> new EstException(404, "no such KeID, or its enrolment has expired"));
        EnrolmentPolicy policy = enroleeOf(credential);
        String target;
        String targetId;
        if (use == 21) {
            if (mafFqdn == null) {
                throw new EstException(403, "this MEF provisions no MAF master keys (no --maf-fqdn)");
            }
            target = mafFqdn;
            targetId = mafFqdn;
        } else {
            target = policy.subject()
                    .targetFqdn()
                    .orElseThrow(() -> new EstException(403, "this enrolment names no target CSE"));
            targetId = policy.subject().cseId();
        }
        if (callerNames.stream().noneMatch(target::equalsIgnoreCase) || !targetId.equalsIgnoreCase(from)) {
            throw new EstException(403, "the caller is not this enrolment's target");
        }
        byte[] ke = keys.key(keyId, now)
                .orElseThrow(() -> new EstException(404, "no such KeID, or its enrolment has expired"));
        try {
            return new UsageKey(
                    KeyDerivation.usageConstrainedKey(ke, use, target),
                    policy.subject().originator(),
                    credential.notAfter());
        } finally {
            Arrays.fill(ke, (byte) 0);
        }
    }

    /** The one policy whose enrolee the key was recorded for, while it stands. */
    private EnrolmentPolicy enroleeOf(PskCredential credential) {
        List<EnrolmentPolicy> matching = enrolments.policies().stream()
                .filter(p -> credential.allowed().equals(List.of(p.subject().originator())))
                .toList();
        if (matching.size() != 1) {
            throw new EstException(403, "this key's enrolment no longer stands");
        }
        if (enrolments.isRevoked(matching.get(0).enrolee())) {
            throw new EstException(403, "this device's enrolment was revoked");
        }
        return matching.get(0);
    }
}
