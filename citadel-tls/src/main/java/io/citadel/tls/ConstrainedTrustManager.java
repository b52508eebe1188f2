package io.citadel.tls;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.X509TrustManager;

/**
 * Validates client certificates with RFC 5280 path validation against trust anchors whose own name
 * constraints are enforced. (A JDK trust manager built from a key store drops the constraints of the trust
 * anchor itself, so a CA limited to {@code citadel.example} could vouch for {@code evil.example}.) Also
 * requires the clientAuth extended key usage when the certificate has that extension.
 */
final class ConstrainedTrustManager implements X509TrustManager {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    private final File source;
    private final io.citadel.credentials.FileWatch watch;
    /** One consistent view of the trust anchors; replaced whole when the files change. */
    private volatile io.citadel.credentials.TrustedPaths current;

    private final RevocationList crls;
    private final OcspPolicy ocsp;
    /** issuer and serial → until when the good OCSP answer is reused (serials are unique per issuer only). */
    private final Map<String, Long> ocspGood = new java.util.concurrent.ConcurrentHashMap<>();

    ConstrainedTrustManager(File pem) throws IOException, GeneralSecurityException {
        this(pem, null, null);
    }

    ConstrainedTrustManager(File pem, RevocationList crls) throws IOException, GeneralSecurityException {
        this(pem, crls, null);
    }

    /** @param crls certificate revocation lists to check, or null for none; @param ocsp OCSP, or null */
    ConstrainedTrustManager(File pem, RevocationList crls, OcspPolicy ocsp)
            throws IOException, GeneralSecurityException {
        this.crls = crls;
        this.ocsp = ocsp;
        this.source = pem;
        this.watch = new io.citadel.credentials.FileWatch(pem.toPath(), java.time.Duration.ofSeconds(1));
        watch.changed();
        this.current = load(pem);
    }

    /**
     * Fixed trust anchors (a listener's, given at start), without revocation checks: path validation, the anchors'
     * name constraints and the clientAuth extended key usage only.
     */
    ConstrainedTrustManager(List<X509Certificate> anchors) {
        this.crls = null;
        this.ocsp = null;
        this.source = null;
        this.watch = null;
        this.current = new io.citadel.credentials.TrustedPaths(anchors);
    }

    /** Reads a PEM file, or every {@code *.pem} in a directory (the credential store's trust anchors). */
    private static io.citadel.credentials.TrustedPaths load(File source) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<File> files = new java.util.ArrayList<>();
        if (source.isDirectory()) {
            File[] pems = source.listFiles((d, n) -> n.endsWith(".pem"));
            if (pems != null) {
                Arrays.sort(pems);
                files.addAll(List.of(pems));
            }
        } else {
            files.add(source);
        }
        List<X509Certificate> certs = new java.util.ArrayList<>();
        for (File f : files) {
            try (InputStream in = new FileInputStream(f)) {
                cf.generateCertificates(in).stream()
                        .map(X509Certificate.class::cast)
                        .forEach(certs::add);
            }
        }
        if (certs.isEmpty() && !source.isDirectory()) {
            throw new GeneralSecurityException("no trust anchor in " + source);
        }
        return new io.citadel.credentials.TrustedPaths(certs);
    }

    /** The anchors, re-read at most once a second when the files changed (add or remove a CA live). */
    private io.citadel.credentials.TrustedPaths anchors() {
        if (watch != null && watch.changed()) {
            try {
                current = load(source);
            } catch (IOException | GeneralSecurityException e) {
                watch.retryLater(); // keep the last good set and retry; an unreadable change must not open the door
            }
        }
        return current;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        validate(chain, CLIENT_AUTH, "client");
    }

    /**
     * A server's chain, for this CSE as a TLS client of another CSE: the same anchors, name constraints and
     * revocation checks as for clients; the server's identity is checked by the caller ({@link PeerCseTrust}).
     */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        validate(chain, SERVER_AUTH, "server");
    }

    /** A token for the trust anchors in force now; another token means a CA was added or removed since. */
    Object anchorGeneration() {
        return anchors();
    }

    /**
     * Whether a client chain accepted earlier still leads to one of the current anchors, within its name
     * constraints (revocation is checked separately); false when it cannot be checked.
     */
    boolean stillAnchored(X509Certificate[] chain) {
        try {
            io.citadel.credentials.TrustedPaths a = anchors();
            if (a.isEmpty()) {
                return false;
            }
            a.validate(Arrays.asList(chain), null);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private void validate(X509Certificate[] chain, String purpose, String role) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no " + role + " certificate");
        }
        List<String> eku = chain[0].getExtendedKeyUsage();
        if (eku != null && !eku.contains(purpose)) {
            throw new CertificateException("certificate is not for " + role + " authentication");
        }
        try {
            io.citadel.credentials.TrustedPaths.Validated v = anchors().validate(Arrays.asList(chain), null);
            if (crls != null) {
                crls.check(v.path(), v.anchor());
            }
            if (ocsp != null) {
                checkOcsp(v.path(), v.params());
            }
        } catch (GeneralSecurityException e) {
            throw new CertificateException(role + " certificate rejected: " + e.getMessage(), e);
        }
    }

    /** Asks the OCSP responder about the end-entity certificate; good answers are cached briefly. */
    private void checkOcsp(List<X509Certificate> path, PKIXParameters base) throws GeneralSecurityException {
        X509Certificate leaf = path.get(0);
        String key = leaf.getIssuerX500Principal().getName() + "#"
                + leaf.getSerialNumber().toString(16);
        Long until = ocspGood.get(key);
        if (until != null && until > System.currentTimeMillis()) {
            return;
        }
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        java.security.cert.PKIXRevocationChecker rc =
                (java.security.cert.PKIXRevocationChecker) validator.getRevocationChecker();
        rc.setOcspResponder(ocsp.responder());
        java.util.EnumSet<java.security.cert.PKIXRevocationChecker.Option> options = java.util.EnumSet.of(
                java.security.cert.PKIXRevocationChecker.Option.ONLY_END_ENTITY,
                java.security.cert.PKIXRevocationChecker.Option.NO_FALLBACK);
        if (!ocsp.required()) {
            options.add(java.security.cert.PKIXRevocationChecker.Option.SOFT_FAIL);
        }
        rc.setOptions(options);
        PKIXParameters params = (PKIXParameters) base.clone();
        params.setRevocationEnabled(true);
        params.addCertPathChecker(rc);
        validator.validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        if (rc.getSoftFailExceptions().isEmpty()) {
            if (ocspGood.size() > 10_000) {
                ocspGood.clear();
            }
            ocspGood.put(key, System.currentTimeMillis() + ocsp.cacheMillis());
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return anchors().issuers().toArray(X509Certificate[]::new);
    }
}
