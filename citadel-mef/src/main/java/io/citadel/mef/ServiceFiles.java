package io.citadel.mef;

import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.PrivateFiles;
import io.citadel.tls.CertificateAuthority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data directory of a provisioning service (the MEF, the MAF): owner-only directories, encrypted key stores
 * with generated passwords, the service's own CA and FQDN certificate, and the command-line options they share.
 */
public final class ServiceFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ServiceFiles() {}

    /**
     * An encrypted key store in {@code name/} (bootstrap keys; enrolment keys Ke), its password generated at first
     * use into {@code name/store.pass}.
     */
    public static EncryptedFilePskStore secretStore(Path dataDir, String name) throws IOException {
        Path dir = privateDirectory(privateDirectory(dataDir).resolve(name));
        Path pass = dir.resolve("store.pass");
        if (!Files.exists(pass)) {
            byte[] secret = new byte[24];
            RANDOM.nextBytes(secret);
            PrivateFiles.write(pass, Base64.getEncoder().encode(secret));
        }
        char[] password =
                Files.readString(pass, StandardCharsets.US_ASCII).strip().toCharArray();
        try {
            return EncryptedFilePskStore.open(dir, password);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    /**
     * The service's own FQDN certificate (TS-0003 §10.1.1: MEF = FQDN flavour), issued by its CA at first start into
     * {@code ca/server.pem} and {@code ca/server.key} (0600), for {@code fqdn} only (the CA's name constraints allow
     * names in the SP's domain, no addresses).
     */
    public static Path serverCertificate(Path dataDir, String fqdn, CertificateAuthority ca) {
        Path dir = dataDir.resolve("ca");
        if (!Files.exists(dir.resolve("server.key"))) {
            CertificateAuthority.save(ca.issueServer(fqdn, List.of(), Duration.ofDays(825)), dir, "server");
        }
        return dir.resolve("server.pem");
    }

    /** The service's CA in {@code ca/}, made at first use. */
    public static CertificateAuthority authority(Path dataDir, String sp) throws IOException {
        Path dir = privateDirectory(privateDirectory(dataDir).resolve("ca"));
        if (!Files.exists(dir.resolve("ca.key"))) {
            CertificateAuthority.create(sp, Duration.ofDays(3650)).save(dir);
        }
        return CertificateAuthority.load(dir);
    }

    public static Path privateDirectory(Path dir) throws IOException {
        PrivateFiles.directory(dir);
        return dir;
    }

    public static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    public static Map<String, String> options(List<String> args, List<String> positional) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                opts.put(a.substring(2), args.get(++i));
            } else {
                positional.add(a);
            }
        }
        return opts;
    }
}
