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
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts each row's body (AES-256-GCM, the resource ID as associated data) under a key derived from the keys of
 * its two possible data subjects: the {@code <AE>} it sits under, and its creator. Destroying either subject's key
 * makes the row unreadable. The stored body is {@code enc1:<ae key id or ->:<creator key id>:<base64 iv|ciphertext>};
 * a body written before the keys existed, or of a resource without a data subject, is plain JSON and is read as such.
 * Names and paths stay in clear (indexed).
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
    /** The {@code <AE>}s by path ({@code cse-in/x} → its resource ID): whose subtree a new row falls into. */
    private final Map<String, String> aeByPath = new ConcurrentHashMap<>();

    private final Map<String, SecretKeySpec> rowKeys =
            java.util.Collections.synchronizedMap(new LinkedHashMap<String, SecretKeySpec>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, SecretKeySpec> eldest) {
                    return size() > 10_000;
                }
            });

    SubjectCipher(SubjectKeyRing ring) {
        this.ring = ring;
    }

    /** Learns an {@code <AE>} (at start, and when one is created). */
    void aeAt(String path, String ri) {
        aeByPath.put(path, ri);
    }

    /** Forgets the {@code <AE>} at {@code path} (deleted). */
    void aeGone(String path) {
        aeByPath.remove(path);
    }

    /**
     * The body to store for {@code r}: encrypted when it has a data subject (it sits under an {@code <AE>}, or an AE
     * created it), in clear when a CSE made it outside any AE (the CSEBase, a registration), which is no one's
     * personal data.
     */
    String seal(Resource r, String json) throws SQLException {
        String ae = aeOf(r);
        if (ae == null && (r.creator() == null || io.citadel.engine.pipeline.IdentifyStage.isCseId(r.creator()))) {
            return json;
        }
        String aeId = ae == null ? "-" : SubjectKeyRing.aeKeyId(ae);
        String crId = SubjectKeyRing.creatorKeyId(r.creator());
        SecretKeySpec key = rowKey(aeId, crId, true).orElseThrow();
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

    /** The JSON of a stored body; an encrypted one whose subject was erased, or that was altered, is refused. */
    String open(String ri, String stored) throws SQLException {
        if (!stored.startsWith(PREFIX)) {
            return stored;
        }
        String[] parts = stored.substring(PREFIX.length()).split(":", 3);
        if (parts.length != 3) {
            throw new SQLException("row " + ri + " has a malformed encrypted body");
        }
        SecretKeySpec key = rowKey(parts[0], parts[1], false).orElseThrow(() -> new ErasedRow(ri));
        try {
            byte[] in = Base64.getDecoder().decode(parts[2]);
            Cipher c = GCM.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
            c.updateAAD(ri.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SQLException("row " + ri + " cannot be decrypted");
        }
    }

    /** A row whose data subject was erased: no key opens it any more (a restored backup holds such rows). */
    static final class ErasedRow extends SQLException {
        ErasedRow(String ri) {
            super("row " + ri + " belongs to an erased data subject");
        }
    }

    /** Rows of erased subjects met while reading (resource ID → path), to be deleted. */
    private final Map<String, String> erasedSeen = new ConcurrentHashMap<>();

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

    /** Destroys the subject keys named; rows that used them can no longer be read, anywhere. */
    int destroy(String aeResourceId, String creator) {
        int n = 0;
        if (aeResourceId != null && ring.destroy(SubjectKeyRing.aeKeyId(aeResourceId))) {
            n++;
        }
        if (creator != null && ring.destroy(SubjectKeyRing.creatorKeyId(creator))) {
            n++;
        }
        rowKeys.clear();
        return n;
    }

    private String aeOf(Resource r) {
        if (r.type() == ResourceType.AE) {
            return r.ri();
        }
        String path = r.path();
        int first = path.indexOf('/');
        int second = first < 0 ? -1 : path.indexOf('/', first + 1);
        return second < 0 ? null : aeByPath.get(path.substring(0, second));
    }

    private Optional<SecretKeySpec> rowKey(String aeId, String crId, boolean create) {
        String name = aeId + ":" + crId;
        SecretKeySpec cached = rowKeys.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<byte[]> creatorKey = create ? Optional.of(ring.keyFor(crId)) : ring.key(crId);
        Optional<byte[]> aeKey =
                aeId.equals("-") ? Optional.of(new byte[0]) : create ? Optional.of(ring.keyFor(aeId)) : ring.key(aeId);
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
            rowKeys.put(name, key);
            return Optional.of(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
