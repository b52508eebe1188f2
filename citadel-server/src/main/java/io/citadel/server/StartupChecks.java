package io.citadel.server;

/**
 * The rules between settings, checked before {@code serve} touches anything: no data directory is created,
 * no administrator originator generated, no port opened while the configuration is wrong. Each value's own
 * form (ports, numbers, choices, files) is checked by {@link Configuration#resolve}; what needs a live
 * peer (the database) is checked next, by {@link CitadelServer#start}, still before the data directory.
 */
final class StartupChecks {
    private StartupChecks() {}

    /** @throws IllegalArgumentException naming the first setting that is wrong */
    static void check(Configuration config) {
        String host = config.get(ConfigKey.HTTP_HOST);
        boolean plainAllowed = config.getBoolean(ConfigKey.ALLOW_PLAIN_HTTP);
        if (!CitadelServer.isLoopback(host) && !plainAllowed) {
            throw new IllegalArgumentException(
                    "plain HTTP on " + host + " would expose unencrypted, unauthenticated traffic;"
                            + " use --psk-port/--tls-port, or --allow-plain-http true if the network is protected otherwise");
        }
        if (config.get(ConfigKey.COAP_PORT) != null && !CitadelServer.isLoopback(host) && !plainAllowed) {
            throw new IllegalArgumentException(
                    "plain CoAP on " + host + " would expose unencrypted, unauthenticated traffic;"
                            + " use --coaps-port, or --allow-plain-http true if the network is protected otherwise");
        }
        AdminApi.checkInterface(config);
        String admin = config.get(ConfigKey.ADMIN_ORIGINATOR);
        // the identity settings (CSE-ID, name, SP-ID, type, peers) as the engine will check them
        CitadelServer.cseSettings(
                config,
                admin == null || admin.isBlank() ? "CAdmin" : admin.trim(),
                host,
                config.getInt(ConfigKey.HTTP_PORT));
        checkRegistrar(config);
        checkMqtt(config, plainAllowed);
        if (config.get(ConfigKey.ASSURANCE_4_ISSUERS) != null) {
            if (config.get(ConfigKey.TLS_PORT) == null && config.get(ConfigKey.COAPS_PORT) == null) {
                throw new IllegalArgumentException(
                        "--assurance-4-issuers concerns client certificates: it needs --tls-port or --coaps-port");
            }
            CertificateTlsSetup.hardwareKeyIssuers(config); // readable, CA certificates only
        }
        if ("pkcs12".equals(config.get(ConfigKey.KEY_STORE)) && config.get(ConfigKey.KEY_STORE_FILE) == null) {
            throw new IllegalArgumentException("--key-store pkcs12 needs --key-store-file");
        }
        String url = config.get(ConfigKey.DB_URL);
        if (url != null && !url.isBlank()) {
            io.citadel.store.jdbc.Dialect.ofUrl(url);
        }
    }

    private static void checkRegistrar(Configuration config) {
        boolean hasPoa = config.get(ConfigKey.REGISTRAR_POA) != null;
        String registrar = config.get(ConfigKey.REGISTRAR_CSE_ID);
        if (registrar != null) {
            if (!hasPoa) {
                throw new IllegalArgumentException("--registrar-cse-id needs --registrar-poa");
            }
            String normalized = new io.citadel.security.OriginatorIds(
                            config.get(ConfigKey.CSE_ID), config.get(ConfigKey.SP_ID))
                    .normalize(registrar);
            if (!normalized.startsWith("/") || normalized.startsWith("//") || normalized.indexOf('/', 1) >= 0) {
                throw new IllegalArgumentException("--registrar-cse-id must be an SP-relative CSE-ID such as /id-in");
            }
        }
        String pskIdentity = config.get(ConfigKey.REGISTRAR_PSK_IDENTITY);
        if (pskIdentity != null && !pskIdentity.isBlank() && !hasPoa) {
            throw new IllegalArgumentException(
                    "--registrar-psk-identity needs --registrar-poa (the registrar's TLS-PSK listener)");
        }
    }

    private static void checkMqtt(Configuration config, boolean plainAllowed) {
        String broker = config.get(ConfigKey.MQTT_BROKER);
        if (broker == null || broker.isBlank()) {
            return;
        }
        if (!broker.startsWith("tcp://") && !broker.startsWith("ssl://") && !broker.startsWith("psk://")) {
            throw new IllegalArgumentException("--mqtt-broker is tcp://host:port, ssl://host:port or psk://host:port");
        }
        String brokerHost;
        try {
            brokerHost = java.net.URI.create(broker).getHost();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mqtt-broker is not a URI: " + broker);
        }
        if (broker.startsWith("tcp://")
                && (brokerHost == null || !CitadelServer.isLoopback(brokerHost))
                && !plainAllowed) {
            throw new IllegalArgumentException(
                    "MQTT without TLS to " + brokerHost + " would expose unencrypted traffic and the"
                            + " broker password; use ssl://, or --allow-plain-http true if the network is protected otherwise");
        }
        String identity = config.get(ConfigKey.MQTT_PSK_IDENTITY);
        if (broker.startsWith("psk://") && (identity == null || identity.isBlank())) {
            throw new IllegalArgumentException("a psk:// broker needs --mqtt-psk-identity");
        }
    }
}
