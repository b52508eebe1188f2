package io.citadel.server;

import io.citadel.credentials.CertificateCredential;
import io.citadel.e2e.escertke.EsCertKe;
import io.citadel.e2e.escertke.EsCertKeTerminal;
import io.citadel.engine.CseBuilder;
import io.citadel.engine.CseSettings;
import io.citadel.tls.PemKeys;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ESCertKE at this CSE as configured: on when {@code --escertke-initiators} names the admitted initiators' certificates
 * (a PEM file; each names its one AE-ID or CSE-ID in its subjectAltName, the oneM2M profile, and the keys it agrees
 * are bound to that identity). This CSE proves its {@code --tls-cert} with its {@code --tls-key}, which must be a
 * P-256 key in a PEM file (the handshake signs in software). Checked at start: nothing half-configured runs.
 */
final class EsCertKeSetup {
    private EsCertKeSetup() {}

    static void configure(Configuration config, CseSettings settings, CseBuilder builder) {
        String initiators = config.get(ConfigKey.ESCERTKE_INITIATORS);
        if (initiators == null) {
            return;
        }
        if (config.get(ConfigKey.TLS_CERT) == null || config.get(ConfigKey.TLS_KEY) == null) {
            throw new IllegalArgumentException(
                    "escertke-initiators needs tls-cert and tls-key (a P-256 key in a PEM file)");
        }
        List<X509Certificate> chain = PemKeys.chain(Path.of(config.get(ConfigKey.TLS_CERT)));
        PrivateKey key = CertificateTlsSetup.pemKey(config);
        if (!p256(key) || !p256(chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException("ESCertKE needs a P-256 (prime256v1) tls-key and tls-cert");
        }
        String spDomain = settings.spId().substring(2);
        Map<X509Certificate, String> admitted = new LinkedHashMap<>();
        for (X509Certificate c : PemKeys.chain(Path.of(initiators))) {
            List<String> ids;
            try {
                ids = CertificateCredential.of(c, spDomain).allowed();
            } catch (CertificateParsingException e) {
                ids = List.of();
            }
            if (ids.size() != 1) {
                throw new IllegalArgumentException("each certificate in escertke-initiators names exactly one AE-ID or"
                        + " CSE-ID in its subjectAltName ("
                        + c.getSubjectX500Principal().getName() + " names "
                        + ids.size() + ")");
            }
            if (!p256(c.getPublicKey())) {
                throw new IllegalArgumentException("an ESCertKE initiator's certificate holds a P-256 key ("
                        + c.getSubjectX500Principal().getName() + ")");
            }
            if (admitted.put(c, ids.get(0)) != null) {
                throw new IllegalArgumentException("a certificate appears twice in escertke-initiators");
            }
        }
        Duration lifetime = Duration.parse(config.get(ConfigKey.ESCERTKE_KEY_LIFETIME));
        EsCertKeTerminal terminal = new EsCertKeTerminal(
                new EsCertKe.Credential(key, chain),
                admitted,
                EsCertKeTerminal.Settings.defaults().withKeyLifetime(lifetime),
                Clock.systemUTC());
        builder.escertke(terminal, chain.get(0));
    }

    private static boolean p256(java.security.Key key) {
        return key instanceof ECKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256;
    }
}
