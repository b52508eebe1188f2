package io.citadel.server;

/** Every setting: its flag/file name, environment variable, default and help. The reference in one place. */
enum ConfigKey {
    CONFIG("config", null, "path of a properties file with any of these settings (key=value)"),
    HTTP_HOST("http-host", "127.0.0.1", "interface the HTTP binding listens on (0.0.0.0 for all)"),
    HTTP_PORT("http-port", "8080", "HTTP port (0 = any free port)", Kind.PORT),
    ALLOW_PLAIN_HTTP(
            "allow-plain-http",
            "false",
            "let plain (unencrypted) HTTP listen on a non-loopback interface; without it the CSE refuses to start so",
            Kind.BOOLEAN),
    DATA_DIR("data-dir", "./data", "directory of the embedded database and generated identities"),
    CSE_ID("cse-id", "/id-in", "SP-relative CSE-ID"),
    CSE_NAME("cse-name", "cse-in", "resource name of the CSEBase"),
    SP_ID("sp-id", "//citadel.example", "M2M-SP-ID (lower-case FQDN with leading //)"),
    CSE_TYPE("cse-type", "IN", "IN, MN or ASN", Kind.CHOICE, "IN", "MN", "ASN"),
    ADMIN_ORIGINATOR(
            "admin-originator",
            null,
            "originator with full access; generated at first start (printed once, kept in data-dir) when unset"),
    UPPER_TESTER("upper-tester", "false", "enable POST /__ut__ (test automation; never in production)", Kind.BOOLEAN),
    REGISTRATION_ALLOWED(
            "registration-allowed",
            "C*,S*",
            "comma-separated AE-ID-Stem patterns that may register ('*' never crosses '/'); empty = none"),
    DB_URL("db-url", null, "JDBC URL (jdbc:postgresql://host/db); unset = embedded H2 in data-dir"),
    DB_USER("db-user", "citadel", "database user"),
    DB_PASSWORD_FILE(
            "db-password-file",
            null,
            "file holding the database password (or env CITADEL_DB_PASSWORD); never on the command line",
            Kind.FILE),
    STORAGE_SYNC(
            "storage-sync", "false", "force every commit to the device (survives power loss; slower)", Kind.BOOLEAN),
    MAX_BODY("max-body", "1048576", "largest request body in bytes", Kind.POSITIVE),
    WORKERS("workers", "64", "threads running requests", Kind.POSITIVE),
    MAX_CONNECTIONS_PER_PEER(
            "max-connections-per-peer",
            "64",
            "open connections one client address (IPv6: its /64) may hold on each HTTP listener",
            Kind.POSITIVE),
    MAX_CONNECTIONS_PER_LOOPBACK_PEER(
            "max-connections-per-loopback-peer",
            "1024",
            "open connections one loopback address may hold on each HTTP listener (all local clients share it)",
            Kind.POSITIVE),
    MAX_RESULTS("max-results", "1000", "most resources in one discovery or child listing", Kind.POSITIVE),
    TRUSTED_ISSUERS(
            "trusted-issuers",
            null,
            "JSON file of trusted token issuers (DAS): id, public JWKS, allowed algorithms; unset = tokens refused",
            Kind.FILE),
    TOKEN_DECRYPTION_KEYS(
            "token-decryption-keys", null, "JWKS file with this CSE's private keys for encrypted tokens", Kind.FILE),
    LOCATION_TABLE(
            "location-table",
            null,
            "TSV file mapping peer CIDR blocks to latitude, longitude, country for aclr; unset = location unknown",
            Kind.FILE),
    AUDIT(
            "audit",
            "denials",
            "access decisions written to the citadel.audit log: off, denials or all",
            Kind.CHOICE,
            "off",
            "denials",
            "all"),
    DAS_TIMEOUT_MS(
            "das-timeout-ms", "2000", "longest wait for a Dynamic Authorization Server; then deny", Kind.POSITIVE),
    SUBJECT_KEYS(
            "subject-keys",
            null,
            "file of the data subjects' content keys (0600), which the stored data is encrypted under; unset ="
                    + " data-dir/subject-keys.json. Every instance on one database needs the same file"),
    ACCESS_LOG_RETENTION(
            "access-log-retention",
            "P365D",
            "how long each data subject's access log keeps an entry (ISO 8601 duration)",
            Kind.DURATION),
    MAX_GRANT_LIFETIME(
            "max-grant-lifetime", "PT24H", "cap on privileges a DAS grants (ISO 8601 duration)", Kind.DURATION),
    DAS_PORT(
            "das-port",
            null,
            "also run the Dynamic Authorization Server in this process on this port (0 = any), policies in"
                    + " data-dir/das; this CSE then trusts its tokens",
            Kind.PORT),
    DAS_ID("das-id", "/id-das", "issuer ID of the in-process DAS"),
    PSK_PORT(
            "psk-port",
            null,
            "port of the TLS-PSK listener (RFC 4279; same interface as HTTP); unset = off",
            Kind.PORT),
    MQTT_BROKER(
            "mqtt-broker",
            null,
            "the MQTT binding (TS-0010): broker URI tcp://host:1883, ssl://host:8883 or psk://host:port"
                    + " (TLS-PSK); unset = off"),
    MQTT_USERNAME("mqtt-username", null, "user name at the MQTT broker"),
    MQTT_PASSWORD_FILE(
            "mqtt-password-file",
            null,
            "file holding the MQTT broker password in clear; without it the password is"
                    + " the credential store's secret 'mqtt-password' when set (citadel credentials secret set mqtt-password)",
            Kind.FILE),
    MQTT_PSK_IDENTITY(
            "mqtt-psk-identity",
            null,
            "the CSE's PSK identity at a psk:// broker; the key (hex) is the credential"
                    + " store's secret 'mqtt-psk'"),
    COAP_PORT(
            "coap-port",
            null,
            "UDP port of plain CoAP (TS-0008; loopback only unless allow-plain-http); unset = off",
            Kind.PORT),
    COAPS_PORT(
            "coaps-port",
            null,
            "UDP port of CoAP over DTLS 1.2 with the pre-shared keys of the credential store;" + " unset = off",
            Kind.PORT),
    CREDENTIALS_DIR(
            "credentials-dir", null, "directory of the encrypted credential store; default data-dir/credentials"),
    CREDENTIALS_PASSWORD_FILE(
            "credentials-password-file",
            null,
            "file with the credential store password (or env CITADEL_CREDENTIALS_PASSWORD); never on the command line",
            Kind.FILE),
    TLS_PORT(
            "tls-port",
            null,
            "port of the certificate TLS listener (TLS 1.3/1.2, ECDHE-ECDSA); unset = off",
            Kind.PORT),
    RPK_PORT(
            "rpk-port",
            null,
            "port of the TLS listener for raw public keys (RFC 7250, TLS 1.3/1.2 ECDHE-ECDSA; the CSE"
                    + " proves its --tls-key, clients keys trusted in the credential store); unset = off",
            Kind.PORT),
    TLS_CERT("tls-cert", null, "PEM file: this CSE's certificate followed by its CA chain", Kind.FILE),
    TLS_KEY(
            "tls-key",
            null,
            "PEM file: this CSE's PKCS#8 private key (encrypted when tls-key-password-file is given)",
            Kind.FILE),
    TLS_KEY_PASSWORD_FILE(
            "tls-key-password-file", null, "file holding the password of an encrypted tls-key", Kind.FILE),
    KEY_STORE(
            "key-store",
            null,
            "where the TLS key lives: pkcs11 (a token, e.g. SoftHSM2) or pkcs12 (encrypted file);"
                    + " unset = the tls-key PEM file",
            Kind.CHOICE,
            "pkcs11",
            "pkcs12"),
    PKCS11_LIBRARY("pkcs11-library", "/usr/lib/softhsm/libsofthsm2.so", "PKCS#11 module for key-store pkcs11"),
    PKCS11_SLOT_INDEX("pkcs11-slot-index", "0", "slot list index of the token", Kind.NON_NEGATIVE),
    KEY_STORE_FILE("key-store-file", null, "the PKCS#12 file for key-store pkcs12", Kind.FILE),
    KEY_STORE_PIN_FILE(
            "key-store-pin-file",
            null,
            "file holding the token PIN or PKCS#12 password (or env CITADEL_KEY_STORE_PIN)",
            Kind.FILE),
    TLS_KEY_ALIAS("tls-key-alias", "cse-tls", "alias of the TLS key and certificate chain in the key store"),
    TLS_SNI_DIR(
            "tls-sni-dir",
            null,
            "directory of <host>.pem/<host>.key pairs served by SNI name (same key password); tls-cert is the default"),
    TLS_TRUST("tls-trust", null, "PEM file of trust anchors for client certificates (name constraints are honoured)"),
    ASSURANCE_4_ISSUERS(
            "assurance-4-issuers",
            null,
            "PEM file of CA certificates (the MEF's) whose certificates stating Citadel's hardware-key policy give"
                    + " level of assurance 4; unset = no certificate reaches level 4"),
    TLS_CRL("tls-crl", null, "PEM/DER file of CRLs for client certificates, re-read when it changes"),
    TLS_CRL_REQUIRED(
            "tls-crl-required",
            "false",
            "refuse client certificates whose CA has no current CRL (fail closed)",
            Kind.BOOLEAN),
    TLS_OCSP_URL(
            "tls-ocsp-url", null, "OCSP responder (http URL) asked about client certificates; answers cached 60 s"),
    TLS_OCSP_REQUIRED(
            "tls-ocsp-required",
            "false",
            "refuse client certificates without a good OCSP answer (fail closed)",
            Kind.BOOLEAN),
    TLS_CLIENT_AUTH(
            "tls-client-auth",
            "optional",
            "client certificates: required or optional",
            Kind.CHOICE,
            "required",
            "optional"),
    HANDSHAKE_TIMEOUT_MS(
            "handshake-timeout-ms", "10000", "a TLS handshake not done by then closes the connection", Kind.POSITIVE),
    FIRMWARE_UPDATE_KEYS(
            "firmware-update-keys",
            null,
            "PEM file of the P-256 public keys or certificates whose signature a firmware update needs ([firmware]"
                    + " mgmtObj with ud true: fwh and fwsg); unset = no firmware update is accepted",
            Kind.FILE),
    KEY_BROKER(
            "key-broker",
            null,
            "MEFs and MAFs whose keys this CSE fetches (TS-0003 §8.3.2.1, §8.2.2.3),"
                    + " [mef:|maf:]fqdn=https://host:port[,...]: a TLS-PSK client offering <KeID>@fqdn (a MEF's)"
                    + " or <KcID>@fqdn (a MAF's) gets its key from there, with this CSE's certificate"
                    + " (--tls-cert/--tls-key or --key-store) and --key-broker-trust"),
    ESPRIM_RAND_INPUT(
            "esprim-rand-input",
            "values",
            "how ESPrim rand objects enter the session key (TS-0003 leaves it open): values (their 128 random bits)"
                    + " or objects (their compact JSON); both ends must agree",
            Kind.CHOICE,
            "values",
            "objects"),
    ESPRIM_RAND_LIFETIME(
            "esprim-rand-lifetime",
            "PT1H",
            "how long this CSE's ESPrim receiver rand object is valid (a new one is made at half its life)",
            Kind.DURATION),
    ESDATA_TRUST(
            "esdata-trust",
            null,
            "PEM file of the issuers whose certificates sign ESData; a container with esdp 2 then stores only content"
                    + " signed by its originator's certificate (x5c)",
            Kind.FILE),
    ESCERTKE_INITIATORS(
            "escertke-initiators",
            null,
            "PEM file of the certificates admitted as ESCertKE initiators, each naming its one AE-ID or CSE-ID in"
                    + " subjectAltName; turns ESCertKE on (the CSE proves tls-cert, a P-256 key)",
            Kind.FILE),
    ESCERTKE_KEY_LIFETIME(
            "escertke-key-lifetime",
            "PT24H",
            "how long a pairwise key agreed by ESCertKE is kept (in memory only; a restart forgets it)",
            Kind.DURATION),
    KEY_BROKER_TRUST(
            "key-broker-trust",
            null,
            "PEM trust anchors for the certificates of the --key-broker services (each must name its FQDN)",
            Kind.FILE),
    KEY_BROKER_HOLD(
            "key-broker-hold",
            "PT1H",
            "a fetched key is held at most this long (or its lifetime, if shorter), then fetched again: how long"
                    + " a device its MEF revoked can keep a session",
            Kind.DURATION),
    PSK_FAILURES_ALLOWED(
            "psk-failures-allowed",
            "10",
            "failed PSK handshakes (TLS-PSK and DTLS-PSK) in a row one address may make before it is shut out",
            Kind.POSITIVE),
    PSK_BLOCK_MS(
            "psk-block-ms",
            "1000",
            "first shut-out of an address after too many failed PSK handshakes; doubles with each further failure, up to 10 min",
            Kind.POSITIVE),
    REGISTRAR_CSE_ID(
            "registrar-cse-id",
            null,
            "SP-relative CSE-ID of the registrar this CSE registers with at start (MN or ASN); unset = none (an IN)"),
    REGISTRAR_POA("registrar-poa", null, "point of access of the registrar, e.g. http://in.example:8080/"),
    REGISTRAR_PSK_IDENTITY(
            "registrar-psk-identity",
            null,
            "this CSE's KpsaID at the registrar: requests to --registrar-poa"
                    + " (https://host:port/ of its TLS-PSK listener) go over TLS-PSK with the credential store's secret 'registrar-psk' (hex)"),
    REGISTRAR_KEEPALIVE(
            "registrar-keepalive",
            "PT30S",
            "how often the registration is checked and renewed (ISO 8601 duration)",
            Kind.DURATION),
    POINT_OF_ACCESS(
            "point-of-access",
            null,
            "comma-separated URLs where other CSEs and the registrar reach this CSE; default http://<http-host>:<port>/"),
    ADMIN_PORT(
            "admin-port",
            null,
            "port of the HTTP admin API for the credential store (PSKs, raw public keys, trust"
                    + " anchors, secrets); loopback only; unset = off",
            Kind.PORT),
    ADMIN_HOST("admin-host", "127.0.0.1", "loopback interface of the admin API"),
    ADMIN_TOKEN_FILE(
            "admin-token-file",
            null,
            "file holding the admin API's bearer token; default data-dir/admin-api.token,"
                    + " generated (0600) at first start"),
    INSECURE_CSE_PEERS(
            "insecure-cse-peers",
            "",
            "comma-separated CSE-IDs accepted without TLS (lab only); every other CSE-ID without TLS gets 4107");

