package io.citadel.server;

import io.citadel.binding.coap.CoapBinding;
import io.citadel.binding.coap.CoapSettings;
import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.security.OriginatorIds;
import io.citadel.tls.PskStore;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;

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
            dtls = new CoapBinding.Dtls(identity -> psks.key(identity, Instant.now()), principal ->
                    principal instanceof PreSharedKeyIdentity psk ? psks.association(psk.getIdentity(), Instant.now(), ids::normalize)
                            : Optional.empty());
        }
        return new CoapBinding(cse, new CoapSettings(host, port, securePort, config.getInt(ConfigKey.MAX_BODY),
                config.getInt(ConfigKey.WORKERS)), dtls);
    }
}
