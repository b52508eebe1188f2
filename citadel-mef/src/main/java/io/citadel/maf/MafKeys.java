package io.citadel.maf;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.BoundOriginators;
import io.citadel.credentials.FileWatch;
import io.citadel.credentials.KeyDerivation;
import io.citadel.credentials.PrivateFiles;
import io.citadel.credentials.PskCredential;
import io.citadel.credentials.PskStore;
import java.io.IOException;
import java.nio.file.Files;
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
import java.util.function.Supplier;

/**
 * The keys registered at the MAF (TS-0003 §8.8.2, digest §13): Key Registration, Retrieval, Update and
 * De-registration with their rules. Values are kept in an encrypted store under {@code relativeKeyId@MAF-FQDN};
 * what they are for is kept beside them in an owner-only JSON file, written whole and moved into place. Rules:
 * <ul>
 * <li>a use of a MAF-distributed key (SUID 32 SAEF, 33 ESPrim: exactly one target; 34, 35 ESData: 1 to 16);</li>
 * <li>the value is the client's, or else the 48 bytes its MAF handshake session exports with
 * {@link KeyDerivation#CONNECTION_EXPORTER} (Kc = the last 32, KcID = the first 16, in hex the relative key ID);</li>
 * <li>a lifetime in the future, at most {@code maxLifetime} (default one day);</li>
 * <li>at most {@code maxPerClient} live keys per client; only the source updates or removes a key, only a target
 * retrieves it; an expired key is gone (404).</li>
 * </ul>
 */
public final class MafKeys {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * The uses a service registers keys for: the SUIDs, those with exactly one target (SAEF, ESPrim; the others take
     * 1 to 16), and what they are called in refusals.
     */
    public record Uses(List<Integer> suids, java.util.Set<Integer> oneTarget, String name) {
        /** The MAF's: MAF-distributed keys, SUID 32 (SAEF), 33 (ESPrim), 34, 35 (ESData). */
        public static final Uses MAF =
                new Uses(List.of(32, 33, 34, 35), java.util.Set.of(32, 33), "a MAF-distributed key");
        /** The MEF's: RSPF-provisioned keys, SUID 22 (SAEF), 23 (ESPrim), 24, 25 (ESData). */
        public static final Uses MEF =
                new Uses(List.of(22, 23, 24, 25), java.util.Set.of(22, 23), "an RSPF-provisioned key");
    }

    private final Uses uses;

    private final Path file;
    private final FileWatch watch;
    private final PskStore values;
    private final String fqdn;
    private final Clock clock;
    private final Duration maxLifetime;
    private final int maxPerClient;
    private Map<String, MafKey> byId = new LinkedHashMap<>();

    /** What a client asks to register (absent members null). */
    public record Registration(
            Integer suid, List<String> targets, Instant expires, List<String> labels, byte[] value) {}

    /** What a client asks to change (absent members null; at least one present). */
    public record Update(List<String> targets, Instant expires, List<String> labels) {}

    public MafKeys(Path file, PskStore values, String fqdn, Clock clock, Duration maxLifetime, int maxPerClient) {
        this(file, values, fqdn, clock, maxLifetime, maxPerClient, Uses.MAF);
    }

    public MafKeys(
            Path file, PskStore values, String fqdn, Clock clock, Duration maxLifetime, int maxPerClient, Uses uses) {
        this.uses = uses;
        this.file = file;
        this.watch = new FileWatch(file, Duration.ofSeconds(1));
        this.values = values;
        this.fqdn = fqdn;
        this.clock = clock;
        this.maxLifetime = maxLifetime;
        this.maxPerClient = maxPerClient;
        watch.changed();
        byId = read();
    }

