package io.citadel.mef.keys;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.KeyDerivation;
import io.citadel.credentials.PrivateFiles;
import io.citadel.credentials.PskCredential;
import io.citadel.credentials.PskStore;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The enrolment keys (Ke) of the MEF's enrolees and the keys it derives from them for enrolment targets (TS-0003
 * §8.3.2.1, §10.3; digest §11, §12.3). After a MEF handshake the enrolee and the MEF export the same 48 bytes
 * ({@link KeyDerivation#BOOTSTRAP_EXPORTER}); the MEF keeps Ke under KeID = {@code hex(RelativeKeID)@MEF-FQDN} in an
 * encrypted store, for the enrolment's lifetime, one per enrolee (a new one replaces the last). An enrolment target
 * that sees the KeID asks for the usage-constrained key: it gets it only when it is the CSE the enrolee's policy names,
 * for a use the MEF serves, while the enrolment stands.
 *
 * <p>A Ke is bound to the policy it was recorded under (the enrolee and a stamp of that policy: its enrolee, identity
 * and challenge hash, which a new policy never shares), in an owner-only index beside the keys. A policy removed or
 * replaced, even by one for the same identity, leaves the Ke recorded before it unserved: another device given that
 * identity later never inherits it.
 */
public final class EnrolmentKeys {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The uses served (m2m:suid): 22 a security association (TLS/DTLS-PSK) with the enrolee's CSE, 21 the enrolee's
     * master key (Km) at the SP's MAF, when the MEF knows one.
     */
    static final List<Integer> SERVED_SUIDS = List.of(21, 22, 23);

    private final PskStore keys;
    private final Enrolments enrolments;
    private final String mefFqdn;
    private final String mafFqdn;
    private final Clock clock;
    private final Path bindingsFile;
    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();

    /** The policy instance a Ke was recorded under. */
    private record Binding(String enrolee, String stamp) {}

    public EnrolmentKeys(PskStore keys, Enrolments enrolments, String mefFqdn, Clock clock) {
        this(keys, enrolments, mefFqdn, null, clock);
    }

    /**
     * @param mafFqdn the SP's MAF, the one target of SUID 21 keys (a master key its enrolees use there), or null:
     *     none served
     */
    public EnrolmentKeys(PskStore keys, Enrolments enrolments, String mefFqdn, String mafFqdn, Clock clock) {
        this(keys, null, enrolments, mefFqdn, mafFqdn, clock);
    }

    /**
     * @param bindingsFile where the Ke → policy bindings are kept (owner-only JSON, this service its only writer);
     *     null: in memory only (a restart then leaves every Ke unserved until its device repeats the exchange)
     */
    public EnrolmentKeys(
            PskStore keys, Path bindingsFile, Enrolments enrolments, String mefFqdn, String mafFqdn, Clock clock) {
        this.bindingsFile = bindingsFile;
        if (bindingsFile != null && Files.exists(bindingsFile, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Map<String, Map<String, String>> stored =
                        JSON.readValue(Files.readAllBytes(bindingsFile), new TypeReference<>() {});
                stored.forEach((id, b) -> bindings.put(id, new Binding(b.get("enrolee"), b.get("stamp"))));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("the enrolment key bindings " + bindingsFile + " cannot be read");
            }
        }
        this.keys = keys;
        // bindings of keys gone (expired, replaced) are dropped once, when loaded, not at each record
        Instant loaded = clock.instant();
        bindings.keySet().removeIf(id -> keys.lookup(id, loaded).isEmpty());
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
                        bindings.remove(old.identity());
                    }
                }
                keys.put(new PskCredential(keyId, List.of(originator), notAfter), ke.key());
                bindings.put(keyId, new Binding(enrolee, stamp(policy)));
                saveBindings();
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
        EnrolmentPolicy policy = enroleeOf(keyId, credential);
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

    /** The policy the key was recorded under, while that very policy stands. */
    private EnrolmentPolicy enroleeOf(String keyId, PskCredential credential) {
        Binding b = bindings.get(keyId);
        EnrolmentPolicy policy =
                b == null ? null : enrolments.policy(b.enrolee()).orElse(null);
        if (policy == null
                || !stamp(policy).equals(b.stamp())
                || !credential.allowed().equals(List.of(policy.subject().originator()))) {
            throw new EstException(403, "this key's enrolment no longer stands");
        }
        if (enrolments.isRevoked(policy.enrolee())) {
            throw new EstException(403, "this device's enrolment was revoked");
        }
        return policy;
    }

    /** What tells one policy instance from another: its enrolee, identity and (salted) challenge hash. */
    private static String stamp(EnrolmentPolicy p) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((p.enrolee() + "\n" + p.subject().originator() + "\n" + p.challengeHash())
                            .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void saveBindings() {
        if (bindingsFile == null) {
            return;
        }
        Map<String, Map<String, String>> stored = new java.util.TreeMap<>();
        bindings.forEach((id, b) -> stored.put(id, Map.of("enrolee", b.enrolee(), "stamp", b.stamp())));
        try {
            PrivateFiles.write(bindingsFile, JSON.writeValueAsBytes(stored));
        } catch (IOException e) {
            throw new EstException(500, "the enrolment key could not be recorded");
        }
    }
}
