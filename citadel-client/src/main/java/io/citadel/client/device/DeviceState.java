package io.citadel.client.device;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.PrivateFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * A device's credentials on disk: one password-protected PKCS#12 file {@code device.p12} (the JDK's PBE with
 * AES-256) in an owner-only directory, written 0600 and replaced atomically, so that a renewal replaces key and
 * certificate together or not at all. It holds the private key with its chain, the MEF's CA, Ke and the CSE key
 * (opaque secret entries) and the non-secret facts (KeID, expiry, CSE FQDN) as one more entry. Nothing in clear.
 * A directory or file that others may read, or one not owned by this user, is refused; so is a wrong password.
 */
final class DeviceState {
    static final String FILE = "device.p12";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private final Path dir;
    private final char[] password;
    private final DeviceKeys keys;

    DeviceState(Path dir, char[] password, DeviceKeys keys) {
        this.keys = keys;
        if (password == null || password.length == 0) {
            throw new EnrolmentException("the device state needs a password");
        }
        this.dir = dir;
        this.password = password.clone();
    }

    Path file() {
        return dir.resolve(FILE);
    }

    /** What the state holds: the credentials and what management objects changed. */
    record Stored(DeviceCredentials credentials, ManagedSettings settings) {}

    /** The stored credentials, if any; refused (wrong permissions, owner or password, damaged) with our exception. */
    Optional<Stored> load() {
        checkPrivate(dir);
        Path file = file();
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        checkPrivate(file);
        KeyStore ks;
        try {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(Files.readAllBytes(file)), password);
        } catch (IOException | GeneralSecurityException e) {
            throw new EnrolmentException("the device state " + file + " cannot be read (wrong password or damaged)");
        }
        try {
            KeyStore.ProtectionParameter p = new KeyStore.PasswordProtection(password);
            X509Certificate ca = (X509Certificate) ks.getCertificate("mef-ca");
            byte[] ke = secret(ks, "ke", p);
            byte[] cseKey = secret(ks, "cse-key", p);
            byte[] meta = secret(ks, "facts", p);
            Map<?, ?> facts = JSON.readValue(meta, Map.class);
            Arrays.fill(meta, (byte) 0);
            String alias = (String) facts.get("keyAlias");
            java.security.PrivateKey privateKey;
            List<X509Certificate> chain;
            if (alias == null) {
                KeyStore.PrivateKeyEntry device = (KeyStore.PrivateKeyEntry) ks.getEntry("device", p);
                privateKey = device.getPrivateKey();
                chain = Arrays.stream(device.getCertificateChain())
                        .map(x -> (X509Certificate) x)
                        .toList();
            } else {
                privateKey = keys.find(alias);
                List<X509Certificate> held = new java.util.ArrayList<>();
                for (int i = 0; ks.containsAlias("chain-" + i); i++) {
                    held.add((X509Certificate) ks.getCertificate("chain-" + i));
                }
                chain = held;
            }
            DeviceCredentials c = new DeviceCredentials(
                    privateKey,
                    chain,
                    ca,
                    (String) facts.get("keID"),
                    Instant.parse((String) facts.get("keyNotAfter")),
                    ke,
                    cseKey,
                    (String) facts.get("cseFqdn"),
                    alias);
            Arrays.fill(ke, (byte) 0);
            Arrays.fill(cseKey, (byte) 0);
            ManagedSettings settings = ManagedSettings.NONE;
            if (ks.containsAlias("managed")) {
                byte[] managed = secret(ks, "managed", p);
                settings = ManagedSettings.fromJson(managed);
                Arrays.fill(managed, (byte) 0);
            }
            return Optional.of(new Stored(c, settings));
        } catch (EnrolmentException e) {
            throw e; // the token does not hold the key the state names
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new EnrolmentException("the device state " + file + " is incomplete or damaged");
        }
    }

    /** Writes {@code c} and {@code settings} (0600, atomically), creating the directory (0700) when needed. */
    void save(DeviceCredentials c, ManagedSettings settings) {
        try {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                checkPrivate(dir);
            } else {
                PrivateFiles.directory(dir);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, password);
            KeyStore.ProtectionParameter p = new KeyStore.PasswordProtection(password);
            if (c.keyAlias() == null) {
                ks.setKeyEntry("device", c.privateKey(), password, c.chain().toArray(Certificate[]::new));
            } else { // the key is in the token: only its chain and alias here
                for (int i = 0; i < c.chain().size(); i++) {
                    ks.setCertificateEntry("chain-" + i, c.chain().get(i));
                }
            }
            ks.setCertificateEntry("mef-ca", c.mefCa());
            byte[] ke = c.enrolmentKey();
            byte[] cseKey = c.cseKey();
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("keID", c.keyId());
            facts.put("keyNotAfter", c.keyNotAfter().toString());
            facts.put("cseFqdn", c.cseFqdn());
            if (c.keyAlias() != null) {
                facts.put("keyAlias", c.keyAlias());
            }
            byte[] meta = JSON.writeValueAsBytes(facts);
            try {
                ks.setEntry("ke", new KeyStore.SecretKeyEntry(new SecretKeySpec(ke, "HmacSHA256")), p);
                ks.setEntry("cse-key", new KeyStore.SecretKeyEntry(new SecretKeySpec(cseKey, "HmacSHA256")), p);
                ks.setEntry("facts", new KeyStore.SecretKeyEntry(new SecretKeySpec(meta, "HmacSHA256")), p);
                ks.setEntry(
                        "managed", new KeyStore.SecretKeyEntry(new SecretKeySpec(settings.toJson(), "HmacSHA256")), p);
            } finally {
                Arrays.fill(ke, (byte) 0);
                Arrays.fill(cseKey, (byte) 0);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, password);
            PrivateFiles.write(file(), out.toByteArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new EnrolmentException("cannot write the device state in " + dir + ": " + e.getMessage());
        }
    }

    private static byte[] secret(KeyStore ks, String alias, KeyStore.ProtectionParameter p)
            throws GeneralSecurityException {
        KeyStore.SecretKeyEntry e = (KeyStore.SecretKeyEntry) ks.getEntry(alias, p);
        return e.getSecretKey().getEncoded();
    }

    /** Refuses a path that group or others may use, or that this user does not own (where the file system says). */
    static void checkPrivate(Path p) {
        PosixFileAttributeView view =
                Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            var attributes = view.readAttributes();
            if (attributes.isSymbolicLink()) {
                throw new EnrolmentException(p + " is a symbolic link; the device state must not be one");
            }
            Set<PosixFilePermission> open = EnumSet.copyOf(
                    attributes.permissions().isEmpty()
                            ? EnumSet.noneOf(PosixFilePermission.class)
                            : attributes.permissions());
            open.retainAll(OTHERS);
            if (!open.isEmpty()) {
                throw new EnrolmentException(p + " is open to other users (" + open.size()
                        + " group/other permission(s)); the device state must be owner-only (0700/0600)");
            }
            String me = System.getProperty("user.name");
            if (me != null && !attributes.owner().getName().equals(me)) {
                throw new EnrolmentException(
                        p + " belongs to " + attributes.owner().getName() + ", not to " + me);
            }
        } catch (IOException e) {
            throw new EnrolmentException("cannot read the permissions of " + p);
        }
    }
}
