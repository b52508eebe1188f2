package io.citadel.maf;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.PrivateFiles;
import io.citadel.credentials.PskCredential;
import io.citadel.credentials.PskStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MAF client registrations (TS-0003 §8.8.2, digest §13): Registration, Configuration Retrieval, Update and
 * De-Registration, one live registration per client (the AE-ID or CSE-ID its MAF handshake proved).
 *
 * <p><b>assignedSymmKeyID</b>: a client whose handshake used a master key (Km) its MEF provisioned (SUID 21, the
 * identity {@code <KeID>@<MEF-FQDN>}, fetched from the MEF on first sight) is given a KmID of this MAF,
 * {@code hex(16 random bytes)@<MAF-FQDN>}, for the same Km: from then on it opens MAF sessions with it, without the
 * MEF. The assigned key lives until the MEF's lifetime for Km or the registration's end, whichever comes first, and
 * goes with the registration. A client with a Km of this MAF ({@code maf client add}) is assigned nothing.
 *
 * <p>Registrations are kept in an owner-only JSON file, written whole and moved into place; the server is its only
 * writer. Assigned keys are kept sealed ({@code assigned} store).
 */
public final class MafClients {
    static final int MAX_LABELS = 16;
    static final int MAX_LABEL_LENGTH = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One registration; {@code assignedKeyId} null when none was assigned, {@code assignedFrom} the MEF-provisioned
     * identity whose Km it carries (null with it).
     */
    public record Registration(
            String regId,
            String clientId,
            Instant expirationTime,
            List<String> labels,
            String adminFqdn,
            String assignedKeyId,
            String assignedFrom) {}

    private final Path file;
    private final PskStore sessionKeys;
    private final PskStore assigned;
    private final Set<String> brokerFqdns;
    private final String fqdn;
    private final Clock clock;
    private final Duration maxLifetime;
    private final Map<String, Registration> byId = new LinkedHashMap<>();

