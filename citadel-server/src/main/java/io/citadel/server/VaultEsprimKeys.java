package io.citadel.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.FileWatch;
import io.citadel.credentials.PskCredential;
import io.citadel.e2e.esprim.PairwiseKeys;
import io.citadel.security.vault.KeyVault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Pairwise ESPrim keys kept in the key vault ({@code --key-store pkcs11|pkcs12}): each key is imported into the vault
 * as a secret key (in a PKCS#11 token: sensitive and non-extractable from then on) and used there only (HMAC-SHA256
 * for the session keys, {@link PairwiseKeys.PairwiseKey#held}); which kid is bound to which identity, until when, is
 * kept beside it in {@code esprim-vault.json} of the credential directory (owner-only, nothing secret in it). A key is
 * generated here, imported, and printed once for the other end's configuration; this process then zeroes its copy. A
 * running CSE reads the file again when it changes (at most once a second) and the vault with it, so the CLI's adds
 * and revocations reach it.
 */
final class VaultEsprimKeys implements PairwiseKeys {
    static final String FILE = "esprim-vault.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One key's binding: its kid, the identity, its end (null: none). */
    record Entry(String kid, String identity, Instant notAfter) {
        /**
         * The vault alias: derived from the whole binding (kid, identity, end), so that a binding edited in the file
         * names no key at all (aliases also take fewer characters than kids).
         */
        String alias() {
            try {
                String binding = kid + "\n" + identity + "\n" + notAfter;
                byte[] h = MessageDigest.getInstance("SHA-256").digest(binding.getBytes(StandardCharsets.UTF_8));
                return "esprim-" + HexFormat.of().formatHex(h, 0, 12);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        boolean validAt(Instant now) {
            return notAfter == null || now.isBefore(notAfter);
        }

        PskCredential credential() {
            return new PskCredential(kid, List.of(identity), notAfter);
        }
    }

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("citadel.security");
    private static final byte[] FINGERPRINT_LABEL =
            "Citadel pairwise ESPrim key fingerprint".getBytes(StandardCharsets.US_ASCII);

    private final KeyVault vault;
    private final Path file;
    private final Path lock;
    private final FileWatch watch;
    private Map<String, Entry> entries = Map.of();
    /** The bindings or the vault could not be read at the last look: nothing is vouched for until they can. */
    private boolean unreadable;
    /** Each key's fingerprint (an HMAC under it of a fixed label), computed once per reading of the vault. */
    private final Map<String, byte[]> fingerprints = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile long lastFaultLogged;

    private VaultEsprimKeys(KeyVault vault, Path file) {
        this.vault = vault;
        this.file = file;
        this.watch = new FileWatch(file, Duration.ofSeconds(1));
        this.lock = file.resolveSibling(FILE + ".lock");
    }

    static VaultEsprimKeys open(KeyVault vault, Path credentialsDirectory) {
        VaultEsprimKeys keys = new VaultEsprimKeys(vault, credentialsDirectory.resolve(FILE));
        synchronized (keys) {
            keys.refresh();
        }
        return keys;
    }

    /** Runs {@code change} holding the bindings' lock file: another CLI or server process changes them in turn. */
    private <T> T locked(java.util.function.Supplier<T> change) {
        try {
            Files.createDirectories(lock.getParent());
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                            lock, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                    java.nio.channels.FileLock ignored = ch.lock()) {
                watch.reset(); // another process may have changed them just now
                refresh();
                if (unreadable) {
                    throw new IllegalStateException(
                            "the ESPrim key bindings in " + file + " or the key vault cannot be read");
                }
                return change.get();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot lock " + lock);
        }
    }

    /** Where the keys live (for the key protection report). */
    String level() {
        return vault.level();
    }

    /**
     * A new key for {@code credential} (its kid and the one identity it is bound to): imported into the vault and
     * recorded; the key's bytes, for the caller to print once and zero. An existing kid is refused (never re-bound).
     */
    synchronized byte[] add(PskCredential credential) {
        return locked(() -> added(credential));
    }

    private byte[] added(PskCredential credential) {
        if (credential.allowed().size() != 1) {
            throw new IllegalArgumentException("a pairwise ESPrim key is bound to exactly one AE-ID or CSE-ID");
        }
        if (entries.containsKey(credential.identity())) {
            throw new IllegalArgumentException(
                    "the ESPrim key " + credential.identity() + " exists; revoke it first (a kid is never re-bound)");
        }
        Entry e = new Entry(credential.identity(), credential.allowed().get(0), credential.notAfter());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            vault.importSecretKey(e.alias(), key, "HmacSHA256");
            Map<String, Entry> next = new LinkedHashMap<>(entries);
            next.put(e.kid(), e);
            write(next);
            return key;
        } catch (RuntimeException ex) {
            java.util.Arrays.fill(key, (byte) 0);
            vault.deleteEntry(e.alias());
            throw ex;
        }
    }

    /** Removes the key from the vault and its binding; false when there was none. */
    synchronized boolean revoke(String kid) {
        return locked(() -> revoked(kid));
    }

    private boolean revoked(String kid) {
        Entry e = entries.get(kid);
        if (e == null) {
            return false;
        }
        Map<String, Entry> next = new LinkedHashMap<>(entries);
        next.remove(kid);
        write(next); // the binding goes first: a key without a binding proves nothing
        vault.deleteEntry(e.alias());
        return true;
    }

    synchronized List<PskCredential> list() {
        refresh();
        return entries.values().stream().map(Entry::credential).toList();
    }

    @Override
    public Optional<PairwiseKey> find(String kid, Instant now) {
        Entry e;
        synchronized (this) {
            refresh();
            e = entries.get(kid);
        }
        if (e == null || !e.validAt(now)) {
            return Optional.empty();
        }
        String alias = e.alias();
        try {
            if (!vault.keyStore().containsAlias(alias)) {
                return Optional.empty(); // bound, but the key is gone from the vault: it proves nothing
            }
        } catch (GeneralSecurityException ex) {
            return Optional.empty();
        }
        byte[] fingerprint;
        try {
            fingerprint = fingerprints.computeIfAbsent(alias, a -> hmac(a, FINGERPRINT_LABEL));
        } catch (RuntimeException ex) {
            return Optional.empty(); // the vault failed (logged): this kid proves nothing now
        }
        return Optional.of(PairwiseKey.held(kid, data -> hmac(alias, data), fingerprint, e.identity(), 13));
    }

    /** HMAC-SHA256 in the vault; a key gone meanwhile (revoked by the CLI) is an unknown key, not a fault. */
    private byte[] hmac(String alias, byte[] data) {
        try {
            return vault.hmacSha256(alias, data);
        } catch (RuntimeException e) {
            long now = System.currentTimeMillis();
            if (now - lastFaultLogged > 60_000) { // an outage is logged once a minute, not once per object
                lastFaultLogged = now;
                LOG.warning("the key vault " + vault.level() + " could not use an ESPrim key: "
                        + e.getClass().getSimpleName() + "; its objects are answered 4112 meanwhile");
            }
            throw new io.citadel.protocol.OneM2mException(
                    io.citadel.protocol.ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID,
                    "no valid pairwise ESPrim key of this kid");
        }
    }

    @Override
    public Optional<PairwiseKey> findFor(Predicate<String> identity, Instant now) {
        List<Entry> candidates;
        synchronized (this) {
            refresh();
            candidates = new ArrayList<>(entries.values());
        }
        return candidates.stream()
                .filter(e -> e.validAt(now) && identity.test(e.identity()))
                .map(e -> find(e.kid(), now))
                .flatMap(Optional::stream)
                .findFirst();
    }

    /**
     * Reads the bindings again when the file changed, and the vault with them (the CLI adds keys from another process).
     * Anything unreadable (the file, an entry in it, the vault) leaves nothing vouched for (fail closed) and is tried
     * again at the next look; it is logged, never thrown to a request.
     */
    private void refresh() {
        if (!watch.changed()) {
            return;
        }
        fingerprints.clear();
        try {
            Map<String, Entry> read = new LinkedHashMap<>();
            if (Files.exists(file)) {
                for (var n : JSON.readTree(file.toFile()).path("keys")) {
                    String notAfter = n.path("notAfter").asText(null);
                    Entry e = new Entry(
                            n.path("kid").asText(),
                            n.path("identity").asText(),
                            notAfter == null ? null : Instant.parse(notAfter));
                    e.credential(); // the same checks as for a new one: a kid, one AE-ID or CSE-ID
                    read.put(e.kid(), e);
                }
            }
            vault.reload();
            entries = Map.copyOf(read);
            unreadable = false;
        } catch (IOException | RuntimeException ex) {
            watch.retryLater();
            entries = Map.of();
            unreadable = true;
            LOG.warning("the ESPrim key bindings in " + file + " or the key vault cannot be read ("
                    + ex.getClass().getSimpleName() + "): no vault key is honoured until they can");
        }
    }

    private void write(Map<String, Entry> next) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Entry e : next.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kid", e.kid());
            m.put("identity", e.identity());
            if (e.notAfter() != null) {
                m.put("notAfter", e.notAfter().toString());
            }
            out.add(m);
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".esprim", ".json");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), Map.of("keys", out));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            throw new IllegalStateException("cannot write " + file);
        }
        entries = Map.copyOf(next);
        watch.reset();
        watch.changed(); // our own write: nothing to read again
    }
}
