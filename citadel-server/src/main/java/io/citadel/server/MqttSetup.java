package io.citadel.server;

import io.citadel.binding.mqtt.MqttBinding;
import io.citadel.binding.mqtt.MqttSettings;
import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.security.OriginatorIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The MQTT binding as configured: the broker, the CSE's account there (password from a file only) and, for
 * {@code ssl://}, TLS 1.3/1.2 with the broker checked against --tls-trust and the CSE's certificate
 * (--tls-cert/--tls-key) shown to it.
 */
final class MqttSetup {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("citadel.server");

    private MqttSetup() {
    }

    static MqttBinding start(Configuration config, Cse cse, CseSettings settings) {
        String broker = config.get(ConfigKey.MQTT_BROKER);
        if (broker == null || broker.isBlank()) {
            return null;
        }
        if (!broker.startsWith("tcp://") && !broker.startsWith("ssl://")) {
            throw new IllegalArgumentException("--mqtt-broker is tcp://host:port or ssl://host:port");
        }
        String brokerHost = java.net.URI.create(broker).getHost();
        if (broker.startsWith("tcp://") && (brokerHost == null || !CitadelServer.isLoopback(brokerHost))
                && !config.getBoolean(ConfigKey.ALLOW_PLAIN_HTTP)) {
            throw new IllegalArgumentException("MQTT without TLS to " + brokerHost + " would expose unencrypted traffic and the"
                    + " broker password; use ssl://, or --allow-plain-http true if the network is protected otherwise");
        }
        if (config.get(ConfigKey.MQTT_USERNAME) == null) {
            LOG.warning("the CSE logs in to the MQTT broker anonymously: unless the broker authenticates every client and"
                    + " confines it to its own topics (see README), a topic's originator proves nothing");
        }
        char[] password = null;
        if (config.get(ConfigKey.MQTT_PASSWORD_FILE) != null) {
            try {
                password = Files.readString(Path.of(config.get(ConfigKey.MQTT_PASSWORD_FILE)), StandardCharsets.UTF_8)
                        .strip().toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --mqtt-password-file");
            }
        }
        OriginatorIds ids = new OriginatorIds(settings.cseId(), settings.spId());
        javax.net.ssl.SSLSocketFactory tls = null;
        if (broker.startsWith("ssl://")) {
            boolean withCertificate = config.get(ConfigKey.TLS_CERT) != null && config.get(ConfigKey.TLS_KEY) != null;
            tls = io.citadel.tls.ClientSsl.socketFactory(withCertificate ? Path.of(config.get(ConfigKey.TLS_CERT)) : null,
                    withCertificate ? Path.of(config.get(ConfigKey.TLS_KEY)) : null,
                    config.get(ConfigKey.TLS_TRUST) == null ? null : Path.of(config.get(ConfigKey.TLS_TRUST)));
        }
        return new MqttBinding(cse, new MqttSettings(broker, config.get(ConfigKey.MQTT_USERNAME), password, tls,
                Math.min(config.getInt(ConfigKey.MAX_BODY), 256 * 1024), config.getInt(ConfigKey.WORKERS)), ids::normalize);
    }
}
