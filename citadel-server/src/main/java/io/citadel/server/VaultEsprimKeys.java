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
        /** The vault alias: derived from the kid (aliases take fewer characters than kids). */
        String alias() {
            try {
                byte[] h = MessageDigest.getInstance("SHA-256").digest(kid.getBytes(StandardCharsets.UTF_8));
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

    private final KeyVault vault;
    private final Path file;
    private final FileWatch watch;
    private Map<String, Entry> entries = Map.of();

    private VaultEsprimKeys(KeyVault vault, Path file) {
        this.vault = vault;
        this.file = file;
        this.watch = new FileWatch(file, Duration.ofSeconds(1));
    }

    static VaultEsprimKeys open(KeyVault vault, Path credentialsDirectory) {
        VaultEsprimKeys keys = new VaultEsprimKeys(vault, credentialsDirectory.resolve(FILE));
        keys.refresh();
        return keys;
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
        refresh();
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
        refresh();
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
        return Optional.of(PairwiseKey.held(kid, data -> hmac(alias, data), e.identity(), 13));
    }

    /** HMAC-SHA256 in the vault; a key gone meanwhile (revoked by the CLI) is an unknown key, not a fault. */
    private byte[] hmac(String alias, byte[] data) {
        try {
            return vault.hmacSha256(alias, data);
        } catch (RuntimeException e) {
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

    /** Reads the bindings again when the file changed, and the vault with them (the CLI adds keys from another process). */
    private void refresh() {
        if (!watch.changed()) {
            return;
        }
        Map<String, Entry> read = new LinkedHashMap<>();
        if (Files.exists(file)) {
            try {
                for (var n : JSON.readTree(file.toFile()).path("keys")) {
                    String notAfter = n.path("notAfter").asText(null);
                    Entry e = new Entry(
                            n.path("kid").asText(),
                            n.path("identity").asText(),
                            notAfter == null ? null : Instant.parse(notAfter));
                    read.put(e.kid(), e);
                }
            } catch (IOException | RuntimeException ex) {
                watch.retryLater();
                entries = Map.of(); // unreadable: nothing is vouched for (fail closed)
                throw new IllegalStateException("the ESPrim key bindings in " + file + " cannot be read");
            }
        }
        vault.reload();
        entries = Map.copyOf(read);
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
