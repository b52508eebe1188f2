package io.citadel.mef.est;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.FileWatch;
import io.citadel.credentials.PrivateFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The enrolment policies an operator set and, per enrolee, the serial number of the certificate it holds now, in
 * one owner-only JSON file (written whole and moved into place atomically, so a crash leaves the old or the new
 * state, never a mix). Challenge passwords are in it only as salted hashes. An issued certificate is handed out
 * only after its serial is on disk. Thread-safe: an enrolee's state changes atomically, so concurrent first
 * enrolments issue one certificate.
 */
public final class Enrolments {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An enrolee's policy, the certificate it holds, and whether its enrolment was revoked (for good). */
    private record State(EnrolmentPolicy policy, BigInteger current, boolean revoked) {}

    private final Path file;
    private final FileWatch watch;
    private Map<String, State> byEnrolee = new LinkedHashMap<>();
    private List<BigInteger> revokedSerials = new ArrayList<>();
    /** When each revoked serial was revoked (entries of serials no longer revoked are ignored). */
    private Map<BigInteger, java.time.Instant> revokedAt = new java.util.HashMap<>();

    private java.util.function.Consumer<List<BigInteger>> revocationListener;

    private Enrolments(Path file) {
        this.file = file;
        this.watch = new FileWatch(file, Duration.ofSeconds(1));
    }

    /**
     * Opens (or starts) the store in {@code file}; a file that cannot be read or is damaged is refused. What another
     * process (the operator's {@code citadel mef device} commands) writes is read again within a second.
     */
    public static Enrolments open(Path file) {
        Enrolments e = new Enrolments(file);
        e.watch.changed();
        Contents c = read(file);
        e.byEnrolee = c.byEnrolee();
        e.revokedSerials = c.revoked();
        e.revokedAt = c.revokedAt();
        return e;
    }

    private record Contents(
            Map<String, State> byEnrolee, List<BigInteger> revoked, Map<BigInteger, java.time.Instant> revokedAt) {}

    private static Contents read(Path file) {
        Map<String, State> states = new LinkedHashMap<>();
        List<BigInteger> revoked = new ArrayList<>();
        Map<BigInteger, java.time.Instant> at = new java.util.HashMap<>();
        if (Files.exists(file)) {
            try {
                Map<?, ?> all = JSON.readValue(file.toFile(), Map.class);
                for (Object row : (List<?>) all.get("enrolees")) {
                    State s = fromRow((Map<?, ?>) row);
                    states.put(s.policy().enrolee(), s);
                }
                for (Object serial : (List<?>) all.get("revokedSerials")) {
                    revoked.add(new BigInteger((String) serial, 16));
                }
                if (all.get("revokedAt") instanceof Map<?, ?> times) { // absent in files of older versions
                    times.forEach((serial, when) ->
                            at.put(new BigInteger((String) serial, 16), java.time.Instant.parse((String) when)));
                }
            } catch (IOException | RuntimeException bad) {
                throw new IllegalStateException("the enrolment store " + file + " cannot be read: it is damaged");
            }
        }
        return new Contents(states, revoked, at);
    }

    /** Reads the file again when another writer changed it; a damaged file keeps the last good state, logged. */
    private void refresh() {
        if (!watch.changed()) {
            return;
        }
        try {
            Contents c = read(file);
            byEnrolee = c.byEnrolee();
            revokedSerials = c.revoked();
            revokedAt = c.revokedAt();
        } catch (IllegalStateException damaged) {
            watch.retryLater();
            System.getLogger("citadel.mef").log(System.Logger.Level.WARNING, damaged.getMessage());
        }
    }

    /**
     * Adds or replaces the policy of its enrolee. A replaced policy's certificate is revoked (superseded): the
     * device enrols again under the new policy, and what it held before must not stay valid beside it.
     */
    public synchronized void put(EnrolmentPolicy policy) {
        refresh();
        refuseTakenIdentities(List.of(policy));
        State before = byEnrolee.get(policy.enrolee());
        byEnrolee.put(policy.enrolee(), new State(policy, null, false));
        forgetCertificate(policy.enrolee(), before);
    }

    /**
     * Adds many new enrolees at once (a factory batch), in one write; refused, and nothing added, when any of them
     * has a policy already (replacing one revokes its certificate: {@link #put}).
     */
    public synchronized void addAll(List<EnrolmentPolicy> policies) {
        refresh();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (EnrolmentPolicy p : policies) {
            if (byEnrolee.containsKey(p.enrolee()) || !seen.add(p.enrolee())) {
                throw new IllegalArgumentException("enrolee " + p.enrolee() + " has a policy already");
            }
        }
        refuseTakenIdentities(policies); // also two of the batch with one identity
        policies.forEach(p -> byEnrolee.put(p.enrolee(), new State(p, null, false)));
        save(() -> policies.forEach(p -> byEnrolee.remove(p.enrolee())));
    }

