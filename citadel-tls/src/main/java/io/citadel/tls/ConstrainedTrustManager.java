package io.citadel.tls;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;

/**
 * Validates client certificates with RFC 5280 path validation against trust anchors whose own name
 * constraints are enforced. (A JDK trust manager built from a key store drops the constraints of the trust
 * anchor itself, so a CA limited to {@code citadel.example} could vouch for {@code evil.example}.) Also
 * requires the clientAuth extended key usage when the certificate has that extension.
 */
final class ConstrainedTrustManager implements X509TrustManager {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String NAME_CONSTRAINTS = "2.5.29.30";
    /** One consistent view of the trust anchors; replaced whole when the files change. */
    private record Anchors(
            Set<TrustAnchor> anchors, Map<X509Certificate, NameConstraints> constraints, X509Certificate[] issuers) {}

    private final File source;
    private final io.citadel.credentials.FileWatch watch;
    private volatile Anchors current;

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
        this.current = anchorsOf(anchors);
    }

    /** Reads a PEM file, or every {@code *.pem} in a directory (the credential store's trust anchors). */
    private static Anchors load(File source) throws IOException, GeneralSecurityException {
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
        return anchorsOf(certs);
    }

    private static Anchors anchorsOf(List<X509Certificate> certs) {
        Set<TrustAnchor> anchors = new HashSet<>();
        Map<X509Certificate, NameConstraints> constraints = new HashMap<>();
        for (X509Certificate c : certs) {
            byte[] ext = c.getExtensionValue(NAME_CONSTRAINTS);
            if (ext != null) {
                constraints.put(
                        c,
                        NameConstraints.getInstance(
                                ASN1OctetString.getInstance(ext).getOctets()));
            }
            anchors.add(new TrustAnchor(c, null)); // the JDK's PKIX cannot take them; enforced below
        }
        return new Anchors(anchors, constraints, certs.toArray(X509Certificate[]::new));
    }

    /** The anchors, re-read at most once a second when the files changed (add or remove a CA live). */
    private Anchors anchors() {
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
            Anchors a = anchors();
            if (a.anchors().isEmpty()) {
                return false;
            }
            pathToAnchor(chain, a);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private record Validated(List<X509Certificate> path, PKIXParameters params, PKIXCertPathValidatorResult result) {}

    /** RFC 5280 path validation to one of {@code a}'s anchors, then the anchor's own name constraints. */
    private Validated pathToAnchor(X509Certificate[] chain, Anchors a) throws GeneralSecurityException {
        // the path without any certificate that is itself a trust anchor
        List<X509Certificate> path = Arrays.stream(chain)
                .filter(c ->
                        a.anchors().stream().noneMatch(t -> t.getTrustedCert().equals(c)))
                .toList();
        PKIXParameters params = new PKIXParameters(a.anchors());
        params.setRevocationEnabled(false);
        PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        NameConstraints nc = a.constraints().get(result.getTrustAnchor().getTrustedCert());
        if (nc != null) {
            enforce(nc, path);
        }
        return new Validated(path, params, result);
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
            Anchors a = anchors();
            if (a.anchors().isEmpty()) {
                throw new CertificateException("no trust anchors are configured");
            }
            Validated v = pathToAnchor(chain, a);
            if (crls != null) {
                crls.check(v.path(), v.result().getTrustAnchor().getTrustedCert());
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

    /** The trust anchor's name constraints over every name of every certificate in the path. */
    private static void enforce(NameConstraints nc, List<X509Certificate> path) throws CertificateException {
        PKIXNameConstraintValidator validator = new PKIXNameConstraintValidator();
        if (nc.getPermittedSubtrees() != null) {
            validator.intersectPermittedSubtree(nc.getPermittedSubtrees());
        }
        if (nc.getExcludedSubtrees() != null) {
            for (GeneralSubtree excluded : nc.getExcludedSubtrees()) {
                validator.addExcludedSubtree(excluded);
            }
        }
        for (X509Certificate cert : path) {
            try {
                Collection<List<?>> names = cert.getSubjectAlternativeNames();
                for (List<?> n : names == null ? List.<List<?>>of() : names) {
                    int tag = (Integer) n.get(0);
                    GeneralName name = n.get(1) instanceof String v
                            ? (tag == GeneralName.iPAddress
                                    ? new GeneralName(GeneralName.iPAddress, v)
                                    : new GeneralName(tag, v))
                            : GeneralName.getInstance(n.get(1));
                    validator.checkPermitted(name);
                    validator.checkExcluded(name);
                }
            } catch (NameConstraintValidatorException | RuntimeException e) {
                throw new CertificateException("a name in the certificate is outside its CA's name constraints");
            }
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return anchors().issuers().clone();
    }
}
