package io.citadel.store.jdbc;

import io.citadel.engine.resources.Resource;
import io.citadel.protocol.ResourceType;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts each row's body (AES-256-GCM, the resource ID as associated data) under a key derived from the keys of
 * its two possible data subjects: the {@code <AE>} it sits under, and its creator. Destroying either subject's key
 * makes the row unreadable. The stored body is {@code enc1:<AE key id or ->:<creator key id>:<base64 iv|ciphertext>};
 * a body written before the keys existed, or of a resource without a data subject (a CSE's own, outside any AE), is
 * plain JSON and is read as such. Names and paths stay in clear (indexed).
 */
final class SubjectCipher {
    private static final String PREFIX = "enc1:";
    private static final byte[] LABEL = "citadel row key v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** One AES-GCM instance per thread: looking the algorithm up costs more than encrypting a body. */
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    private final SubjectKeyRing ring;
    /** Raised by every destruction: a row key derived before it is not cached after it. */
    private final AtomicLong generation = new AtomicLong();

    private final Map<String, SecretKeySpec> rowKeys =
            java.util.Collections.synchronizedMap(new LinkedHashMap<String, SecretKeySpec>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, SecretKeySpec> eldest) {
                    return size() > 10_000;
                }
            });
    /** Rows of erased subjects met while reading (resource ID → path), to be deleted. */
    private final Map<String, String> erasedSeen = new ConcurrentHashMap<>();

    SubjectCipher(SubjectKeyRing ring) {
        this.ring = ring;
    }

    /** A row whose data subject was erased: its key was destroyed (a restored backup holds such rows). */
    static final class ErasedRow extends SQLException {
        ErasedRow(String ri) {
            super("row " + ri + " belongs to an erased data subject");
        }
    }

    /** A row under a subject key the key file never had: the key file does not belong with this database. */
    static final class UnknownKey extends SQLException {
        UnknownKey(String ri) {
            super("row " + ri + " is encrypted under a subject key the key file does not have:"
                    + " the key file does not belong with this database");
        }
    }

    /**
     * The body to store for {@code r}: encrypted when it has a data subject (it sits under an {@code <AE>}, or an AE
     * created it), in clear when a CSE made it outside any AE (the CSEBase, a registration): no one's personal data.
     *
     * @param aeAtPath the resource ID of the {@code <AE>} at a path as the writer sees the database, or null
     */
    String seal(Resource r, String json, Function<String, String> aeAtPath) throws SQLException {
        String ae = aeOf(r, aeAtPath);
        if (ae == null && (r.creator() == null || io.citadel.engine.pipeline.IdentifyStage.isCseId(r.creator()))) {
            return json;
        }
        String aeId = ae == null ? "-" : ring.currentId(SubjectKeyRing.aeOwner(ae));
        String crId = ring.currentId(SubjectKeyRing.creatorOwner(r.creator()));
        SecretKeySpec key = rowKey(aeId, crId)
                .orElseThrow(() ->
                        new SQLException("the subject key of row " + r.ri() + " was destroyed as it was written"));
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher c = GCM.get();
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            c.updateAAD(r.ri().getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(json.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + ct.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(ct, 0, out, iv.length, ct.length);
            return PREFIX + aeId + ":" + crId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new SQLException("cannot encrypt the row of " + r.ri(), e);
        }
    }

    /**
     * The JSON of a stored body. A body under a destroyed key is an {@link ErasedRow}; one under a key the key file
     * never had (another database's key file), or altered, is refused.
     */
    String open(String ri, String stored) throws SQLException {
        if (!stored.startsWith(PREFIX)) {
            return stored;
        }
        String[] parts = stored.substring(PREFIX.length()).split(":", 3);
        if (parts.length != 3) {
            throw new SQLException("row " + ri + " has a malformed encrypted body");
        }
        Optional<SecretKeySpec> key = rowKey(parts[0], parts[1]);
        if (key.isEmpty()) {
            if (ring.wasDestroyed(parts[0]) || ring.wasDestroyed(parts[1])) {
                throw new ErasedRow(ri);
            }
            throw new UnknownKey(ri);
        }
        try {
            byte[] in = Base64.getDecoder().decode(parts[2]);
            Cipher c = GCM.get();
            c.init(Cipher.DECRYPT_MODE, key.get(), new GCMParameterSpec(128, in, 0, 12));
            c.updateAAD(ri.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SQLException("row " + ri + " cannot be decrypted");
        }
    }

    /** Notes a row of an erased subject met while reading. */
    void sawErased(String ri, String path) {
        if (erasedSeen.size() < 10_000) {
            erasedSeen.put(ri, path);
        }
    }

    /** The rows of erased subjects met since the last call (resource ID → path), forgotten here. */
    Map<String, String> takeErased() {
        if (erasedSeen.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String ri : List.copyOf(erasedSeen.keySet())) {
            String path = erasedSeen.remove(ri);
            if (path != null) {
                out.put(ri, path);
            }
        }
        return out;
    }

    /**
     * Destroys the current keys of the {@code <AE>} {@code aeResourceId} (may be null) and of {@code creator}: rows
     * that used them can no longer be read, anywhere; the next rows of either get new keys.
     */
    int destroy(String aeResourceId, String creator) {
        int n = 0;
        synchronized (rowKeys) {
            generation.incrementAndGet();
        }
        if (aeResourceId != null && ring.destroy(SubjectKeyRing.aeOwner(aeResourceId))) {
            n++;
        }
        if (creator != null && ring.destroy(SubjectKeyRing.creatorOwner(creator))) {
            n++;
        }
        synchronized (rowKeys) { // with the check-and-put of rowKey: no key derived before this stays cached
            generation.incrementAndGet();
            rowKeys.clear();
        }
        return n;
    }

    /** The resource ID of the {@code <AE>} {@code r} sits under (or is). */
    private static String aeOf(Resource r, Function<String, String> aeAtPath) {
        if (r.type() == ResourceType.AE) {
            return r.ri();
        }
        String path = r.path();
        int first = path.indexOf('/');
        int second = first < 0 ? -1 : path.indexOf('/', first + 1);
        return second < 0 ? null : aeAtPath.apply(path.substring(0, second));
    }

    private Optional<SecretKeySpec> rowKey(String aeId, String crId) {
        String name = aeId + ":" + crId;
        SecretKeySpec cached = rowKeys.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        long before = generation.get();
        Optional<byte[]> creatorKey = ring.key(crId);
        Optional<byte[]> aeKey = aeId.equals("-") ? Optional.of(new byte[0]) : ring.key(aeId);
        if (creatorKey.isEmpty() || aeKey.isEmpty()) {
            return Optional.empty();
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(creatorKey.get(), "HmacSHA256"));
            mac.update(LABEL);
            mac.update(aeKey.get());
            SecretKeySpec key = new SecretKeySpec(mac.doFinal(), "AES");
            java.util.Arrays.fill(creatorKey.get(), (byte) 0);
            java.util.Arrays.fill(aeKey.get(), (byte) 0);
            synchronized (rowKeys) {
                if (generation.get() == before) { // no destruction meanwhile: safe to keep
                    rowKeys.put(name, key);
                }
            }
            return Optional.of(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
