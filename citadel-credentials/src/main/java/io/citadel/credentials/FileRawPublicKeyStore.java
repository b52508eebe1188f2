package io.citadel.credentials;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The trusted raw public keys (RFC 7250) of the credential store, by RFC 6920 identifier, in
 * {@code rpk.json} (0600, in the store's 0700 directory, replaced atomically). Holds no secret, but adding
 * an entry grants access, so it lives with the other credentials. A running server re-reads it within a
 * second of a change; a revoked or expired key stops working at the peer's next request. Revocation,
 * replacement and expiry are announced to the {@link CredentialListener}s, whoever made the change.
 * <p>An entry that does not pass today's checks (e.g. an allow-list entry that is not an identifier) is not
 * honoured: a warning names it and why, and it is kept as stored until it is revoked.
 */
public final class FileRawPublicKeyStore implements RawPublicKeyStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String FILE = "rpk.json";
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("citadel.security");

    private final Path dir;
    private final FileWatch watch;
    private volatile Map<RawPublicKeyId, RawPublicKeyCredential> credentials = Map.of();
    /** Stored entries that are not honoured, by their stored id text: the metadata as stored. */
    private volatile Map<String, Map<?, ?>> unusable = Map.of();

    private volatile Map<String, String> unusableReasons = Map.of();
    private final Vouching<RawPublicKeyId, RawPublicKeyCredential> vouching = new Vouching<>(this::check);

    private FileRawPublicKeyStore(Path dir) {
        this.dir = dir;
        this.watch = new FileWatch(dir.resolve(FILE), Duration.ofSeconds(1));
    }

    /** Opens (creating the directory 0700 if needed) and loads the store. */
    public static FileRawPublicKeyStore open(Path dir) {
        try {
            PrivateFiles.directory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        FileRawPublicKeyStore store = new FileRawPublicKeyStore(dir);
        store.refresh();
        return store;
    }

    @Override
    public boolean isEmpty() {
        vouching.announce(refresh());
        return credentials.isEmpty();
    }

    @Override
    public Optional<RawPublicKeyCredential> lookup(byte[] subjectPublicKeyInfo, Instant now) {
        vouching.announce(refresh());
        Map<RawPublicKeyId, RawPublicKeyCredential> current = credentials;
        if (current.isEmpty()) {
            return Optional.empty();
        }
        for (RawPublicKeyId id : RawPublicKeyId.candidates(subjectPublicKeyInfo)) {
            RawPublicKeyCredential c = current.get(id);
            if (c != null) {
                return c.validAt(now) ? Optional.of(c) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Override
    public List<RawPublicKeyCredential> list() {
        vouching.announce(refresh());
        return List.copyOf(credentials.values());
    }

    @Override
    public Optional<String> unusable(RawPublicKeyId id) {
        vouching.announce(refresh());
        return Optional.ofNullable(unusableReasons.get(id.toString()));
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
    public void put(RawPublicKeyCredential credential) {
        vouching.announce(store(credential));
    }

    @Override
    public boolean revoke(RawPublicKeyId id) {
        List<RawPublicKeyCredential> gone = new ArrayList<>();
        boolean removed = remove(id, gone);
        vouching.announce(gone);
        return removed;
    }

    private synchronized List<RawPublicKeyCredential> store(RawPublicKeyCredential credential) {
        watch.reset();
        List<RawPublicKeyCredential> gone = new ArrayList<>(refresh());
        Map<RawPublicKeyId, RawPublicKeyCredential> c = new LinkedHashMap<>(credentials);
        c.put(credential.id(), credential);
        forget(credential.id());
        gone.addAll(write(c));
        return gone;
    }

    /** Removes a trusted key, adding what is to be announced to {@code gone}; false when there was none. */
    private synchronized boolean remove(RawPublicKeyId id, List<RawPublicKeyCredential> gone) {
        watch.reset();
        gone.addAll(refresh());
        if (!credentials.containsKey(id) && !unusable.containsKey(id.toString())) {
            return false;
        }
        Map<RawPublicKeyId, RawPublicKeyCredential> c = new LinkedHashMap<>(credentials);
        c.remove(id);
        forget(id);
        gone.addAll(write(c));
        return true;
    }

    /**
     * Once a second while listened to: changes by other writers, expiry, and a store that can no longer be read
     * (it then trusts nothing, so every key it vouched for is announced).
     */
    private void check() {
        List<RawPublicKeyCredential> gone;
        synchronized (this) {
            gone = new ArrayList<>();
            try {
                gone.addAll(refresh());
            } catch (IllegalStateException unreadable) {
                // refresh() forgot every key: the comparison below announces them all
            }
            gone.addAll(vouching.update(usable(Instant.now()), Set.of()));
        }
        vouching.announce(gone);
    }

    private Map<RawPublicKeyId, RawPublicKeyCredential> usable(Instant now) {
        Map<RawPublicKeyId, RawPublicKeyCredential> usable = new LinkedHashMap<>(credentials);
        usable.values().removeIf(c -> !c.validAt(now));
        return usable;
    }

    /**
     * Re-reads the file when it changed (checked at most once a second) and returns the keys it vouched for and
     * no longer does as they were (to be announced outside the lock). A file that cannot be read leaves no key
     * trusted (fail closed) and is reported with an {@link IllegalStateException}.
     */
    private synchronized List<RawPublicKeyCredential> refresh() {
        if (!watch.changed()) {
            return List.of();
        }
        Path file = watch.path();
        try {
            if (!Files.exists(file)) {
                credentials = Map.of();
                unusable = Map.of();
                unusableReasons = Map.of();
                return vouching.update(Map.of(), Set.of());
            }
            Map<RawPublicKeyId, RawPublicKeyCredential> c = new LinkedHashMap<>();
            Map<String, Map<?, ?>> refused = new LinkedHashMap<>();
            Map<String, String> reasons = new LinkedHashMap<>();
            Map<?, ?> root = JSON.readValue(file.toFile(), Map.class);
            if (root.get("rpk") instanceof List<?> list) {
                for (Object o : list) {
                    Map<?, ?> m = (Map<?, ?>) o;
                    RawPublicKeyId id = RawPublicKeyId.parse(String.valueOf(m.get("id")));
                    Optional<String> problem =
                            m.get("allowed") instanceof List<?> a ? BoundOriginators.problem(a) : Optional.empty();
                    if (problem.isPresent()) { // one entry not honoured; anything else damaged fails the whole store
                        refused.put(id.toString(), m);
                        reasons.put(id.toString(), problem.get());
                        LOG.warning(
                                "the raw public key " + id + " in " + file + " is not honoured (its handshakes fail): "
                                        + problem.get() + "; revoke it and add it again");
                        continue;
                    }
                    RawPublicKeyCredential cred = credential(m);
                    c.put(cred.id(), cred);
                }
            }
            credentials = Map.copyOf(c);
            unusable = Map.copyOf(refused);
            unusableReasons = Map.copyOf(reasons);
            return vouching.update(usable(Instant.now()), Set.of());
        } catch (IOException | RuntimeException e) {
            credentials = Map.of();
            watch.retryLater();
            throw new IllegalStateException("the raw public key store " + file + " cannot be read (damaged): "
                    + e.getClass().getSimpleName());
        }
    }

    private static RawPublicKeyCredential credential(Map<?, ?> m) {
        Instant notAfter = m.get("notAfter") instanceof String s ? Instant.parse(s) : null;
        List<String> allowed =
                ((List<?>) m.get("allowed")).stream().map(String::valueOf).toList();
        return new RawPublicKeyCredential(RawPublicKeyId.parse(String.valueOf(m.get("id"))), allowed, notAfter);
    }

    private void forget(RawPublicKeyId id) {
        Map<String, Map<?, ?>> u = new LinkedHashMap<>(unusable);
        Map<String, String> r = new LinkedHashMap<>(unusableReasons);
        u.remove(id.toString());
        r.remove(id.toString());
        unusable = u;
        unusableReasons = r;
    }

    /** Writes the file and re-reads it; returns what is to be announced. */
    private List<RawPublicKeyCredential> write(Map<RawPublicKeyId, RawPublicKeyCredential> c) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (RawPublicKeyCredential cred : c.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", cred.id().toString());
            m.put("allowed", cred.allowed());
            if (cred.notAfter() != null) {
                m.put("notAfter", cred.notAfter().toString());
            }
            list.add(m);
        }
        for (Map<?, ?> stored : unusable.values()) { // kept as stored until revoked
            Map<String, Object> m = new LinkedHashMap<>();
            stored.forEach((key, value) -> m.put(String.valueOf(key), value));
            list.add(m);
        }
        try {
            PrivateFiles.write(dir.resolve(FILE), JSON.writeValueAsBytes(Map.of("rpk", list)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the raw public key store in " + dir + ": " + e.getMessage());
        }
        watch.reset();
        return refresh();
    }
}
