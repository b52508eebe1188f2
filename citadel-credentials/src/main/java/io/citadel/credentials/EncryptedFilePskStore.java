package io.citadel.credentials;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The PSK credential store at the software level of the secure environment: keys in a password-protected
 * PKCS#12 file ({@code psk.p12}, PBE with AES-256), metadata (bound IDs, expiry) in {@code psk.json}; both
 * 0600, replaced atomically. Never a key in clear on disk. A running server re-reads the files within a
 * second of a change (add, rotate, revoke); a deleted store leaves no credential usable, nor does one that
 * cannot be read. Revocation, replacement (a rotated key included) and expiry are announced to the
 * {@link CredentialListener}s, whoever made the change (this process, the CLI, another CSE).
 * <p>An entry that does not pass today's checks (e.g. an allow-list entry that is not an identifier, written
 * by an older version or by hand) is not honoured: its handshakes fail, a warning names it and why, and it is
 * kept as it is on disk until it is revoked, so an operator can see and fix it.
 */
public final class EncryptedFilePskStore implements PskStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String KEYSTORE = "psk.p12";
    private static final String METADATA = "psk.json";
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("citadel.security");

    /** A stored entry that is not honoured: its metadata as stored, its key (kept for the file only), why. */
    private record Unusable(Map<?, ?> metadata, byte[] key, String reason) {}

    private final Path dir;
    private final char[] password;
    private volatile Map<String, PskCredential> credentials = Map.of();
    private volatile Map<String, byte[]> keys = Map.of();
    /** Stored entries that are not honoured, by identity: their metadata as stored and why. */
    private volatile Map<String, Unusable> unusable = Map.of();

    private final FileWatch watch;
    private final Vouching<String, PskCredential> vouching = new Vouching<>(this::check);

    private EncryptedFilePskStore(Path dir, char[] password) {
        this.dir = dir;
        this.password = password.clone();
        this.watch = new FileWatch(dir.resolve(METADATA), Duration.ofSeconds(1));
    }

    /** Opens (creating the directory 0700 if needed) and loads the store. */
    public static EncryptedFilePskStore open(Path dir, char[] password) {
        try {
            PrivateFiles.directory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        EncryptedFilePskStore store = new EncryptedFilePskStore(dir, password);
        store.refresh();
        return store;
    }

    @Override
    public Optional<PskCredential> lookup(String identity, Instant now) {
        vouching.announce(refresh());
        PskCredential c = credentials.get(identity);
        return c != null && c.validAt(now) ? Optional.of(c) : Optional.empty();
    }

    @Override
    public Optional<byte[]> key(String identity, Instant now) {
        return lookup(identity, now).map(c -> keys.get(identity)).map(byte[]::clone);
    }

    @Override
    public List<PskCredential> list() {
        vouching.announce(refresh());
        return List.copyOf(credentials.values());
    }

    @Override
    public Optional<String> unusable(String identity) {
        vouching.announce(refresh());
        Unusable u = unusable.get(identity);
        return u == null ? Optional.empty() : Optional.of(u.reason());
    }

    @Override
    public void addListener(CredentialListener listener) {
        vouching.add(listener);
    }

    @Override
    public void removeListener(CredentialListener listener) {
        vouching.remove(listener);
    }

    @Override
    public void put(PskCredential credential, byte[] key) {
        vouching.announce(store(credential, key));
    }

    @Override
    public boolean revoke(String identity) {
        List<PskCredential> gone = new ArrayList<>();
        boolean removed = remove(identity, gone);
        vouching.announce(gone);
        return removed;
    }

    private synchronized List<PskCredential> store(PskCredential credential, byte[] key) {
        if (key.length < 16 || key.length > 64) {
            throw new IllegalArgumentException("a PSK must be 16 to 64 bytes (128 to 512 bits)");
        }
        watch.reset();
        List<PskCredential> gone = new ArrayList<>(refresh());
        Map<String, PskCredential> c = new LinkedHashMap<>(credentials);
        Map<String, byte[]> k = new HashMap<>(keys);
        c.put(credential.identity(), credential);
        k.put(credential.identity(), key.clone());
        Map<String, Unusable> u = new LinkedHashMap<>(unusable);
        u.remove(credential.identity());
        unusable = u;
        gone.addAll(write(c, k));
        return gone;
    }

    /** Removes a credential, adding what is to be announced to {@code gone}; false when there was none. */
    private synchronized boolean remove(String identity, List<PskCredential> gone) {
        watch.reset();
        gone.addAll(refresh());
        if (!credentials.containsKey(identity) && !unusable.containsKey(identity)) {
            return false;
        }
        Map<String, PskCredential> c = new LinkedHashMap<>(credentials);
        Map<String, byte[]> k = new HashMap<>(keys);
        Map<String, Unusable> u = new LinkedHashMap<>(unusable);
        u.remove(identity);
        unusable = u;
        c.remove(identity);
        byte[] old = k.remove(identity);
        if (old != null) {
            Arrays.fill(old, (byte) 0);
        }
        gone.addAll(write(c, k));
        return true;
    }

    /**
     * Once a second while listened to: changes by other writers, expiry, and a store that can no longer be read
     * (it then vouches for nothing, so everything it vouched for is announced).
     */
    private void check() {
        List<PskCredential> gone;
        synchronized (this) {
            gone = new ArrayList<>();
            try {
                gone.addAll(refresh());
            } catch (IllegalStateException unreadable) {
                // refresh() forgot every credential: the comparison below announces them all
            }
            gone.addAll(vouching.update(usable(Instant.now()), Set.of()));
        }
        vouching.announce(gone);
    }

    private Map<String, PskCredential> usable(Instant now) {
        Map<String, PskCredential> usable = new LinkedHashMap<>(credentials);
        usable.values().removeIf(c -> !c.validAt(now));
        return usable;
    }

    /**
     * Re-reads the store when its files changed (checked at most once a second) and returns the credentials it
     * vouched for and no longer does as they were (to be announced outside the lock). A store that cannot be
     * read is forgotten (fail closed) and reported with an {@link IllegalStateException}.
     */
    private synchronized List<PskCredential> refresh() {
        if (!watch.changed()) {
            return List.of();
        }
        Path meta = watch.path();
        try {
            if (!Files.exists(meta)) {
                unusable = Map.of();
                replace(Map.of(), Map.of());
                return vouching.update(Map.of(), Set.of());
            }
            Map<String, PskCredential> c = new LinkedHashMap<>();
            Map<String, Map<?, ?>> refused = new LinkedHashMap<>();
            Map<String, String> reasons = new HashMap<>();
            Map<?, ?> root = JSON.readValue(meta.toFile(), Map.class);
            if (root.get("psk") instanceof List<?> list) {
                for (Object o : list) {
                    Map<?, ?> m = (Map<?, ?>) o;
                    String identity = String.valueOf(m.get("identity"));
                    Optional<String> problem =
                            m.get("allowed") instanceof List<?> a ? BoundOriginators.problem(a) : Optional.empty();
                    if (problem.isPresent()) { // one entry not honoured; anything else damaged fails the whole store
                        refused.put(identity, m);
                        reasons.put(identity, problem.get());
                        continue;
                    }
                    PskCredential cred = credential(m);
                    c.put(cred.identity(), cred);
                }
            }
            Map<String, byte[]> k = new HashMap<>();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve(KEYSTORE))) {
                ks.load(in, password);
            }
            Map<String, Unusable> u = new LinkedHashMap<>();
            for (String identity : c.keySet()) {
                byte[] key = storedKey(ks, identity);
                if (key != null) {
                    k.put(identity, key);
                }
            }
            for (Map.Entry<String, Map<?, ?>> e : refused.entrySet()) {
                u.put(e.getKey(), new Unusable(e.getValue(), storedKey(ks, e.getKey()), reasons.get(e.getKey())));
                LOG.warning("the PSK " + e.getKey() + " in " + meta + " is not honoured (its handshakes fail): "
                        + reasons.get(e.getKey()) + "; revoke it and add it again");
            }
            c.keySet().retainAll(k.keySet());
            unusable = Map.copyOf(u);
            Set<String> rekeyed = new HashSet<>();
            keys.forEach((identity, before) -> {
                if (k.containsKey(identity) && !Arrays.equals(before, k.get(identity))) {
                    rekeyed.add(identity);
                }
            });
            replace(c, k);
            return vouching.update(usable(Instant.now()), rekeyed);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            watch.retryLater();
            unusable = Map.of();
            replace(Map.of(), Map.of());
            throw new IllegalStateException("the PSK store in " + dir + " cannot be read (wrong password or damaged): "
                    + e.getClass().getSimpleName());
        }
    }

    private static PskCredential credential(Map<?, ?> m) {
        Instant notAfter = m.get("notAfter") instanceof String s ? Instant.parse(s) : null;
        List<String> allowed =
                ((List<?>) m.get("allowed")).stream().map(String::valueOf).toList();
        return new PskCredential(String.valueOf(m.get("identity")), allowed, notAfter);
    }

    private byte[] storedKey(KeyStore ks, String identity) throws GeneralSecurityException {
        if (!ks.containsAlias(alias(identity))) {
            return null;
        }
        var entry = ks.getEntry(alias(identity), new KeyStore.PasswordProtection(password));
        return entry instanceof KeyStore.SecretKeyEntry s ? s.getSecretKey().getEncoded() : null;
    }

    private void replace(Map<String, PskCredential> c, Map<String, byte[]> k) {
        Map<String, byte[]> previous = keys;
        credentials = Map.copyOf(c);
        keys = Map.copyOf(k);
        previous.values().forEach(b -> Arrays.fill(b, (byte) 0));
    }

    /** Writes the store and re-reads it; returns what is to be announced. */
    private List<PskCredential> write(Map<String, PskCredential> c, Map<String, byte[]> k) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, password);
            Map<String, byte[]> all = new HashMap<>(k);
            unusable.forEach((identity, u) -> {
                if (u.key() != null) {
                    all.put(identity, u.key());
                }
            });
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                SecretKey secret = new SecretKeySpec(e.getValue(), "HmacSHA256");
                ks.setEntry(
                        alias(e.getKey()),
                        new KeyStore.SecretKeyEntry(secret),
                        new KeyStore.PasswordProtection(password));
            }
            Path tmpKs = PrivateFiles.temporary(dir, ".p12");
            try (OutputStream out = Files.newOutputStream(tmpKs)) {
                ks.store(out, password);
            }
            List<Map<String, Object>> list = new ArrayList<>();
            for (PskCredential cred : c.values()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("identity", cred.identity());
                m.put("allowed", cred.allowed());
                if (cred.notAfter() != null) {
                    m.put("notAfter", cred.notAfter().toString());
                }
                list.add(m);
            }
            for (Unusable u : unusable.values()) { // kept as stored until revoked
                Map<String, Object> m = new LinkedHashMap<>();
                u.metadata().forEach((key, value) -> m.put(String.valueOf(key), value));
                list.add(m);
            }
            PrivateFiles.publish(tmpKs, dir.resolve(KEYSTORE));
            PrivateFiles.write(dir.resolve(METADATA), JSON.writeValueAsBytes(Map.of("psk", list)));
            watch.reset();
            return refresh();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the PSK store in " + dir + ": " + e.getMessage());
        }
    }

    /** PKCS#12 aliases are case-insensitive; KpsaIDs are not: use the hex of the identity. */
    private static String alias(String identity) {
        return "psk-" + HexFormat.of().formatHex(identity.getBytes(StandardCharsets.UTF_8));
    }
}
