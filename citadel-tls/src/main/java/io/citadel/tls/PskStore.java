package io.citadel.tls;

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
import io.citadel.security.FileWatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The PSK credential store at the software level of the secure environment: keys in a password-protected
 * PKCS#12 file ({@code psk.p12}, PBE with AES-256), metadata (bound IDs, expiry) in {@code psk.json}; both
 * 0600, replaced atomically. Never a key in clear on disk. A running server re-reads the files within a
 * second of a change (add, rotate, revoke); a deleted store leaves no credential usable.
 */
public final class PskStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String KEYSTORE = "psk.p12";
    private static final String METADATA = "psk.json";

    private final Path dir;
    private final char[] password;
    private volatile Map<String, PskCredential> credentials = Map.of();
    private volatile Map<String, byte[]> keys = Map.of();
    private final FileWatch watch;

    private PskStore(Path dir, char[] password) {
        this.dir = dir;
        this.password = password.clone();
        this.watch = new FileWatch(dir.resolve(METADATA), Duration.ofSeconds(1));
    }

    /** Opens (creating the directory 0700 if needed) and loads the store. */
    public static PskStore open(Path dir, char[] password) {
        try {
            PrivateFiles.directory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        PskStore store = new PskStore(dir, password);
        store.refresh();
        return store;
    }

    /** The credential for a psk_identity, if present, unexpired and not revoked. */
    public Optional<PskCredential> lookup(String identity, Instant now) {
        refresh();
        PskCredential c = credentials.get(identity);
        return c != null && c.validAt(now) ? Optional.of(c) : Optional.empty();
    }

    /**
     * What a session authenticated with {@code identity} proves (the Credential-ID and the normalised
     * originators the credential may act as); empty when the identity is unknown, expired or revoked.
     */
    public Optional<io.citadel.engine.SecurityAssociation> association(String identity, Instant now,
                                                                        java.util.function.UnaryOperator<String> normalize) {
        return lookup(identity, now).map(c -> new io.citadel.engine.SecurityAssociation(c.credentialId(),
                c.allowed().stream().map(normalize).collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new))));
    }

    /** A copy of the key (the caller zeroes it after use), if the credential is usable. */
    public Optional<byte[]> key(String identity, Instant now) {
        return lookup(identity, now).map(c -> keys.get(identity)).map(byte[]::clone);
    }

    public List<PskCredential> list() {
        refresh();
        return List.copyOf(credentials.values());
    }

    /** Adds or replaces (rotates) a credential. */
    public synchronized void put(PskCredential credential, byte[] key) {
        if (key.length < 16 || key.length > 64) {
            throw new IllegalArgumentException("a PSK must be 16 to 64 bytes (128 to 512 bits)");
        }
        watch.reset();
        refresh();
        Map<String, PskCredential> c = new LinkedHashMap<>(credentials);
        Map<String, byte[]> k = new HashMap<>(keys);
        c.put(credential.identity(), credential);
        k.put(credential.identity(), key.clone());
        write(c, k);
    }

    /** Removes a credential; live sessions that used it are closed by the server. */
    public synchronized boolean revoke(String identity) {
        watch.reset();
        refresh();
        if (!credentials.containsKey(identity)) {
            return false;
        }
        Map<String, PskCredential> c = new LinkedHashMap<>(credentials);
        Map<String, byte[]> k = new HashMap<>(keys);
        c.remove(identity);
        byte[] old = k.remove(identity);
        if (old != null) {
            Arrays.fill(old, (byte) 0);
        }
        write(c, k);
        return true;
    }

    /** Re-reads the store when its files changed (checked at most once a second). */
    private synchronized void refresh() {
        if (!watch.changed()) {
            return;
        }
        Path meta = watch.path();
        try {
            if (!Files.exists(meta)) {
                replace(Map.of(), Map.of());
                return;
            }
            Map<String, PskCredential> c = new LinkedHashMap<>();
            Map<?, ?> root = JSON.readValue(meta.toFile(), Map.class);
            if (root.get("psk") instanceof List<?> list) {
                for (Object o : list) {
                    Map<?, ?> m = (Map<?, ?>) o;
                    Instant notAfter = m.get("notAfter") instanceof String s ? Instant.parse(s) : null;
                    List<String> allowed = ((List<?>) m.get("allowed")).stream().map(String::valueOf).toList();
                    PskCredential cred = new PskCredential(String.valueOf(m.get("identity")), allowed, notAfter);
                    c.put(cred.identity(), cred);
                }
            }
            Map<String, byte[]> k = new HashMap<>();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve(KEYSTORE))) {
                ks.load(in, password);
            }
            for (String identity : c.keySet()) {
                var entry = ks.getEntry(alias(identity), new KeyStore.PasswordProtection(password));
                if (entry instanceof KeyStore.SecretKeyEntry s) {
                    k.put(identity, s.getSecretKey().getEncoded());
                }
            }
            c.keySet().retainAll(k.keySet());
            replace(c, k);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            watch.retryLater();
            throw new IllegalStateException("the PSK store in " + dir + " cannot be read (wrong password or damaged): "
                    + e.getClass().getSimpleName());
        }
    }

    private void replace(Map<String, PskCredential> c, Map<String, byte[]> k) {
        Map<String, byte[]> previous = keys;
        credentials = Map.copyOf(c);
        keys = Map.copyOf(k);
        previous.values().forEach(b -> Arrays.fill(b, (byte) 0));
    }

    private void write(Map<String, PskCredential> c, Map<String, byte[]> k) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, password);
            for (Map.Entry<String, byte[]> e : k.entrySet()) {
                SecretKey secret = new SecretKeySpec(e.getValue(), "HmacSHA256");
                ks.setEntry(alias(e.getKey()), new KeyStore.SecretKeyEntry(secret), new KeyStore.PasswordProtection(password));
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
            PrivateFiles.publish(tmpKs, dir.resolve(KEYSTORE));
            PrivateFiles.write(dir.resolve(METADATA), JSON.writeValueAsBytes(Map.of("psk", list)));
            watch.reset();
            refresh();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the PSK store in " + dir + ": " + e.getMessage());
        }
    }

    /** PKCS#12 aliases are case-insensitive; KpsaIDs are not: use the hex of the identity. */
    private static String alias(String identity) {
        return "psk-" + HexFormat.of().formatHex(identity.getBytes(StandardCharsets.UTF_8));
    }
}
