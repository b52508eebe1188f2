package io.citadel.credentials;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pre-shared keys of a service that holds many and adds them often (a MEF's enrolment keys, a MAF's registered
 * keys): one file ({@code sealed.json}, 0600, replaced atomically), each key sealed with AES-256-GCM under a data key
 * derived once, when the store opens, from its password (PBKDF2-HMAC-SHA256, 310,000 iterations, random salt kept in
 * the file), the identity, the originators it may act as and its expiry as associated data (a sealed key moved to another identity, re-bound or prolonged does not open). Adding a key
 * costs one AES-GCM operation and one file write, whatever the number of keys: the PKCS#12 store
 * ({@link EncryptedFilePskStore}) re-encrypts every entry with its own password-based key on each write, which suits
 * a CSE's handful of operator-made keys, not thousands. This store has one writer, the service that opened it:
 * other processes do not change it. Expired entries are dropped at the next write.
 */
public final class SealedFilePskStore implements PskStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ITERATIONS = 310_000;
    private static final String FILE = "sealed.json";

    private record Entry(PskCredential credential, byte[] iv, byte[] sealed) {}

    /** Sealed in every file, so that a wrong password is found at open even when the store holds no key. */
    private static final PskCredential CHECK = new PskCredential("check@sealed.store", List.of("Ccheck"), null);

    private final Path file;
    private final SecretKey dataKey;
    private final byte[] salt;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<CredentialListener> listeners = new CopyOnWriteArrayList<>();

    private SealedFilePskStore(Path file, SecretKey dataKey, byte[] salt) {
        this.file = file;
        this.dataKey = dataKey;
        this.salt = salt;
    }

    /** Opens (creating the directory 0700 and the file if needed) the store in {@code dir}; a wrong password fails. */
    public static SealedFilePskStore open(Path dir, char[] password) {
        try {
            PrivateFiles.directory(dir);
            Path file = dir.resolve(FILE);
            if (!Files.exists(file)) {
                byte[] salt = new byte[16];
                RANDOM.nextBytes(salt);
                SealedFilePskStore store = new SealedFilePskStore(file, derive(password, salt), salt);
                store.save();
                return store;
            }
            Map<?, ?> all = JSON.readValue(file.toFile(), Map.class);
            byte[] salt = Base64.getDecoder().decode((String) all.get("salt"));
            SealedFilePskStore store = new SealedFilePskStore(file, derive(password, salt), salt);
            if (all.get("check") instanceof Map<?, ?> check) {
                Arrays.fill(
                        store.open(new Entry(
                                CHECK,
                                Base64.getDecoder().decode((String) check.get("iv")),
                                Base64.getDecoder().decode((String) check.get("sealed")))),
                        (byte) 0);
            }
            for (Object o : (List<?>) all.get("keys")) {
                Map<?, ?> row = (Map<?, ?>) o;
                List<String> allowed = new ArrayList<>();
                ((List<?>) row.get("allowed")).forEach(a -> allowed.add((String) a));
                Object until = row.get("notAfter");
                PskCredential c = new PskCredential(
                        (String) row.get("identity"), allowed, until == null ? null : Instant.parse((String) until));
                Entry e = new Entry(
                        c,
                        Base64.getDecoder().decode((String) row.get("iv")),
                        Base64.getDecoder().decode((String) row.get("sealed")));
                store.entries.put(c.identity(), e);
            }
            store.check();
            return store;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the key store in " + dir + " cannot be read: " + e.getMessage());
        }
    }

    /** Opens one entry, so that a wrong password is found at open, not at the first handshake. */
    private void check() {
        entries.values().stream().findFirst().ifPresent(e -> Arrays.fill(open(e), (byte) 0));
    }

    private static SecretKey derive(char[] password, byte[] salt) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, ITERATIONS, 256);
            byte[] bytes = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
            spec.clearPassword();
            try {
                return new SecretKeySpec(bytes, "AES");
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 is unavailable", e);
        }
    }

    private byte[] open(Entry e) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, dataKey, new GCMParameterSpec(128, e.iv()));
            c.updateAAD(associatedData(e.credential()));
            return c.doFinal(e.sealed());
        } catch (GeneralSecurityException bad) {
            throw new IllegalStateException("a sealed key does not open: wrong password or damaged store");
        }
    }

    private Entry seal(PskCredential credential, byte[] key) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, dataKey, new GCMParameterSpec(128, iv));
            c.updateAAD(associatedData(credential));
            return new Entry(credential, iv, c.doFinal(key));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a key", e);
        }
    }

    /**
     * What a sealed key is bound to: its identity, the originators it may act as and its expiry, so that none of them
     * can be changed in the file without the key failing to open.
     */
    private static byte[] associatedData(PskCredential c) {
        StringBuilder b = new StringBuilder();
        b.append(c.identity().length()).append(':').append(c.identity());
        for (String a : c.allowed()) {
            b.append(a.length()).append(':').append(a);
        }
        b.append(';').append(c.notAfter() == null ? "-" : c.notAfter().toString());
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized Optional<PskCredential> lookup(String identity, Instant now) {
        Entry e = entries.get(identity);
        return e != null && e.credential().validAt(now) ? Optional.of(e.credential()) : Optional.empty();
    }

    @Override
    public synchronized Optional<byte[]> key(String identity, Instant now) {
        Entry e = entries.get(identity);
        return e != null && e.credential().validAt(now) ? Optional.of(open(e)) : Optional.empty();
    }

    @Override
    public Optional<String> unusable(String identity) {
        return Optional.empty();
    }

    @Override
    public void put(PskCredential credential, byte[] key) {
        if (key == null || key.length < 16 || key.length > 64) {
            throw new IllegalArgumentException("a key has 16 to 64 bytes");
        }
        Entry before;
        synchronized (this) {
            before = entries.put(credential.identity(), seal(credential, key));
            try {
                save();
            } catch (UncheckedIOException e) {
                restore(credential.identity(), before);
                throw e;
            }
        }
        if (before != null) {
            announce(before.credential());
        }
    }

    @Override
    public boolean revoke(String identity) {
        Entry before;
        synchronized (this) {
            before = entries.remove(identity);
            if (before == null) {
                return false;
            }
            try {
                save();
            } catch (UncheckedIOException e) {
                entries.put(identity, before);
                throw e;
            }
        }
        announce(before.credential());
        return true;
    }

    private void restore(String identity, Entry before) {
        if (before == null) {
            entries.remove(identity);
        } else {
            entries.put(identity, before);
        }
    }

    @Override
    public synchronized List<PskCredential> list() {
        return entries.values().stream().map(Entry::credential).toList();
    }

    @Override
    public void addListener(CredentialListener listener) {
        if (!listeners.contains(listener)) {
            listeners.add(listener);
        }
    }

    @Override
    public void removeListener(CredentialListener listener) {
        listeners.remove(listener);
    }

    private void announce(PskCredential c) {
        listeners.forEach(l -> l.revoked(c));
    }

    /** Writes the file (expired entries left out); a failed write throws {@link UncheckedIOException}. */
    private void save() {
        Instant now = Instant.now();
        entries.values().removeIf(e -> !e.credential().validAt(now));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Entry e : entries.values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("identity", e.credential().identity());
            row.put("allowed", e.credential().allowed());
            row.put(
                    "notAfter",
                    e.credential().notAfter() == null
                            ? null
                            : e.credential().notAfter().toString());
            row.put("iv", Base64.getEncoder().encodeToString(e.iv()));
            row.put("sealed", Base64.getEncoder().encodeToString(e.sealed()));
            rows.add(row);
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("format", "citadel-sealed-keys-1 (AES-256-GCM, PBKDF2-HMAC-SHA256 " + ITERATIONS + ")");
        all.put("salt", Base64.getEncoder().encodeToString(salt));
        Entry check = seal(CHECK, new byte[16]);
        all.put(
                "check",
                Map.of(
                        "iv",
                        Base64.getEncoder().encodeToString(check.iv()),
                        "sealed",
                        Base64.getEncoder().encodeToString(check.sealed())));
        all.put("keys", rows);
        try {
            PrivateFiles.write(file, JSON.writeValueAsBytes(all));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the key store " + file, e);
        }
    }
}
