package io.citadel.tls;

import io.citadel.credentials.FileWatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.Date;
import java.util.List;

/**
 * Certificate revocation lists from a PEM/DER file, re-read when it changes (at most once a second). Each
 * CRL must verify against the CA that issued the checked certificate. Fail closed: with {@code required},
 * a certificate whose issuer has no current CRL (missing, not yet valid, past nextUpdate) is refused.
 */
public final class RevocationList {
    private final FileWatch watch;
    private final boolean required;
    private volatile List<X509CRL> crls = List.of();

    public RevocationList(Path file, boolean required) {
        this.watch = new FileWatch(file, Duration.ofSeconds(1));
        this.required = required;
        refresh();
    }

    void check(List<X509Certificate> path, X509Certificate anchor) throws CertificateException {
        refresh();
        for (int i = 0; i < path.size(); i++) {
            X509Certificate cert = path.get(i);
            X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchor;
            boolean current = false;
            for (X509CRL crl : crls) {
                if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                    continue;
                }
                try {
                    crl.verify(issuer.getPublicKey());
                } catch (GeneralSecurityException e) {
                    continue; // a CRL that does not verify says nothing
                }
                Date date = new Date();
                if (crl.getThisUpdate().after(date)
                        || (crl.getNextUpdate() != null && crl.getNextUpdate().before(date))) {
                    continue;
                }
                current = true;
                if (crl.isRevoked(cert)) {
                    throw new CertificateException(
                            "certificate " + cert.getSerialNumber().toString(16) + " is revoked");
                }
            }
            if (!current && required) {
                throw new CertificateException("no current CRL from "
                        + issuer.getSubjectX500Principal().getName() + " (fail closed)");
            }
        }
    }

    /** True when the certificate is listed as revoked now (for ending live sessions). */
    public boolean isRevoked(X509Certificate cert) {
        refresh();
        return crls.stream().anyMatch(c -> c.isRevoked(cert));
    }

    /**
     * Re-reads the file when it changed (at most once a second). A damaged or half-written file keeps the
     * last good lists: forgetting them would un-revoke every certificate (fail open).
     */
    private synchronized void refresh() {
        if (!watch.changed()) {
            return;
        }
        try {
            if (!watch.exists()) {
                crls = List.of(); // with 'required' every certificate is refused until a CRL is back
                return;
            }
            Collection<? extends CRL> loaded;
            try (InputStream in = Files.newInputStream(watch.path())) {
                loaded = CertificateFactory.getInstance("X.509").generateCRLs(in);
            }
            crls = loaded.stream().map(X509CRL.class::cast).toList();
        } catch (IOException | GeneralSecurityException e) {
            watch.retryLater();
        }
    }
}
