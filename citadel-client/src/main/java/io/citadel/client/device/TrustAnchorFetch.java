package io.citadel.client.device;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A [trustAnchorCred] applied (TS-0003 §8.3.9.9): the CA certificate whose fingerprint {@code cfp} gives, fetched from
 * {@code uri} over HTTPS (the server checked against the device's trust anchors and the JDK's, the host name as
 * usual; the fingerprint is what makes the answer trustworthy), at most {@value #MAX_ANSWER} bytes of PEM or DER. It
 * must be a CA certificate, valid now, and hash to {@code cfp}. Without {@code uri} only a certificate the device
 * holds already can be named.
 */
final class TrustAnchorFetch {
    static final int MAX_ANSWER = 16 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private TrustAnchorFetch() {}

    /**
     * The anchor, or the outcome that refuses it.
     *
     * @param known certificates the device holds (its MEF's CA, its trust anchors)
     */
    static Result fetch(Object cfp, Object uri, List<X509Certificate> known) {
        if (!(cfp instanceof String fingerprint)) {
            return new Result(null, ManagementOutcome.badArguments("cfp (certFingerprint) is missing"));
        }
        try {
            CertificateFingerprint.digest(fingerprint);
        } catch (IllegalArgumentException e) {
            return new Result(null, ManagementOutcome.badArguments("cfp is " + e.getMessage()));
        }
        X509Certificate anchor;
        if (uri == null) {
            anchor = known.stream()
                    .filter(c -> CertificateFingerprint.matches(fingerprint, c))
                    .findFirst()
                    .orElse(null);
            if (anchor == null) {
                return new Result(
                        null,
                        ManagementOutcome.unacceptable(
                                "no uri, and this device holds no certificate of that fingerprint"));
            }
        } else {
            URI from;
            try {
                from = uri instanceof String s ? new URI(s) : null;
            } catch (java.net.URISyntaxException e) {
                from = null;
            }
            if (from == null || !"https".equalsIgnoreCase(from.getScheme()) || from.getHost() == null) {
                return new Result(null, ManagementOutcome.badArguments("uri is not an https URI"));
            }
            try {
                anchor = download(from, known);
            } catch (IOException e) {
                return new Result(null, ManagementOutcome.failed(e.getMessage()));
            }
            if (!CertificateFingerprint.matches(fingerprint, anchor)) {
                return new Result(
                        null,
                        ManagementOutcome.failed("the certificate at uri does not have the fingerprint cfp gives"));
            }
        }
        if (anchor.getBasicConstraints() < 0) {
            return new Result(null, ManagementOutcome.unacceptable("the certificate is not a CA certificate"));
        }
        try {
            anchor.checkValidity();
        } catch (CertificateException e) {
            return new Result(null, ManagementOutcome.unacceptable("the certificate is expired or not yet valid"));
        }
        return new Result(
                anchor,
                ManagementOutcome.applied("trust anchor added: "
                        + anchor.getSubjectX500Principal().getName()));
    }

    /** An anchor ({@code anchor} null when refused) and the outcome to report. */
    record Result(X509Certificate anchor, ManagementOutcome outcome) {}

    private static X509Certificate download(URI from, List<X509Certificate> known) throws IOException {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(context(known))
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int status = BoundedDownload.fetch(http, from, "the certificate at uri", MAX_ANSWER, TIMEOUT, chunk -> {
            byte[] b = new byte[chunk.remaining()];
            chunk.get(b);
            body.write(b, 0, b.length);
        });
        if (status != 200) {
            throw new IOException("uri answered " + status);
        }
        try {
            var certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(body.toByteArray()));
            if (certs.size() != 1) {
                throw new IOException("the answer at uri holds " + certs.size() + " certificates, not one");
            }
            return (X509Certificate) certs.iterator().next();
        } catch (CertificateException e) {
            throw new IOException("the answer at uri is not a certificate");
        }
    }

    /** TLS trusting the device's anchors and the JDK's. */
    private static SSLContext context(List<X509Certificate> known) throws IOException {
        try {
            TrustManagerFactory jdk = TrustManagerFactory.getInstance("PKIX");
            jdk.init((KeyStore) null);
            List<X509Certificate> anchors = new ArrayList<>(known);
            for (TrustManager tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    anchors.addAll(List.of(x.getAcceptedIssuers()));
                }
            }
            SSLContext tls = SSLContext.getInstance("TLSv1.3");
            tls.init(null, new TrustManager[] {DeviceTls.pkix(anchors)}, new SecureRandom());
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS to fetch the certificate");
        }
    }
}
