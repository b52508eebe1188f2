package io.citadel.server;

import io.citadel.binding.mqtt.MqttBinding;
import io.citadel.binding.mqtt.MqttSettings;
import io.citadel.engine.CseSettings;
import io.citadel.security.OriginatorIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The MQTT binding as configured: the broker, the CSE's account there (its password from the credential
 * store's secrets, or from a file) and, for {@code ssl://}, TLS 1.3/1.2 with the broker checked against
 * --tls-trust and the CSE's certificate (--tls-cert/--tls-key) shown to it; for {@code psk://}, TLS-PSK with
 * the key kept as the credential store's secret {@code mqtt-psk}.
 */
final class MqttSetup {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("citadel.server");

    static final String PASSWORD_SECRET = "mqtt-password";
    static final String PSK_SECRET = "mqtt-psk";

    private MqttSetup() {}

    static MqttBinding start(Configuration config, PortOpener ports, CseSettings settings) {
        String broker = config.get(ConfigKey.MQTT_BROKER);
        if (broker == null || broker.isBlank()) {
            return null;
        }
        if (!broker.startsWith("tcp://") && !broker.startsWith("ssl://") && !broker.startsWith("psk://")) {
            throw new IllegalArgumentException("--mqtt-broker is tcp://host:port, ssl://host:port or psk://host:port");
        }
        String brokerHost = java.net.URI.create(broker).getHost();
        if (broker.startsWith("tcp://")
                && (brokerHost == null || !CitadelServer.isLoopback(brokerHost))
                && !config.getBoolean(ConfigKey.ALLOW_PLAIN_HTTP)) {
            throw new IllegalArgumentException(
                    "MQTT without TLS to " + brokerHost + " would expose unencrypted traffic and the"
                            + " broker password; use ssl://, or --allow-plain-http true if the network is protected otherwise");
        }
        if (config.get(ConfigKey.MQTT_USERNAME) == null && !broker.startsWith("psk://")) {
            LOG.warning(
                    "the CSE logs in to the MQTT broker anonymously: unless the broker authenticates every client and"
                            + " confines it to its own topics (see README), a topic's originator proves nothing");
        }
        Path dataDir = Path.of(config.get(ConfigKey.DATA_DIR));
        char[] password = password(config, dataDir);
        OriginatorIds ids = new OriginatorIds(settings.cseId(), settings.spId());
        javax.net.SocketFactory tls = null;
        if (broker.startsWith("psk://")) {
            tls = pskSockets(config, dataDir);
        } else if (broker.startsWith("ssl://")) {
            boolean withCertificate = config.get(ConfigKey.TLS_CERT) != null && config.get(ConfigKey.TLS_KEY) != null;
            tls = io.citadel.tls.ClientSsl.socketFactory(
                    withCertificate ? Path.of(config.get(ConfigKey.TLS_CERT)) : null,
                    withCertificate ? Path.of(config.get(ConfigKey.TLS_KEY)) : null,
                    config.get(ConfigKey.TLS_TRUST) == null ? null : Path.of(config.get(ConfigKey.TLS_TRUST)));
        }
        return new MqttBinding(
                ports.open("citadel-mqtt-worker", config.getInt(ConfigKey.WORKERS)),
                settings.cseId(),
                new MqttSettings(
                        broker,
                        config.get(ConfigKey.MQTT_USERNAME),
                        password,
                        tls,
                        Math.min(config.getInt(ConfigKey.MAX_BODY), 256 * 1024),
                        config.getInt(ConfigKey.WORKERS)),
                ids::normalize);
    }

    /** --mqtt-password-file, else the secret {@code mqtt-password}, else none. */
    private static char[] password(Configuration config, Path dataDir) {
        if (config.get(ConfigKey.MQTT_PASSWORD_FILE) != null) {
            try {
                return Files.readString(Path.of(config.get(ConfigKey.MQTT_PASSWORD_FILE)), StandardCharsets.UTF_8)
                        .strip()
                        .toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --mqtt-password-file");
            }
        }
        if (config.get(ConfigKey.MQTT_USERNAME) == null) {
            return null;
        }
        byte[] secret =
                CredentialStores.secrets(config, dataDir).get(PASSWORD_SECRET).orElse(null);
        if (secret == null) {
            return null;
        }
        java.nio.CharBuffer chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(secret));
        try {
            char[] out = new char[chars.remaining()];
            chars.get(out);
            return out;
        } finally {
            io.citadel.credentials.SecretStore.wipe(secret);
            java.util.Arrays.fill(chars.array(), '\0');
        }
    }

    /** TLS-PSK sockets with --mqtt-psk-identity and the secret {@code mqtt-psk} (hex). */
    private static javax.net.SocketFactory pskSockets(Configuration config, Path dataDir) {
        String identity = config.get(ConfigKey.MQTT_PSK_IDENTITY);
        if (identity == null || identity.isBlank()) {
            throw new IllegalArgumentException("a psk:// broker needs --mqtt-psk-identity");
        }
        byte[] key = CredentialStores.hexSecret(config, dataDir, PSK_SECRET);
        try {
            return io.citadel.client.tls.PskClientSockets.factory(identity, key);
        } finally {
            io.citadel.credentials.SecretStore.wipe(key);
        }
    }
}
