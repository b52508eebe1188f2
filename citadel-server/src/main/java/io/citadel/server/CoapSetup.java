package io.citadel.server;

import io.citadel.binding.coap.CoapBinding;
import io.citadel.binding.coap.CoapSettings;
import io.citadel.client.coap.DtlsCertificates;
import io.citadel.credentials.PskStore;
import io.citadel.credentials.RawPublicKeyStore;
import io.citadel.engine.CseSettings;
import io.citadel.security.HandshakeThrottle;
import io.citadel.security.OriginatorIds;
import io.citadel.tls.CertificateTls;
import io.citadel.tls.PemKeys;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;

/** The CoAP binding as configured: plain CoAP (loopback unless allowed) and DTLS with the credential store's PSKs. */
final class CoapSetup {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("citadel.server");

    private CoapSetup() {}

    /**
     * Starts the binding when a CoAP port is configured; null otherwise. With a DTLS port, {@code psks} (and
     * {@code throttle}, the guard against guessing its keys) and the raw public keys are the CSE's stores.
     */
    static CoapBinding start(
            Configuration config,
            PortOpener ports,
            CseSettings settings,
            String host,
            PskStore psks,
            HandshakeThrottle throttle,
            Supplier<RawPublicKeyStore> rawPublicKeys) {
        Integer port = config.get(ConfigKey.COAP_PORT) == null ? null : config.getInt(ConfigKey.COAP_PORT);
        Integer securePort = config.get(ConfigKey.COAPS_PORT) == null ? null : config.getInt(ConfigKey.COAPS_PORT);
        if (port == null && securePort == null) {
            return null;
        }
        standardConfigurationWithoutFile();
        if (port != null && !CitadelServer.isLoopback(host) && !config.getBoolean(ConfigKey.ALLOW_PLAIN_HTTP)) {
            throw new IllegalArgumentException(
                    "plain CoAP on " + host + " would expose unencrypted, unauthenticated traffic;"
                            + " use --coaps-port, or --allow-plain-http true if the network is protected otherwise");
        }
        CoapBinding.Dtls dtls = null;
        if (securePort != null) {
            OriginatorIds ids = new OriginatorIds(settings.cseId(), settings.spId());
            RawPublicKeyStore rawKeys = rawPublicKeys.get();
            DtlsCertificates certificates = certificates(
                    config, spki -> rawKeys.lookup(spki, Instant.now()).isPresent());
            if (certificates == null && config.get(ConfigKey.KEY_STORE) != null) {
                LOG.warning(
                        "DTLS offers pre-shared keys only: Scandium signs with software JCE providers and cannot use"
                                + " the key store's key (give --tls-cert/--tls-key for DTLS certificates)");
            }
            String sp = settings.spId().substring(2);
            io.citadel.tls.HardwareKeyIssuers hardwareKeys = CertificateTlsSetup.hardwareKeyIssuers(config);
            dtls = new CoapBinding.Dtls(
                    identity -> psks.key(identity, Instant.now()),
                    certificates,
                    principal -> {
                        if (principal instanceof PreSharedKeyIdentity psk) {
                            return psks.association(psk.getIdentity(), Instant.now(), ids::normalize);
                        }
                        if (principal instanceof RawPublicKeyIdentity raw) {
                            return rawKeys.association(raw.getSubjectInfo(), Instant.now(), ids::normalize);
                        }
                        if (principal instanceof X509CertPath path) {
                            try {
                                return Optional.of(hardwareKeys.levelOf(
                                        path.getTarget(),
                                        CertificateTls.identityOf(path.getTarget(), sp, ids::normalize)));
                            } catch (java.security.cert.CertificateParsingException e) {
                                return Optional.empty();
                            }
                        }
                        return Optional.empty();
                    },
                    throttle,
                    List.of(psks, rawKeys), // their announcements end DTLS sessions
                    psks instanceof io.citadel.credentials.PskPrefetch brokered ? brokered : null);
        }
        return new CoapBinding(
                ports.open("citadel-coap-worker", config.getInt(ConfigKey.WORKERS)),
                new CoapSettings(
                        host, port, securePort, config.getInt(ConfigKey.MAX_BODY), config.getInt(ConfigKey.WORKERS)),
                dtls);
    }

    /**
     * Requests to {@code coap://} targets, and to {@code coaps://} ones with this CSE's certificate when it
     * has one (the targets checked against the same trust anchors as clients).
     */
    static io.citadel.binding.coap.CoapOutbound outbound(Configuration config) {
        standardConfigurationWithoutFile();
        DtlsCertificates mine = certificates(config, null);
        if (mine != null && !forClients(mine.chain().get(0))) {
            LOG.warning("coaps:// notification targets are unavailable: this CSE's certificate is not for client"
                    + " authentication (extendedKeyUsage without clientAuth)");
            mine = null;
        }
        return new io.citadel.binding.coap.CoapOutbound(mine);
    }

    /**
     * Californium's standard configuration, for any code path that asks for it, made without a file: by
     * default {@code Configuration.getStandard()} writes {@code Californium3.properties} into the working
     * directory. Citadel configures Californium in code only.
     */
    static synchronized void standardConfigurationWithoutFile() {
        if (!standardSet) {
            org.eclipse.californium.core.config.CoapConfig.register();
            org.eclipse.californium.elements.config.UdpConfig.register();
            org.eclipse.californium.scandium.config.DtlsConfig.register();
            org.eclipse.californium.elements.config.Configuration.setStandard(
                    org.eclipse.californium.elements.config.Configuration.createStandardWithoutFile());
            standardSet = true;
        }
    }

    private static boolean standardSet;

    private static boolean forClients(X509Certificate certificate) {
        try {
            List<String> usage = certificate.getExtendedKeyUsage();
            return usage == null || usage.contains("1.3.6.1.5.5.7.3.2");
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    /**
     * This CSE's certificate (and, for clients asking for raw public keys, its bare key) for DTLS, with the
     * same client-certificate checks as the TLS listener, from PEM files (--tls-cert/--tls-key); null without
     * them. A key in the key store (--key-store) cannot serve here: Scandium refuses a PKCS#11 key handle
     * ("EC is not supported by the JCE") because it signs through software providers it picks itself.
     */
    private static DtlsCertificates certificates(
            Configuration config, java.util.function.Predicate<byte[]> trustedRawKey) {
        if (config.get(ConfigKey.TLS_CERT) == null || config.get(ConfigKey.TLS_KEY) == null) {
            return null;
        }
        PrivateKey key = CertificateTlsSetup.pemKey(config);
        List<X509Certificate> chain = PemKeys.chain(Path.of(config.get(ConfigKey.TLS_CERT)));
        try {
            return new DtlsCertificates(
                    key,
                    chain,
                    CertificateTls.clientTrust(CertificateTlsSetup.clientAuthentication(config)),
                    trustedRawKey);
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalArgumentException("DTLS certificate configuration unusable: " + e.getMessage());
        }
    }
}
