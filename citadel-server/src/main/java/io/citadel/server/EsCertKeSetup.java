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
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("citadel.security");

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
        if (!matches(key, chain.get(0))) {
            throw new IllegalArgumentException("tls-key is not the key of tls-cert");
        }
        String spDomain = settings.spId().substring(2);
        io.citadel.security.OriginatorIds ids =
                new io.citadel.security.OriginatorIds(settings.cseId(), settings.spId());
        String administrator = ids.normalize(settings.administrator());
        Map<X509Certificate, String> admitted = new LinkedHashMap<>();
        for (X509Certificate c : PemKeys.chain(Path.of(initiators))) {
            String subject = c.getSubjectX500Principal().getName();
            List<String> named;
            try {
                named = CertificateCredential.of(c, spDomain).allowed();
            } catch (CertificateParsingException e) {
                named = List.of();
            }
            if (named.size() != 1) {
                throw new IllegalArgumentException("each certificate in escertke-initiators names exactly one AE-ID or"
                        + " CSE-ID in its subjectAltName (" + subject + " names " + named.size() + ")");
            }
            String identity = ids.normalize(named.get(0));
            if (identity.startsWith("//")) {
                throw new IllegalArgumentException(
                        "an ESCertKE initiator belongs to this SP (" + subject + " names " + named.get(0) + ")");
            }
            if (identity.equals(settings.cseId()) || identity.equals(administrator)) {
                throw new IllegalArgumentException(
                        "an ESCertKE initiator cannot act as this CSE or its administrator (" + subject + ")");
            }
            if (!p256(c.getPublicKey())) {
                throw new IllegalArgumentException(
                        "an ESCertKE initiator's certificate holds a P-256 key (" + subject + ")");
            }
            try {
                c.checkValidity();
            } catch (java.security.cert.CertificateException e) {
                throw new IllegalArgumentException(
                        "an ESCertKE initiator's certificate is expired or not yet valid (" + subject + ")");
            }
            if (admitted.put(c, identity) != null) {
                throw new IllegalArgumentException("a certificate appears twice in escertke-initiators");
            }
            LOG.info("ESCertKE admits " + subject + " as " + identity);
        }
        Duration lifetime = Duration.parse(config.get(ConfigKey.ESCERTKE_KEY_LIFETIME));
        EsCertKeTerminal.Settings terminalSettings;
        try {
            terminalSettings = EsCertKeTerminal.Settings.defaults().withKeyLifetime(lifetime);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("escertke-key-lifetime: " + e.getMessage());
        }
        io.citadel.tls.RevocationList crls = config.get(ConfigKey.TLS_CRL) == null
                ? null
                : new io.citadel.tls.RevocationList(Path.of(config.get(ConfigKey.TLS_CRL)), false);
        EsCertKeTerminal terminal = new EsCertKeTerminal(
                new EsCertKe.Credential(key, chain),
                admitted,
                terminalSettings,
                Clock.systemUTC(),
                crls == null ? c -> false : crls::isRevoked);
        builder.escertke(terminal, chain.get(0));
    }

    /** Whether {@code key} signs what {@code cert}'s key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        try {
            byte[] probe = "citadel escertke key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            java.security.Signature v = java.security.Signature.getInstance("SHA256withECDSA");
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(signature);
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether {@code key} is on secp256r1 (P-256): the curve, generator and order compared, not only the size. */
    private static boolean p256(java.security.Key key) {
        if (!(key instanceof ECKey ec)) {
            return false;
        }
        try {
            java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("EC");
            p.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
            java.security.spec.ECParameterSpec want = p.getParameterSpec(java.security.spec.ECParameterSpec.class);
            java.security.spec.ECParameterSpec have = ec.getParams();
            return have.getCurve().equals(want.getCurve())
                    && have.getGenerator().equals(want.getGenerator())
                    && have.getOrder().equals(want.getOrder());
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }
}