    /** What a setting's value must be; {@link Configuration#resolve} checks every value against it. */
    enum Kind {
        TEXT,
        /** 0 to 65535 (0 = any free port). */
        PORT,
        POSITIVE,
        NON_NEGATIVE,
        BOOLEAN,
        /** ISO 8601, positive. */
        DURATION,
        /** One of {@link #choices()}. */
        CHOICE,
        /** An existing, readable regular file. */
        FILE
    }

    private final String name;
    private final String defaultValue;
    private final String help;
    private final Kind kind;
    private final java.util.List<String> choices;

    ConfigKey(String name, String defaultValue, String help) {
        this(name, defaultValue, help, Kind.TEXT);
    }

    ConfigKey(String name, String defaultValue, String help, Kind kind, String... choices) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.help = help;
        this.kind = kind;
        this.choices = java.util.List.of(choices);
    }

    Kind kind() {
        return kind;
    }

    /** The accepted values of a {@link Kind#CHOICE} setting (compared ignoring case). */
    java.util.List<String> choices() {
        return choices;
    }

    String flag() {
        return name;
    }

    String env() {
        return "CITADEL_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    String defaultValue() {
        return defaultValue;
    }

    String help() {
        return help;
    }

    static ConfigKey ofFlag(String flag) {
        for (ConfigKey k : values()) {
            if (k.name.equals(flag)) {
                return k;
            }
        }
        return null;
    }
}
