package io.citadel.server;

import io.citadel.binding.http.HttpBinding;
import io.citadel.binding.http.HttpSettings;
import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.InboundPort;
import io.citadel.store.jdbc.JdbcResourceStore;
import io.citadel.store.jdbc.StoreSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/** Wires configuration, storage, engine and bindings; owns their lifecycle. */
public final class CitadelServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("citadel.server");
    private final JdbcResourceStore store;
    private final Cse cse;
    private final HttpBinding http;
    private final SchemeOutbound outbound;
    private final EmbeddedDas das;
    private final HttpBinding psk;
    private final HttpBinding tls;
    /** The bindings' inbound ports (each with its worker pool), closed after the bindings. */
    private final List<InboundPort> ports;

    private io.citadel.binding.coap.CoapBinding coap;
    private io.citadel.binding.mqtt.MqttBinding mqtt;
    private AdminApi adminApi;
    private HttpBinding rawKeyTls;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;
    /** Why the server stopped by itself (the database lock was lost); null for a normal stop. */
    private volatile String failure;

    private CitadelServer(
            JdbcResourceStore store,
            Cse cse,
            HttpBinding http,
            SchemeOutbound outbound,
            EmbeddedDas das,
            HttpBinding psk,
            HttpBinding tls,
            List<InboundPort> ports) {
        this.ports = ports;
        this.outbound = outbound;
        this.tls = tls;
        this.das = das;
        this.psk = psk;
        this.store = store;
        this.cse = cse;
        this.http = http;
    }

    /**
     * Starts a server in this JVM exactly as {@code citadel serve ARGS} does in its own (embedding, in-process
     * tests): {@code announce} gets the lines {@code serve} prints, ending with {@code Citadel ready}. Throws
     * {@link IllegalArgumentException} or {@link IllegalStateException} for a configuration {@code serve} refuses.
     */
    public static CitadelServer start(List<String> serveArgs, PrintStream announce)
            throws InterruptedException, IOException {
        return start(Configuration.resolve(serveArgs, System.getenv()), announce);
    }

    /**
     * Checks the whole configuration and reaches an external database before anything is touched; then
     * prepares the data directory and starts every configured listener. Prints {@code Citadel ready} once all
     * are open and the store answers. A failed start closes what it opened and, when this start created the
     * data directory, removes it again.
     */
    static CitadelServer start(Configuration config, PrintStream announce) throws InterruptedException, IOException {
        return start(config, announce, JdbcResourceStore.DEFAULT_LOCK_CHECK_INTERVAL);
    }

    /**
     * As {@link #start(Configuration, PrintStream)}, checking every {@code lockCheckInterval} that this
     * instance still holds its database: when it lost it, the server closes itself ({@link #awaitTermination}
     * then answers {@link #EXIT_LOCK_LOST}).
     */
    static CitadelServer start(Configuration config, PrintStream announce, java.time.Duration lockCheckInterval)
            throws InterruptedException, IOException {
        StartupChecks.check(config);
        Path dataDir = Path.of(config.get(ConfigKey.DATA_DIR));
        StoreSettings storeSettings = storeSettings(config, dataDir);
        boolean freshDataDir = Files.notExists(dataDir);
        // an external database is reached (and locked) before the data directory is created
        JdbcResourceStore external = config.get(ConfigKey.DB_URL) == null ? null : new JdbcResourceStore(storeSettings);
        try {
            DataDirectory.prepare(dataDir);
            CitadelServer server = startIn(config, announce, dataDir, storeSettings, external);
            try {
                DataDirectory.secure(dataDir); // what libraries created meanwhile
                server.store.findByPath(server.cse.settings().cseName()); // the store answers
                server.store.watchInstanceLock(lockCheckInterval, server::stopOnLostLock);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            LOG.info(READY);
            announce.println(READY);
            announce.flush();
            return server;
        } catch (RuntimeException | InterruptedException | IOException e) {
            if (external != null) {
                external.close(); // idempotent when startIn closed it already
            }
            if (freshDataDir) {
                DataDirectory.remove(dataDir);
            }
            throw e;
        }
    }

    /** The readiness signal: printed once, after every configured listener is open and the store answers. */
    static final String READY = "Citadel ready";

    private static CitadelServer startIn(
            Configuration config,
            PrintStream announce,
            Path dataDir,
            StoreSettings storeSettings,
            JdbcResourceStore external)
            throws InterruptedException, IOException {
        AdminIdentity adminIdentity = AdminIdentity.resolve(config.get(ConfigKey.ADMIN_ORIGINATOR), dataDir);
        String admin = adminIdentity.value();
        String host = config.get(ConfigKey.HTTP_HOST);
        int port = config.getInt(ConfigKey.HTTP_PORT);
        JdbcResourceStore store = external != null ? external : new JdbcResourceStore(storeSettings);
        SchemeOutbound outbound;
        try {
            outbound = new SchemeOutbound(new HttpOutbound(
                    CertificateTlsSetup.client(config, cseSettings(config, admin, host, port)),
                    registrarPsk(config, dataDir)));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        Cse cse = null;
        EmbeddedDas das = null;
        List<InboundPort> ports = new java.util.concurrent.CopyOnWriteArrayList<>();
        CitadelServer started = null;
        try {
            CseSettings settings = cseSettings(config, admin, host, port);
            LogRedaction.hideAdministrator(Cse.administratorSpellings(
                    settings, new io.citadel.security.OriginatorIds(settings.cseId(), settings.spId())));
            io.citadel.engine.authorization.SecurityOptions security =
                    SecurityConfiguration.load(config, dataDir, outbound);
            if (config.get(ConfigKey.DAS_PORT) != null) {
                das = EmbeddedDas.start(config, dataDir.resolve("das"), host);
                List<io.citadel.security.TrustedIssuer> trusted = new java.util.ArrayList<>(security.trustedIssuers());
                trusted.add(das.trustedIssuer());
                security = security.with(trusted, security.decryptionKeys());
            }
            CredentialAdmin credentials = new CredentialAdmin(config, dataDir);
            io.citadel.engine.CseBuilder builder = Cse.builder(settings, store)
                    .security(security)
                    .accessLog(new io.citadel.store.jdbc.JdbcSubjectAccessLog(
                            store,
                            java.time.Duration.parse(config.get(ConfigKey.ACCESS_LOG_RETENTION)),
                            java.time.Clock.systemUTC()))
                    .firmwareUpdateKeys(FirmwareUpdateKeys.load(config))
                    .esprim(
                            EsprimSetup.keys(
                                    KeyBrokerSetup.wrapForEsprim(config, settings, credentials.esprimStore()),
                                    credentials.esprimVault()),
                            EsprimSetup.settings(config),
                            EsprimSetup.suids(config, credentials.esprimKeys()));
            EsCertKeSetup.configure(config, settings, builder);
            if (config.get(ConfigKey.ESDATA_TRUST) != null) {
                io.citadel.tls.RevocationList crls = config.get(ConfigKey.TLS_CRL) == null
                        ? null
                        : new io.citadel.tls.RevocationList(
                                java.nio.file.Path.of(config.get(ConfigKey.TLS_CRL)), false);
                builder.esdataTrust(
                        io.citadel.tls.PemKeys.chain(java.nio.file.Path.of(config.get(ConfigKey.ESDATA_TRUST))),
                        crls == null ? c -> false : crls::isRevoked);
            }
            cse = builder.build();
            // an erasure a stop interrupted is finished before any listener opens
            ErasureJournal erasures = new ErasureJournal(dataDir.resolve("erasures.pending"));
            erasures.resume(cse.privacy());
            HttpSettings httpSettings = listener(config, host, port);
            boolean ut = config.getBoolean(ConfigKey.UPPER_TESTER);
            HttpBinding[] holder = new HttpBinding[1];
            Cse engine = cse;
            holder[0] = new HttpBinding(
                    port(ports, cse, "citadel-worker", httpSettings),
                    httpSettings,
                    ut ? new CseUpperTester(engine, () -> holder[0].port()) : null);
            HttpBinding psk = null;
            // one set of stores for the listeners and the admin API: a revocation there reaches the sessions at once
            boolean pskListeners = config.get(ConfigKey.PSK_PORT) != null || config.get(ConfigKey.COAPS_PORT) != null;
            io.citadel.security.HandshakeThrottle pskThrottle = pskListeners ? CredentialStores.throttle(config) : null;
            io.citadel.credentials.PskStore pskStore =
                    pskListeners ? KeyBrokerSetup.wrap(config, settings, credentials.pskStore()) : null;
            if (config.get(ConfigKey.PSK_PORT) != null) {
                io.citadel.security.OriginatorIds ids =
                        new io.citadel.security.OriginatorIds(settings.cseId(), settings.spId());
                long handshake = config.getInt(ConfigKey.HANDSHAKE_TIMEOUT_MS);
                HttpSettings pskSettings = listener(config, host, config.getInt(ConfigKey.PSK_PORT));
                psk = new HttpBinding(
                        port(ports, cse, "citadel-psk-worker", pskSettings),
                        pskSettings,
                        null,
                        () -> new io.citadel.tls.PskTlsHandler(pskStore, pskThrottle, ids::normalize, handshake));
            }
            HttpBinding tls = null;
            if (config.get(ConfigKey.TLS_PORT) != null) {
                HttpSettings tlsSettings = listener(config, host, config.getInt(ConfigKey.TLS_PORT));
                tls = new HttpBinding(
                        port(ports, cse, "citadel-tls-worker", tlsSettings),
                        tlsSettings,
                        null,
                        CertificateTlsSetup.server(config, settings));
            }
            CitadelServer server = new CitadelServer(store, cse, holder[0], outbound, das, psk, tls, ports);
            started = server;
            if (config.get(ConfigKey.RPK_PORT) != null) {
                HttpSettings rpkSettings = listener(config, host, config.getInt(ConfigKey.RPK_PORT));
                server.rawKeyTls = new HttpBinding(
                        port(ports, cse, "citadel-rpk-worker", rpkSettings),
                        rpkSettings,
                        null,
                        RawKeyTlsSetup.server(
                                config,
                                credentials::rawKeyStore,
                                new io.citadel.security.OriginatorIds(settings.cseId(), settings.spId())));
                announce.println("Citadel TLS (raw public keys) listening on port " + server.rawKeyTls.port());
            }
            server.coap = CoapSetup.start(
                    config,
                    (name, threads) -> port(ports, engine, name, threads, 4096),
                    settings,
                    host,
                    pskStore,
                    pskThrottle,
                    credentials::rawKeyStore);
            if (server.coap != null) {
                io.citadel.binding.coap.CoapOutbound coapOut = CoapSetup.outbound(config);
                outbound.register("coap", coapOut);
                outbound.register("coaps", coapOut);
            }
            server.mqtt =
                    MqttSetup.start(config, (name, threads) -> port(ports, engine, name, threads, 4096), settings);
            if (server.mqtt != null) {
                outbound.register("mqtt", server.mqtt);
            }
            List<String> poa = pointOfAccess(config, host, holder[0].port(), tls);
            cse.pointOfAccess(poa);
            if (config.get(ConfigKey.REGISTRAR_CSE_ID) != null) { // its form checked by StartupChecks
                String registrarPoa = config.get(ConfigKey.REGISTRAR_POA);
                io.citadel.security.OriginatorIds ids =
                        new io.citadel.security.OriginatorIds(settings.cseId(), settings.spId());
                String registrar = ids.normalize(config.get(ConfigKey.REGISTRAR_CSE_ID));
                cse.registerWith(registrar, registrarPoa, duration(config, ConfigKey.REGISTRAR_KEEPALIVE), poa);
                announce.println("Citadel registering with " + registrar + " at " + registrarPoa);
            }
            String line = "Citadel CSE " + settings.cseId() + " (" + settings.cseName() + ") listening on http://"
                    + host + ":" + holder[0].port() + "/ storage="
                    + (config.get(ConfigKey.DB_URL) == null
                            ? "embedded H2 in " + dataDir.toAbsolutePath()
                            : "PostgreSQL")
                    + (ut ? " upper-tester=on" : "");
            LOG.info(line);
            announce.println(line);
            if (das != null) {
                announce.println("Citadel DAS " + das.trustedIssuer().issuerId() + " (in process) listening on port "
                        + das.port());
            }
            if (psk != null) {
                announce.println("Citadel TLS-PSK listening on port " + psk.port());
            }
            if (tls != null) {
                announce.println("Citadel TLS (certificates) listening on port " + tls.port());
            }
            if (server.mqtt != null) {
                announce.println("Citadel MQTT client of " + server.mqtt.brokerUri());
            }
            if (server.coap != null && server.coap.port() >= 0) {
                announce.println("Citadel CoAP listening on udp port " + server.coap.port());
            }
            if (server.coap != null && server.coap.securePort() >= 0) {
                announce.println("Citadel CoAP over DTLS listening on udp port " + server.coap.securePort());
            }
            server.adminApi = AdminApi.start(config, dataDir, announce, credentials, cse.privacy(), erasures);
            for (KeyProtection.Entry key : KeyProtection.of(config, dataDir)) {
                announce.println("Citadel key protection: " + key.key() + ": " + key.level());
                if (key.clearAtRest() && key.key().startsWith("tls-key")) {
                    LOG.warning(
                            "the private key " + config.get(ConfigKey.TLS_KEY) + " is stored in clear; encrypt it"
                                    + " (openssl pkcs8 -topk8 -v2 aes-256-cbc) and give --tls-key-password-file, or use --key-store");
                }
            }
            adminIdentity.persist(announce);
            announce.flush();
            return server;
        } catch (RuntimeException | InterruptedException | IOException e) {
            if (started != null) { // a later binding failed: stop the listeners already open as well
                started.close();
                throw e;
            }
            ports.forEach(InboundPort::close);
            if (cse != null) {
                cse.close();
            }
            outbound.close();
            if (das != null) {
                das.close();
            }
            store.close();
            throw e;
        }
    }

    /** Opens an HTTP listener's inbound port, with the listener's worker pool. */
    private static InboundPort port(List<InboundPort> ports, Cse cse, String name, HttpSettings settings) {
        return port(ports, cse, name, settings.workerThreads(), 16_384);
    }

    /** Opens an inbound port on the engine and keeps it for closing. */
    static InboundPort port(List<InboundPort> ports, Cse cse, String name, int threads, int queue) {
        InboundPort port = InboundPort.open(cse, cse.connections(), name, threads, queue);
        ports.add(port);
        return port;
    }

    /** One HTTP listener's settings: the secure defaults, with the operator's body, worker and per-peer limits. */
    private static HttpSettings listener(Configuration config, String host, int port) {
        HttpSettings d =
                HttpSettings.defaults(host, port, config.getInt(ConfigKey.MAX_BODY), config.getInt(ConfigKey.WORKERS));
        return d.withConnectionLimits(
                d.maxConnections(),
                config.getInt(ConfigKey.MAX_CONNECTIONS_PER_PEER),
                config.getInt(ConfigKey.MAX_CONNECTIONS_PER_LOOPBACK_PEER),
                d.loopbackReserve());
    }

    /** The registrar over TLS-PSK when --registrar-psk-identity is given (its key: the secret registrar-psk); else null. */
    private static PskPeer registrarPsk(Configuration config, Path dataDir) {
        String identity = config.get(ConfigKey.REGISTRAR_PSK_IDENTITY);
        if (identity == null || identity.isBlank()) {
            return null;
        }
        if (config.get(ConfigKey.REGISTRAR_POA) == null) {
            throw new IllegalArgumentException(
                    "--registrar-psk-identity needs --registrar-poa (the registrar's TLS-PSK listener)");
        }
        byte[] key = CredentialStores.hexSecret(config, dataDir, REGISTRAR_PSK_SECRET);
        try {
            return new PskPeer(config.get(ConfigKey.REGISTRAR_POA), identity, key);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    static final String REGISTRAR_PSK_SECRET = "registrar-psk";

    /** --point-of-access, else the TLS listener (https) first, then plain HTTP. */
    private static List<String> pointOfAccess(Configuration config, String host, int port, HttpBinding tls) {
        String configured = config.get(ConfigKey.POINT_OF_ACCESS);
        if (configured != null && !configured.isBlank()) {
            return Arrays.stream(configured.split(","))
                    .map(String::trim)
                    .filter(x -> !x.isEmpty())
                    .toList();
        }
        String poaHost = host.equals("0.0.0.0") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        List<String> poa = new java.util.ArrayList<>();
        if (tls != null) {
            poa.add("https://" + poaHost + ":" + tls.port() + "/");
        }
        poa.add("http://" + poaHost + ":" + port + "/");
        return List.copyOf(poa);
    }

    private static java.time.Duration duration(Configuration config, ConfigKey key) {
        try {
            java.time.Duration d = java.time.Duration.parse(config.get(key));
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("--" + key.flag() + " must be positive");
            }
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--" + key.flag() + " must be an ISO 8601 duration such as PT30S");
        }
    }

    private static StoreSettings storeSettings(Configuration config, Path dataDir) {
        boolean sync = config.getBoolean(ConfigKey.STORAGE_SYNC);
        String url = config.get(ConfigKey.DB_URL);
        if (url == null || url.isBlank()) {
            return StoreSettings.embedded(dataDir, sync).withSubjectKeys(subjectKeys(config, dataDir));
        }
        String password = System.getenv("CITADEL_DB_PASSWORD");
        String file = config.get(ConfigKey.DB_PASSWORD_FILE);
        if (file != null) {
            try {
                password =
                        Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --db-password-file " + file);
            }
        }
        return new StoreSettings(url, config.get(ConfigKey.DB_USER), password, 8, sync)
                .withSubjectKeys(subjectKeys(config, dataDir));
    }

    private static Path subjectKeys(Configuration config, Path dataDir) {
        String file = config.get(ConfigKey.SUBJECT_KEYS);
        return file == null ? dataDir.resolve(SUBJECT_KEYS) : Path.of(file);
    }

    /** The data subjects' content keys, beside the database (never in it): see {@code docs/privacy.md}. */
    static final String SUBJECT_KEYS = "subject-keys.json";

    static CseSettings cseSettings(Configuration config, String admin, String host, int port) {
        int type = switch (config.get(ConfigKey.CSE_TYPE).toUpperCase(Locale.ROOT)) {
            case "IN" -> 1;
            case "MN" -> 2;
            case "ASN" -> 3;
            default -> throw new IllegalArgumentException("--cse-type must be IN, MN or ASN");
        };
        String allowed = config.get(ConfigKey.REGISTRATION_ALLOWED);
        List<String> patterns = allowed == null || allowed.isBlank()
                ? List.of()
                : Arrays.stream(allowed.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
        String poaHost = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        io.citadel.security.OriginatorIds ids =
                new io.citadel.security.OriginatorIds(config.get(ConfigKey.CSE_ID), config.get(ConfigKey.SP_ID));
        List<String> insecure = Arrays.stream(
                        config.get(ConfigKey.INSECURE_CSE_PEERS).split(","))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .map(ids::normalize)
                .toList();
        return new CseSettings(
                config.get(ConfigKey.CSE_ID),
                config.get(ConfigKey.CSE_NAME),
                config.get(ConfigKey.SP_ID),
                type,
                admin,
                patterns,
                List.of("http://" + poaHost + ":" + port + "/"),
                config.getInt(ConfigKey.MAX_RESULTS),
                insecure);
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    public int httpPort() {
        return http.port();
    }

    public Cse cse() {
        return cse;
    }

    /** The exit status of {@code serve} after the server stopped because it lost its database lock. */
    static final int EXIT_LOCK_LOST = 1;

    /** Waits until the server is closed; 0 after a normal stop, {@link #EXIT_LOCK_LOST} when it stopped itself. */
    int awaitTermination() throws InterruptedException {
        stopped.await();
        return failure == null ? 0 : EXIT_LOCK_LOST;
    }

    /** The store's callback: another instance could now take the database, so this one stops serving. */
    private void stopOnLostLock(String reason) {
        failure = reason; // the store logged it (SEVERE)
        close();
    }

    /** Stops every listener, then the engine and the store; idempotent (a shutdown hook may call it again). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (adminApi != null) {
            adminApi.close();
        }
        if (coap != null) {
            coap.close();
        }
        if (mqtt != null) {
            mqtt.close();
        }
        http.close();
        if (psk != null) {
            psk.close();
        }
        if (tls != null) {
            tls.close();
        }
        if (rawKeyTls != null) {
            rawKeyTls.close();
        }
        ports.forEach(InboundPort::close);
        cse.close();
        outbound.close();
        if (das != null) {
            das.close();
        }
        store.close();
        stopped.countDown();
    }
}