    /** The identities a policy can certify: its subject and its restricted identity. */
    private static List<String> identities(EnrolmentPolicy p) {
        return p.integrity().restricted() == null
                ? List.of(p.subject().originator())
                : List.of(p.subject().originator(), p.integrity().restricted().originator());
    }

    /**
     * Refuses policies that could certify an identity another enrolee's policy already gives (its subject or its
     * restricted identity): two devices must never hold certificates for one AE-ID or CSE-ID.
     */
    private void refuseTakenIdentities(List<EnrolmentPolicy> policies) {
        Map<String, String> taken = new java.util.HashMap<>(); // identity -> enrolee, indexed once: O(stored + new)
        byEnrolee
                .values()
                .forEach(st -> identities(st.policy())
                        .forEach(id -> taken.put(id, st.policy().enrolee())));
        for (EnrolmentPolicy p : policies) {
            for (String id : identities(p)) {
                String holder = taken.putIfAbsent(id, p.enrolee());
                if (holder != null && !holder.equals(p.enrolee())) {
                    throw new IllegalArgumentException("identity " + id + " is given already, to " + holder);
                }
            }
        }
    }

    /** Removes an enrolee: it can no longer enrol or re-enrol, and the certificate it holds is revoked. */
    public synchronized boolean remove(String enrolee) {
        refresh();
        State before = byEnrolee.remove(enrolee);
        if (before == null) {
            return false;
        }
        forgetCertificate(enrolee, before);
        return true;
    }

    /** Saves a change of {@code enrolee}'s state that drops {@code before}; its certificate joins the revoked ones. */
    private void forgetCertificate(String enrolee, State before) {
        List<BigInteger> revokedBefore = new ArrayList<>(revokedSerials);
        boolean revoked = before != null && before.current() != null && !revokedSerials.contains(before.current());
        if (revoked) {
            markRevoked(before.current());
        }
        save(() -> {
            restore(enrolee, before);
            revokedSerials = revokedBefore;
        });
        if (revoked) {
            announceRevocations();
        }
    }

    /** The enrolees, in the order they were added. */
    public synchronized List<EnrolmentPolicy> policies() {
        refresh();
        return byEnrolee.values().stream().map(State::policy).toList();
    }

    /** The policy of {@code enrolee}, if it has one (revoked or not). */
    public synchronized Optional<EnrolmentPolicy> policy(String enrolee) {
        refresh();
        State s = enrolee == null ? null : byEnrolee.get(enrolee);
        return s == null ? Optional.empty() : Optional.of(s.policy());
    }

    /** The serial number of the certificate the enrolee holds now, if it enrolled. */
    public synchronized Optional<BigInteger> current(String enrolee) {
        refresh();
        State s = enrolee == null ? null : byEnrolee.get(enrolee);
        return s == null ? Optional.empty() : Optional.ofNullable(s.current());
    }

    /**
     * Records {@code issued} as the enrolee's certificate if it still holds {@code expected} (null: none yet) under
     * the same policy, on disk before returning true; false when another request got there first (the certificate
     * must then not be handed out). A failed write throws and leaves the state as it was.
     */
    synchronized boolean advance(EnrolmentPolicy policy, BigInteger expected, BigInteger issued) {
        refresh();
        State s = byEnrolee.get(policy.enrolee());
        if (s == null || s.revoked() || !s.policy().equals(policy) || !Objects.equals(s.current(), expected)) {
            return false;
        }
        List<BigInteger> before = new ArrayList<>(revokedSerials);
        if (expected != null) { // a renewal supersedes the certificate held: one valid certificate per enrolee
            markRevoked(expected);
        }
        byEnrolee.put(policy.enrolee(), new State(policy, issued, false));
        save(() -> {
            restore(policy.enrolee(), s);
            revokedSerials = before;
        });
        if (expected != null) {
            announceRevocations();
        }
        return true;
    }

    /**
     * Calls {@code listener} with every revoked serial after each change of them made through this instance (a
     * renewal's superseded certificate, a revocation), so that the CRL can be published at once.
     */
    public synchronized void onRevocation(java.util.function.Consumer<List<BigInteger>> listener) {
        this.revocationListener = listener;
    }

    private void announceRevocations() {
        if (revocationListener != null) {
            revocationListener.accept(List.copyOf(revokedSerials));
        }
    }