    /**
     * Registers a key of {@code source}; {@code sessionExport} gives the session's exported keying material when the
     * request has no value (null when the session cannot export: then a value is required).
     */
    public synchronized MafKey register(String source, Registration r, Supplier<byte[]> sessionExport) {
        refresh();
        Instant now = clock.instant();
        if (r.suid() == null || !uses.suids().contains(r.suid())) {
            throw new MafException(400, "suid must be one of " + uses.suids() + " (" + uses.name() + ")");
        }
        List<String> targets = targets(r.suid(), r.targets());
        Instant expires = expires(r.expires(), now);
        List<String> labels = labels(r.labels());
        long live = byId.values().stream()
                .filter(k -> k.source().equals(source) && k.expires().isAfter(now))
                .count();
        if (live >= maxPerClient) {
            throw new MafException(403, "this client has " + maxPerClient + " keys registered already");
        }
        byte[] key;
        String relativeId;
        if (r.value() != null) {
            if (r.value().length < 16 || r.value().length > 64) {
                throw new MafException(400, "a key value has 16 to 64 bytes");
            }
            key = r.value().clone();
            byte[] id = new byte[16];
            RANDOM.nextBytes(id);
            relativeId = HexFormat.of().formatHex(id);
        } else {
            byte[] exported = sessionExport == null ? null : sessionExport.get();
            if (exported == null) {
                throw new MafException(
                        400, "without a key value the key is exported from a TLS-PSK MAF session, once per session");
            }
            KeyDerivation.ExportedKey kc = KeyDerivation.split(exported);
            key = kc.key().clone();
            relativeId = HexFormat.of().formatHex(kc.relativeId());
            kc.destroy();
        }
        try {
            if (byId.containsKey(relativeId)) {
                throw new MafException(409, "this session registered its key already");
            }
            MafKey registered = new MafKey(relativeId, source, r.suid(), targets, expires, labels);
            values.put(new PskCredential(relativeId + "@" + fqdn, List.of(source), expires), key);
            byId.put(relativeId, registered);
            save(() -> {
                byId.remove(relativeId);
                values.revoke(relativeId + "@" + fqdn);
            });
            return registered;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The key and its value for a target; 404 unknown or expired, 403 not a target. */
    public synchronized Retrieved retrieve(String requester, String relativeId) {
        MafKey key = live(relativeId);
        if (!key.targets().contains(requester)) {
            throw new MafException(403, "the requester is not a target of this key");
        }
        byte[] value = values.key(relativeId + "@" + fqdn, clock.instant())
                .orElseThrow(() -> new MafException(404, "no such key, or it has expired"));
        return new Retrieved(key, value);
    }

    /** A key with its value (the caller zeroes it). */
    public record Retrieved(MafKey key, byte[] value) {
        @Override
        public String toString() {
            return "Retrieved[" + key + "]";
        }
    }

    /** The source's own key, as registered; 404 unknown or expired, 403 another client's. */
    public synchronized MafKey configuration(String source, String relativeId) {
        return owned(source, relativeId);
    }

    public synchronized MafKey update(String source, String relativeId, Update u) {
        MafKey key = owned(source, relativeId);
        if (u.targets() == null && u.expires() == null && u.labels() == null) {
            throw new MafException(400, "an update changes targetIDs, expirationTime or labels");
        }
        Instant now = clock.instant();
        MafKey changed = new MafKey(
                relativeId,
                source,
                key.suid(),
                u.targets() == null ? key.targets() : targets(key.suid(), u.targets()),
                u.expires() == null ? key.expires() : expires(u.expires(), now),
                u.labels() == null ? key.labels() : labels(u.labels()));
        if (!changed.expires().equals(key.expires())) {
            byte[] value = values.key(relativeId + "@" + fqdn, now)
                    .orElseThrow(() -> new MafException(404, "no such key, or it has expired"));
            try {
                values.put(new PskCredential(relativeId + "@" + fqdn, List.of(source), changed.expires()), value);
            } finally {
                Arrays.fill(value, (byte) 0);
            }
        }
        byId.put(relativeId, changed);
        save(() -> byId.put(relativeId, key));
        return changed;
    }

    public synchronized void deregister(String source, String relativeId) {
        MafKey key = owned(source, relativeId);
        byId.remove(relativeId);
        save(() -> byId.put(relativeId, key));
        values.revoke(relativeId + "@" + fqdn);
    }

    private MafKey owned(String source, String relativeId) {
        MafKey key = live(relativeId);
        if (!key.source().equals(source)) {
            throw new MafException(403, "this key was registered by another client");
        }
        return key;
    }

    private MafKey live(String relativeId) {
        refresh();
        MafKey key = relativeId == null ? null : byId.get(relativeId);
        if (key == null || !key.expires().isAfter(clock.instant())) {
            throw new MafException(404, "no such key, or it has expired");
        }
        return key;
    }

    private List<String> targets(int suid, List<String> targets) {
        if (targets == null || targets.isEmpty()) {
            throw new MafException(400, "targetIDs names who may retrieve the key");
        }
        boolean one = uses.oneTarget().contains(suid);
        if (one ? targets.size() != 1 : targets.size() > 16) {
            throw new MafException(
                    400,
                    one
                            ? "a key for a security association or ESPrim has exactly one target"
                            : "a key has at most 16 targets");
        }
        BoundOriginators.problem(targets).ifPresent(why -> {
            throw new MafException(400, "targetIDs: " + why);
        });
        return List.copyOf(targets);
    }

    private Instant expires(Instant asked, Instant now) {
        Instant latest = now.plus(maxLifetime);
        if (asked == null) {
            return latest;
        }
        if (!asked.isAfter(now)) {
            throw new MafException(400, "expirationTime is in the past");
        }
        if (asked.isAfter(latest)) {
            throw new MafException(400, "expirationTime is at most " + maxLifetime + " ahead");
        }
        return asked;
    }

    private static List<String> labels(List<String> labels) {
        if (labels == null) {
            return List.of();
        }
        if (labels.size() > 10 || labels.stream().anyMatch(l -> l == null || !l.matches("[\\x21-\\x7e]{1,64}"))) {
            throw new MafException(400, "labels are at most 10 printable tokens of up to 64 characters");
        }
        return List.copyOf(labels);
    }

    private void refresh() {
        if (watch.changed()) {
            try {
                byId = read();
            } catch (IllegalStateException damaged) {
                watch.retryLater();
                System.getLogger("citadel.maf").log(System.Logger.Level.WARNING, damaged.getMessage());
            }
        }
    }

    private Map<String, MafKey> read() {
        Map<String, MafKey> keys = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return keys;
        }
        try {
            for (Object o : (List<?>) JSON.readValue(file.toFile(), Map.class).get("keys")) {
                Map<?, ?> row = (Map<?, ?>) o;
                MafKey k = new MafKey(
                        (String) row.get("relativeKeyID"),
                        (String) row.get("source"),
                        ((Number) row.get("suid")).intValue(),
                        strings(row.get("targetIDs")),
                        Instant.parse((String) row.get("expirationTime")),
                        strings(row.get("labels")));
                keys.put(k.relativeKeyId(), k);
            }
            return keys;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the MAF key store " + file + " cannot be read: it is damaged");
        }
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        for (Object e : (List<?>) o) {
            out.add((String) e);
        }
        return out;
    }

    /** Writes the metadata (expired keys left out); a failed write undoes the change and throws. */
    private void save(Runnable undo) {
        Instant now = clock.instant();
        List<MafKey> ended = byId.values().stream()
                .filter(k -> !k.expires().isAfter(now.minus(Duration.ofDays(1))))
                .toList();
        ended.forEach(k -> {
            byId.remove(k.relativeKeyId());
            values.revoke(k.relativeKeyId() + "@" + fqdn);
        });
        List<Map<String, Object>> rows = new ArrayList<>();
        for (MafKey k : byId.values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("relativeKeyID", k.relativeKeyId());
            row.put("source", k.source());
            row.put("suid", k.suid());
            row.put("targetIDs", k.targets());
            row.put("expirationTime", k.expires().toString());
            row.put("labels", k.labels());
            rows.add(row);
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            PrivateFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("keys", rows)));
            watch.reset();
        } catch (IOException e) {
            undo.run();
            throw new IllegalStateException("cannot write the MAF key store " + file + ": " + e.getMessage(), e);
        }
    }

    /** The registered keys (for the operator's listing). */
    public synchronized List<MafKey> list() {
        refresh();
        return List.copyOf(byId.values());
    }

    Optional<MafKey> find(String relativeId) {
        return Optional.ofNullable(byId.get(relativeId));
    }
}
