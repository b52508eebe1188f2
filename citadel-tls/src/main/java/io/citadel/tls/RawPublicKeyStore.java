package io.citadel.tls;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.citadel.engine.SecurityAssociation;
import io.citadel.security.FileWatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The trusted raw public keys (RFC 7250) of the credential store, by RFC 6920 identifier, in
 * {@code rpk.json} (0600, in the store's 0700 directory, replaced atomically). Holds no secret, but adding
 * an entry grants access, so it lives with the other credentials. A running server re-reads it within a
 * second of a change; a revoked or expired key stops working at the peer's next request.
 * <p>An entry that does not pass today's checks (e.g. an allow-list entry that is not an identifier) is not
 * honoured: a warning names it and why, and it is kept as stored until it is revoked.
 */
public final class RawPublicKeyStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String FILE = "rpk.json";
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("citadel.security");

    private final Path dir;
    private final FileWatch watch;
    private volatile Map<RawPublicKeyId, RawPublicKeyCredential> credentials = Map.of();
    /** Stored entries that are not honoured, by their stored id text: the metadata as stored. */
    private volatile Map<String, Map<?, ?>> unusable = Map.of();
    private volatile Map<String, String> unusableReasons = Map.of();

    private RawPublicKeyStore(Path dir) {
        this.dir = dir;
        this.watch = new FileWatch(dir.resolve(FILE), Duration.ofSeconds(1));
    }

    /** Opens (creating the directory 0700 if needed) and loads the store. */
    public static RawPublicKeyStore open(Path dir) {
        try {
            PrivateFiles.directory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        RawPublicKeyStore store = new RawPublicKeyStore(dir);
        store.refresh();
        return store;
    }

    /** Whether any raw public key is trusted (a listener offers RFC 7250 only then). */
    public boolean isEmpty() {
        refresh();
        return credentials.isEmpty();
    }

    /** The usable credential whose identifier (any of the three digest lengths) names this SubjectPublicKeyInfo. */
    public Optional<RawPublicKeyCredential> lookup(byte[] subjectPublicKeyInfo, Instant now) {
        refresh();
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

    /** What a session authenticated with this key proves: its Credential-ID (type 30) and the originators bound to it. */
    public Optional<SecurityAssociation> association(byte[] subjectPublicKeyInfo, Instant now, UnaryOperator<String> normalize) {
        return lookup(subjectPublicKeyInfo, now).map(c -> new SecurityAssociation(c.id().credentialId(),
                c.allowed().stream().map(normalize).collect(Collectors.toCollection(LinkedHashSet::new))));
    }

    public List<RawPublicKeyCredential> list() {
        refresh();
        return List.copyOf(credentials.values());
    }

    /** Why the stored entry with identifier {@code id} is not honoured, if it is such an entry. */
    public Optional<String> unusable(RawPublicKeyId id) {
        refresh();
        return Optional.ofNullable(unusableReasons.get(id.toString()));
    }

    /** Adds or replaces a trusted key. */
    public synchronized void put(RawPublicKeyCredential credential) {
        watch.reset();
        refresh();
        Map<RawPublicKeyId, RawPublicKeyCredential> c = new LinkedHashMap<>(credentials);
        c.put(credential.id(), credential);
        forget(credential.id());
        write(c);
    }

    /** Removes a trusted key; sessions that used it fail at their next request. */
    public synchronized boolean revoke(RawPublicKeyId id) {
        watch.reset();
        refresh();
        if (!credentials.containsKey(id) && !unusable.containsKey(id.toString())) {
            return false;
        }
        Map<RawPublicKeyId, RawPublicKeyCredential> c = new LinkedHashMap<>(credentials);
        c.remove(id);
        forget(id);
        write(c);
        return true;
    }

    private synchronized void refresh() {
        if (!watch.changed()) {
            return;
        }
        Path file = watch.path();
        try {
            if (!Files.exists(file)) {
                credentials = Map.of();
                unusable = Map.of();
                unusableReasons = Map.of();
                return;
            }
            Map<RawPublicKeyId, RawPublicKeyCredential> c = new LinkedHashMap<>();
            Map<String, Map<?, ?>> refused = new LinkedHashMap<>();
            Map<String, String> reasons = new LinkedHashMap<>();
            Map<?, ?> root = JSON.readValue(file.toFile(), Map.class);
            if (root.get("rpk") instanceof List<?> list) {
                for (Object o : list) {
                    Map<?, ?> m = (Map<?, ?>) o;
                    RawPublicKeyId id = RawPublicKeyId.parse(String.valueOf(m.get("id")));
                    Optional<String> problem = m.get("allowed") instanceof List<?> a ? BoundOriginators.problem(a) : Optional.empty();
                    if (problem.isPresent()) { // one entry not honoured; anything else damaged fails the whole store
                        refused.put(id.toString(), m);
                        reasons.put(id.toString(), problem.get());
                        LOG.warning("the raw public key " + id + " in " + file + " is not honoured (its handshakes fail): "
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
        } catch (IOException | RuntimeException e) {
            credentials = Map.of();
            watch.retryLater();
            throw new IllegalStateException("the raw public key store " + file + " cannot be read (damaged): "
                    + e.getClass().getSimpleName());
        }
    }

    private static RawPublicKeyCredential credential(Map<?, ?> m) {
        Instant notAfter = m.get("notAfter") instanceof String s ? Instant.parse(s) : null;
        List<String> allowed = ((List<?>) m.get("allowed")).stream().map(String::valueOf).toList();
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

    private void write(Map<RawPublicKeyId, RawPublicKeyCredential> c) {
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
        refresh();
    }
}