    /**
     * Revokes an enrolee for good: its certificate's serial joins the revoked ones (for the CRL; the certificates it
     * renewed are there already, as superseded), and it can neither
     * enrol nor re-enrol again (a new policy for it must be put). False when there is no such enrolee.
     */
    public synchronized boolean revoke(String enrolee) {
        refresh();
        State s = byEnrolee.get(enrolee);
        if (s == null) {
            return false;
        }
        List<BigInteger> before = new ArrayList<>(revokedSerials);
        if (s.current() != null && !revokedSerials.contains(s.current())) {
            markRevoked(s.current());
        }
        byEnrolee.put(enrolee, new State(s.policy(), null, true));
        save(() -> {
            byEnrolee.put(enrolee, s);
            revokedSerials = before;
        });
        announceRevocations();
        return true;
    }

    /** The enrolee that holds the certificate with {@code serial} now (not one it held before). */
    public synchronized Optional<String> enroleeHolding(BigInteger serial) {
        refresh();
        return byEnrolee.values().stream()
                .filter(s -> serial != null && serial.equals(s.current()))
                .map(s -> s.policy().enrolee())
                .findFirst();
    }

    /** True when the enrolee's enrolment was revoked. */
    public synchronized boolean isRevoked(String enrolee) {
        refresh();
        State s = enrolee == null ? null : byEnrolee.get(enrolee);
        return s != null && s.revoked();
    }

    private void markRevoked(BigInteger serial) {
        revokedSerials.add(serial);
        revokedAt.putIfAbsent(serial, java.time.Instant.now());
    }

    /**
     * Every certificate revoked here and when (for the CRL and OCSP); a revocation recorded by an older version,
     * without its time, is dated now.
     */
    public synchronized Map<BigInteger, java.time.Instant> revocations() {
        refresh();
        Map<BigInteger, java.time.Instant> out = new LinkedHashMap<>();
        java.time.Instant now = java.time.Instant.now();
        revokedSerials.forEach(serial -> out.put(serial, revokedAt.getOrDefault(serial, now)));
        return out;
    }

    /** The serials of every certificate revoked here, for the CRL. */
    public synchronized List<BigInteger> revokedSerials() {
        refresh();
        return List.copyOf(revokedSerials);
    }

    private void restore(String enrolee, State before) {
        if (before == null) {
            byEnrolee.remove(enrolee);
        } else {
            byEnrolee.put(enrolee, before);
        }
    }

    private void save(Runnable undo) {
        List<Map<String, Object>> rows = new ArrayList<>();
        byEnrolee.values().forEach(s -> rows.add(row(s)));
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("enrolees", rows);
        all.put(
                "revokedSerials",
                revokedSerials.stream().map(b -> b.toString(16)).toList());
        Map<String, String> times = new LinkedHashMap<>();
        revokedSerials.forEach(serial -> {
            java.time.Instant when = revokedAt.get(serial);
            if (when != null) {
                times.put(serial.toString(16), when.toString());
            }
        });
        all.put("revokedAt", times);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            PrivateFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
            watch.reset();
        } catch (IOException e) {
            undo.run();
            throw new IllegalStateException("cannot write the enrolment store " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> row(State s) {
        EnrolmentPolicy p = s.policy();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("enrolee", p.enrolee());
        row.put("type", p.subject().type().name());
        row.put("id", p.subject().id());
        row.put("cseId", p.subject().cseId());
        row.put("spDomain", p.subject().spDomain());
        row.put("lifetime", p.lifetime().toString());
        row.put("challenge", p.challengeHash());
        row.put("current", s.current() == null ? null : s.current().toString(16));
        row.put("revoked", s.revoked());
        if (p.hardwareKey()) {
            row.put("hardwareKey", true);
        }
        if (p.integrity().required()) {
            row.put("integrityRequired", true);
            row.put(
                    "restrictedId",
                    p.integrity().restricted() == null
                            ? null
                            : p.integrity().restricted().id());
        }
        return row;
    }

    private static State fromRow(Map<?, ?> row) {
        EnrolmentSubject subject = new EnrolmentSubject(
                EnrolmentSubject.Type.valueOf((String) row.get("type")),
                (String) row.get("id"),
                (String) row.get("cseId"),
                (String) row.get("spDomain"));
        EnrolmentPolicy policy = new EnrolmentPolicy(
                (String) row.get("enrolee"), subject, Duration.parse((String) row.get("lifetime")), (String)
                        row.get("challenge"));
        policy = policy.withHardwareKey(Boolean.TRUE.equals(row.get("hardwareKey")));
        if (Boolean.TRUE.equals(row.get("integrityRequired"))) {
            Object restrictedId = row.get("restrictedId");
            policy = policy.with(new EnrolmentPolicy.Integrity(
                    true,
                    restrictedId == null
                            ? null
                            : new EnrolmentSubject(
                                    subject.type(), (String) restrictedId, subject.cseId(), subject.spDomain())));
        }
        Object current = row.get("current");
        return new State(
                policy,
                current == null ? null : new BigInteger((String) current, 16),
                Boolean.TRUE.equals(row.get("revoked")));
    }
}