    /**
     * @param sessionKeys the keys MAF sessions are opened with (to read a brokered Km)
     * @param assigned where assigned keys are kept (a layer of {@code sessionKeys})
     * @param brokerFqdns the MEFs whose keys are brokered here (the domain of their identities)
     */
    public MafClients(
            Path file,
            PskStore sessionKeys,
            PskStore assigned,
            Set<String> brokerFqdns,
            String fqdn,
            Clock clock,
            Duration maxLifetime)
            throws IOException {
        this.file = file;
        this.sessionKeys = sessionKeys;
        this.assigned = assigned;
        this.brokerFqdns = Set.copyOf(brokerFqdns);
        this.fqdn = fqdn;
        this.clock = clock;
        this.maxLifetime = maxLifetime;
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            List<Map<String, Object>> stored = JSON.readValue(Files.readAllBytes(file), new TypeReference<>() {});
            for (Map<String, Object> m : stored) {
                @SuppressWarnings("unchecked")
                List<String> labels = (List<String>) m.get("labels");
                Registration r = new Registration(
                        (String) m.get("regId"),
                        (String) m.get("clientId"),
                        Instant.parse((String) m.get("expirationTime")),
                        labels,
                        (String) m.get("adminFqdn"),
                        (String) m.get("assignedKeyId"),
                        (String) m.get("assignedFrom"));
                byId.put(r.regId(), r);
            }
        }
    }

    /**
     * Ties assigned keys to the MEF-provisioned keys they carry: when the MEF no longer vouches for a source (its
     * brokered key is dropped and announced: revoked, removed, expired or unreachable, fail closed), the registrations
     * assigned from it end with their keys. At start, every source is asked again; one the MEF refuses ends them too.
     */
    public void followSources() {
        sessionKeys.addListener(credential -> {
            String id = credential.credentialId();
            if (id.startsWith(io.citadel.credentials.SecurityAssociation.PSK_PREFIX)) {
                endAssignedFrom(id.substring(io.citadel.credentials.SecurityAssociation.PSK_PREFIX.length()));
            }
        });
        synchronized (this) { // an assigned key whose registration is gone (a removal that failed) goes now
            java.util.Set<String> live = new java.util.HashSet<>();
            byId.values().forEach(r -> live.add(r.assignedKeyId()));
            for (PskCredential c : assigned.list()) {
                if (!live.contains(c.identity())) {
                    assigned.revoke(c.identity());
                }
            }
        }
        if (!(sessionKeys instanceof io.citadel.credentials.PskPrefetch brokered)) {
            return;
        }
        List<String> sources;
        synchronized (this) {
            sources = byId.values().stream()
                    .map(Registration::assignedFrom)
                    .filter(java.util.Objects::nonNull)
                    .distinct()
                    .toList();
        }
        for (String source : sources) {
            brokered.prefetch(source)
                    .ifPresentOrElse(
                            done -> done.whenComplete((ok, error) -> {
                                if (sessionKeys.lookup(source, clock.instant()).isEmpty()) {
                                    endAssignedFrom(source);
                                }
                            }),
                            () -> {
                                if (sessionKeys.lookup(source, clock.instant()).isEmpty()) {
                                    endAssignedFrom(source);
                                }
                            });
        }
    }

    /** Ends the registrations whose assigned key carries {@code source}'s Km, and their keys. */
    synchronized void endAssignedFrom(String source) {
        List<Registration> ended = byId.values().stream()
                .filter(r -> source.equals(r.assignedFrom()))
                .toList();
        if (ended.isEmpty()) {
            return;
        }
        for (Registration r : ended) {
            byId.remove(r.regId());
            assigned.revoke(r.assignedKeyId());
            System.getLogger("citadel.maf")
                    .log(
                            System.Logger.Level.INFO,
                            "MAF client registration " + r.regId() + " of " + r.clientId()
                                    + " ended: its MEF no longer vouches for the master key it was assigned from");
        }
        save();
    }

    /** The longest a registration lives. */
    public Duration maxLifetime() {
        return maxLifetime;
    }

    /**
     * Registers {@code client}, whose session was opened with {@code sessionIdentity} (null: certificate TLS).
     * 409 (with the live registration's ID) when it has one; a lifetime past the maximum is shortened, a past one 400.
     */
    public synchronized Registration register(
            String client, String sessionIdentity, Optional<Instant> expires, List<String> labels, String admin) {
        Instant now = clock.instant();
        dropExpired(now);
        for (Registration r : byId.values()) {
            if (r.clientId().equals(client)) {
                throw new MafException(409, "this client is registered already", r.regId());
            }
        }
        Instant until = lifetime(expires, now);
        String regId = HexFormat.of().formatHex(random(16));
        String assignedId = null;
        if (sessionIdentity != null && brokered(sessionIdentity)) {
            assignedId = assign(client, sessionIdentity, until, now);
        }
        Registration r = new Registration(
                regId,
                client,
                until,
                List.copyOf(labels),
                admin,
                assignedId,
                assignedId == null ? null : sessionIdentity);
        byId.put(regId, r);
        save();
        return r;
    }

    /** The caller's registration (MAF Client Configuration Retrieval); 404 unknown or expired, 403 another's. */
    public synchronized Registration registration(String client, String regId) {
        dropExpired(clock.instant());
        Registration r = byId.get(regId);
        if (r == null) {
            throw new MafException(404, "no such MAF client registration");
        }
        if (!r.clientId().equals(client)) {
            throw new MafException(403, "this registration is another client's");
        }
        return r;
    }

    /** Changes the expiry and/or labels; an assigned key's lifetime follows a shorter registration. */
    public synchronized Registration update(
            String client, String regId, Optional<Instant> expires, Optional<List<String>> labels) {
        if (expires.isEmpty() && labels.isEmpty()) {
            throw new MafException(400, "an update changes expirationTime or labels");
        }
        Registration r = registration(client, regId);
        Instant until = expires.isPresent() ? lifetime(expires, clock.instant()) : r.expirationTime();
        Registration next = new Registration(
                regId,
                client,
                until,
                labels.map(List::copyOf).orElse(r.labels()),
                r.adminFqdn(),
                r.assignedKeyId(),
                r.assignedFrom());
        if (r.assignedKeyId() != null && until.isBefore(r.expirationTime())) {
            shorten(r.assignedKeyId(), until);
        }
        byId.put(regId, next);
        save();
        return next;
    }

    /**
     * Ends the registration; the key assigned to it, if any, which the caller ends with {@link #endKey} (after
     * answering: its sessions end with it).
     */
    public synchronized Optional<String> deregister(String client, String regId) {
        Registration r = registration(client, regId);
        byId.remove(regId);
        save();
        return Optional.ofNullable(r.assignedKeyId());
    }

    /** Removes an assigned key (announced: the sessions opened with it end). */
    public void endKey(String keyId) {
        assigned.revoke(keyId);
    }

    private boolean brokered(String identity) {
        int at = identity.lastIndexOf('@');
        return at > 0 && brokerFqdns.contains(identity.substring(at + 1));
    }

    /** A KmID of this MAF for the Km the session used, bound to the client, until {@code until} at the latest. */
    private String assign(String client, String sessionIdentity, Instant until, Instant now) {
        PskCredential brokered = sessionKeys
                .lookup(sessionIdentity, now)
                .orElseThrow(() -> new MafException(401, "the session's master key is no longer vouched for"));
        if (!brokered.allowed().equals(List.of(client))) {
            throw new MafException(403, "the session's master key is not this client's");
        }
        byte[] km = sessionKeys
                .key(sessionIdentity, now)
                .orElseThrow(() -> new MafException(401, "the session's master key is no longer vouched for"));
        try {
            Instant notAfter =
                    brokered.notAfter() != null && brokered.notAfter().isBefore(until) ? brokered.notAfter() : until;
            String id = HexFormat.of().formatHex(random(16)) + "@" + fqdn;
            assigned.put(new PskCredential(id, List.of(client), notAfter), km);
            return id;
        } finally {
            Arrays.fill(km, (byte) 0);
        }
    }

    private void shorten(String keyId, Instant until) {
        Instant now = clock.instant();
        Optional<PskCredential> c = assigned.lookup(keyId, now);
        Optional<byte[]> key = assigned.key(keyId, now);
        if (c.isPresent() && key.isPresent()) {
            try {
                if (c.get().notAfter() == null || c.get().notAfter().isAfter(until)) {
                    assigned.put(new PskCredential(keyId, c.get().allowed(), until), key.get());
                }
            } finally {
                Arrays.fill(key.get(), (byte) 0);
            }
        }
    }

    private Instant lifetime(Optional<Instant> expires, Instant now) {
        Instant max = now.plus(maxLifetime);
        if (expires.isEmpty()) {
            return max;
        }
        if (!expires.get().isAfter(now)) {
            throw new MafException(400, "expirationTime is in the past");
        }
        return expires.get().isAfter(max) ? max : expires.get();
    }

    private void dropExpired(Instant now) {
        List<String> gone = new ArrayList<>();
        byId.forEach((id, r) -> {
            if (!r.expirationTime().isAfter(now)) {
                gone.add(id);
            }
        });
        if (!gone.isEmpty()) {
            for (String id : gone) {
                Registration r = byId.remove(id);
                if (r.assignedKeyId() != null) {
                    assigned.revoke(r.assignedKeyId());
                }
            }
            save();
        }
    }

    private void save() {
        try {
            List<Map<String, Object>> stored = new ArrayList<>();
            for (Registration r : byId.values()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("regId", r.regId());
                m.put("clientId", r.clientId());
                m.put("expirationTime", r.expirationTime().toString());
                m.put("labels", r.labels());
                m.put("adminFqdn", r.adminFqdn());
                m.put("assignedKeyId", r.assignedKeyId());
                m.put("assignedFrom", r.assignedFrom());
                stored.add(m);
            }
            PrivateFiles.write(file, JSON.writeValueAsBytes(stored));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the MAF client registrations: " + e.getMessage(), e);
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
