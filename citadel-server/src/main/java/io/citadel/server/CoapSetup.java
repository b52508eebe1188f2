package io.citadel.server;

import io.citadel.binding.coap.CoapBinding;
import io.citadel.binding.coap.CoapSettings;
import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.security.OriginatorIds;
import io.citadel.tls.PskStore;
import java.time.Instant;
import java.util.Optional;
import io.citadel.tls.CertificateTls;
import io.citadel.tls.PemKeys;
import java.nio.file.Path;
import io.citadel.tls.RawPublicKeyStore;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;

/** The CoAP binding as configured: plain CoAP (loopback unless allowed) and DTLS with the credential store's PSKs. */
final class CoapSetup {
    private CoapSetup() {
    }

    /** Starts the binding when a CoAP port is configured; null otherwise. */
    static CoapBinding start(Configuration config, Cse cse, CseSettings settings, String host, PskStore psks) {
        Integer port = config.get(ConfigKey.COAP_PORT) == null ? null : config.getInt(ConfigKey.COAP_PORT);
        Integer securePort = config.get(ConfigKey.COAPS_PORT) == null ? null : config.getInt(ConfigKey.COAPS_PORT);
        if (port == null && securePort == null) {
            return null;
        }
        if (port != null && !CitadelServer.isLoopback(host) && !config.getBoolean(ConfigKey.ALLOW_PLAIN_HTTP)) {
            throw new IllegalArgumentException("plain CoAP on " + host + " would expose unencrypted, unauthenticated traffic;"
                    + " use --coaps-port, or --allow-plain-http true if the network is protected otherwise");
        }
        CoapBinding.Dtls dtls = null;
        if (securePort != null) {
            OriginatorIds ids = new OriginatorIds(settings.cseId(), settings.spId());
            RawPublicKeyStore rawKeys = CredentialStores.rawPublicKeys(config, java.nio.file.Path.of(config.get(ConfigKey.DATA_DIR)));
            CoapBinding.Certificates certificates = certificates(config, spki -> rawKeys.lookup(spki, Instant.now()).isPresent());
            String sp = settings.spId().substring(2);
            dtls = new CoapBinding.Dtls(identity -> psks.key(identity, Instant.now()), certificates, principal -> {
                if (principal instanceof PreSharedKeyIdentity psk) {
                    return psks.association(psk.getIdentity(), Instant.now(), ids::normalize);
                }
                if (principal instanceof RawPublicKeyIdentity raw) {
                    return rawKeys.association(raw.getSubjectInfo(), Instant.now(), ids::normalize);
                }
                if (principal instanceof X509CertPath path) {
                    try {
                        return Optional.of(CertificateTls.identityOf(path.getTarget(), sp, ids::normalize));
                    } catch (java.security.cert.CertificateParsingException e) {
                        return Optional.empty();
                    }
                }
                return Optional.empty();
            });
        }
        return new CoapBinding(cse, new CoapSettings(host, port, securePort, config.getInt(ConfigKey.MAX_BODY),
                config.getInt(ConfigKey.WORKERS)), dtls);
    }

    /**
     * Requests to {@code coap://} targets, and to {@code coaps://} ones with this CSE's certificate when
     * --tls-cert/--tls-key are given (the targets checked against the same trust anchors as clients).
     */
    static io.citadel.binding.coap.CoapOutbound outbound(Configuration config) {
        return new io.citadel.binding.coap.CoapOutbound(certificates(config, null));
    }

    /**
     * This CSE's certificate (and, for clients asking for raw public keys, its bare key) for DTLS when the certificate listener is configured from PEM files
     * (--tls-cert/--tls-key), with the same client-certificate checks; null otherwise.
     */
    private static CoapBinding.Certificates certificates(Configuration config, java.util.function.Predicate<byte[]> trustedRawKey) {
        if (config.get(ConfigKey.TLS_CERT) == null || config.get(ConfigKey.TLS_KEY) == null) {
            return null;
        }
        if (config.get(ConfigKey.TLS_KEY_PASSWORD_FILE) != null) {
            throw new IllegalArgumentException("DTLS with certificates needs an unencrypted --tls-key for now");
        }
        try {
            return new CoapBinding.Certificates(PemKeys.privateKey(Path.of(config.get(ConfigKey.TLS_KEY))),
                    PemKeys.chain(Path.of(config.get(ConfigKey.TLS_CERT))),
                    CertificateTls.clientTrust(CertificateTlsSetup.clientAuthentication(config)),
                    trustedRawKey);
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalArgumentException("DTLS certificate configuration unusable: " + e.getMessage());
        }
    }
}
