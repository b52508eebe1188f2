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
        char[] password = storePassword(dir);
        try {
            return EncryptedFilePskStore.open(dir, password);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    /**
     * A store of many keys that only the serving process writes (a MEF's Ke, a MAF's key values): sealed one by one
     * ({@link io.citadel.credentials.SealedFilePskStore}) in {@code name/}, its password generated at first use into
     * {@code name/store.pass}.
     */
    public static io.citadel.credentials.SealedFilePskStore sealedStore(Path dataDir, String name) throws IOException {
        Path dir = privateDirectory(privateDirectory(dataDir).resolve(name));
        char[] password = storePassword(dir);
        try {
            return io.citadel.credentials.SealedFilePskStore.open(dir, password);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    private static char[] storePassword(Path dir) throws IOException {
        Path pass = dir.resolve("store.pass");
        if (!Files.exists(pass)) {
            byte[] secret = new byte[24];
            RANDOM.nextBytes(secret);
            PrivateFiles.write(pass, Base64.getEncoder().encode(secret));
        }
        return Files.readString(pass, StandardCharsets.US_ASCII).strip().toCharArray();
    }

    /**
     * The service's own FQDN certificate (TS-0003 §10.1.1: MEF = FQDN flavour), issued by its CA at first start into
     * {@code ca/server.pem} and {@code ca/server.key} (0600), for {@code fqdn} only (the CA's name constraints allow
     * names in the SP's domain, no addresses).
     */
    public static Path serverCertificate(Path dataDir, String fqdn, CertificateAuthority ca) {
        Path dir = dataDir.resolve("ca");
        if (!Files.exists(dir.resolve("server.key")) || !servesAsClient(dir.resolve("server.pem"))) {
            CertificateAuthority.save(ca.issueService(fqdn, Duration.ofDays(825)), dir, "server");
        }
        return dir.resolve("server.pem");
    }

    /**
     * Whether the service certificate may also be shown as a client certificate (a MAF fetching keys from a MEF):
     * one issued before services were clients is issued again.
     */
    private static boolean servesAsClient(Path pem) {
        try {
            List<java.security.cert.X509Certificate> chain = io.citadel.tls.PemKeys.chain(pem);
            List<String> eku = chain.isEmpty() ? null : chain.get(0).getExtendedKeyUsage();
            return eku != null && eku.contains("1.3.6.1.5.5.7.3.2");
        } catch (RuntimeException | java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    /** The service's CA in {@code ca/}, made at first use. */
    /**
     * The service's CA: in software ({@code ca/ca.key}), or, with {@code --ca-key-store pkcs11
     * --pkcs11-library LIB [--pkcs11-slot-index 0]} and the PIN from {@code --ca-key-pin-file} or
     * {@code CITADEL_KEY_STORE_PIN}, in a PKCS#11 token under the alias {@code ca}: generated there at first use
     * (non-extractable), its certificate written to {@code ca/ca.pem}, and every certificate and CRL signed there.
     */
    public static CertificateAuthority authority(Path dataDir, String sp, Map<String, String> opts) throws IOException {
        String store = opts.get("ca-key-store");
        if (store == null) {
            return authority(dataDir, sp);
        }
        if (!store.equals("pkcs11")) {
            throw new IllegalArgumentException("--ca-key-store takes pkcs11 (leave it out for a software CA)");
        }
        Path dir = privateDirectory(privateDirectory(dataDir).resolve("ca"));
        if (Files.exists(dir.resolve("ca.key"))) {
            throw new IllegalArgumentException(
                    "this data directory has a software CA (ca/ca.key); a CA in a token needs a new data directory");
        }
        char[] pin = pin(opts);
        io.citadel.security.vault.Pkcs11KeyVault token;
        try {
            token = io.citadel.security.vault.Pkcs11KeyVault.open(
                    required(opts, "pkcs11-library"),
                    Integer.parseInt(opts.getOrDefault("pkcs11-slot-index", "0")),
                    pin,
                    dir);
        } finally {
            java.util.Arrays.fill(pin, '\0');
        }
        try {
            if (token.keyStore().containsAlias("ca")) {
                CertificateAuthority inToken = CertificateAuthority.loadFrom(token.provider(), token.keyStore(), "ca");
                Path pem = dir.resolve("ca.pem");
                if (Files.exists(pem)
                        && !io.citadel.tls.PemKeys.chain(pem).get(0).equals(inToken.certificate())) {
                    throw new IllegalArgumentException(
                            "the token's CA is not the one in ca/ca.pem: another service's token or slot?");
                }
                if (!Files.exists(pem)) {
                    inToken.saveCertificate(dir);
                }
                return inToken;
            }
        } catch (java.security.KeyStoreException e) {
            throw new IllegalStateException("cannot read the token: " + e.getMessage(), e);
        }
        if (Files.exists(dir.resolve("ca.pem"))) {
            throw new IllegalArgumentException("the token holds no CA, but ca/ca.pem names one: wrong token or slot?");
        }
        CertificateAuthority ca =
                CertificateAuthority.createIn(token.provider(), token.keyStore(), "ca", sp, Duration.ofDays(3650));
        ca.saveCertificate(dir);
        return ca;
    }

    private static char[] pin(Map<String, String> opts) throws IOException {
        String file = opts.get("ca-key-pin-file");
        if (file != null) {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8)
                    .strip()
                    .toCharArray();
        }
        String env = System.getenv("CITADEL_KEY_STORE_PIN");
        if (env == null || env.isEmpty()) {
            throw new IllegalArgumentException("the token needs a PIN: --ca-key-pin-file or CITADEL_KEY_STORE_PIN");
        }
        return env.toCharArray();
    }

    /** The service's software CA in {@code ca/}, made at first use. */
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
