package io.citadel.server;

import io.citadel.engine.CseSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * The certificate side of TLS as configured: the listener's handlers (server certificate, SNI names,
 * client-certificate checks) and this CSE's client credentials towards other CSEs, from the same key
 * (PEM files, or a vault where the key never leaves it) and the same trust anchors.
 */
final class CertificateTlsSetup {
    private static final Logger LOG = Logger.getLogger("citadel.server");

    private CertificateTlsSetup() {}

    /** True when this CSE has a certificate to show (TLS listener or key store configured). */
    static boolean configured(Configuration config) {
        return config.get(ConfigKey.KEY_STORE) != null
                || (config.get(ConfigKey.TLS_CERT) != null && config.get(ConfigKey.TLS_KEY) != null);
    }

    /** This CSE's TLS client for https CSE peers, with its own certificate; null when it has none. */
    static io.citadel.tls.CseClientTls client(Configuration config, CseSettings settings) {
        if (!configured(config)) {
            return null;
        }
        io.citadel.security.OriginatorIds ids =
                new io.citadel.security.OriginatorIds(settings.cseId(), settings.spId());
        io.citadel.tls.RevocationList crls = crls(config);
        try {
            if (config.get(ConfigKey.KEY_STORE) != null) {
                return io.citadel.tls.CseClientTls.fromKeyManager(
                        vaultKeys(config),
                        trustAnchors(config),
                        crls,
                        settings.spId().substring(2),
                        ids::normalize);
            }
            return io.citadel.tls.CseClientTls.fromPem(
                    new java.io.File(config.get(ConfigKey.TLS_CERT)),
                    new java.io.File(config.get(ConfigKey.TLS_KEY)),
                    keyPassword(config),
                    trustAnchors(config),
                    crls,
                    settings.spId().substring(2),
                    ids::normalize);
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalArgumentException("TLS client configuration unusable: " + e.getMessage());
        }
    }

    /**
     * This CSE's private key from the PEM file {@code --tls-key}, decrypted with {@code --tls-key-password-file}
     * when given, for the listeners that sign in software (DTLS, raw-public-key TLS).
     */
    static java.security.PrivateKey pemKey(Configuration config) {
        String password = keyPassword(config);
        char[] chars = password == null ? null : password.toCharArray();
        try {
            return io.citadel.tls.PemKeys.privateKey(Path.of(config.get(ConfigKey.TLS_KEY)), chars);
        } finally {
            if (chars != null) {
                java.util.Arrays.fill(chars, '\0');
            }
        }
    }

    private static String keyPassword(Configuration config) {
        if (config.get(ConfigKey.TLS_KEY_PASSWORD_FILE) == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(config.get(ConfigKey.TLS_KEY_PASSWORD_FILE)), StandardCharsets.UTF_8)
                    .strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --tls-key-password-file");
        }
    }

    private static io.citadel.tls.RevocationList crls(Configuration config) {
        return config.get(ConfigKey.TLS_CRL) == null
                ? null
                : new io.citadel.tls.RevocationList(
                        Path.of(config.get(ConfigKey.TLS_CRL)), config.getBoolean(ConfigKey.TLS_CRL_REQUIRED));
    }

    static java.util.function.Supplier<io.netty.channel.ChannelHandler> server(
            Configuration config, CseSettings settings) {
        if (config.get(ConfigKey.KEY_STORE) != null) {
            return vaultTls(config, settings);
        }
        for (ConfigKey k : List.of(ConfigKey.TLS_CERT, ConfigKey.TLS_KEY)) {
            if (config.get(k) == null) {
                throw new IllegalArgumentException("--tls-port needs --" + k.flag());
            }
        }
        String password = keyPassword(config);
        io.citadel.security.OriginatorIds ids =
                new io.citadel.security.OriginatorIds(settings.cseId(), settings.spId());
        try {
            if (config.get(ConfigKey.TLS_SNI_DIR) != null) {
                return io.citadel.tls.CertificateTls.serverWithSni(
                        new java.io.File(config.get(ConfigKey.TLS_CERT)),
                        new java.io.File(config.get(ConfigKey.TLS_KEY)),
                        password,
                        sniNames(Path.of(config.get(ConfigKey.TLS_SNI_DIR))),
                        clientAuthentication(config),
                        settings.spId().substring(2),
                        ids::normalize,
                        config.getInt(ConfigKey.HANDSHAKE_TIMEOUT_MS));
            }
            return io.citadel.tls.CertificateTls.server(
                    new java.io.File(config.get(ConfigKey.TLS_CERT)),
                    new java.io.File(config.get(ConfigKey.TLS_KEY)),
                    password,
                    clientAuthentication(config),
                    settings.spId().substring(2),
                    ids::normalize,
                    config.getInt(ConfigKey.HANDSHAKE_TIMEOUT_MS));
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS configuration unusable: " + e.getMessage());
        }
    }

    /** {@code <host>.pem} + {@code <host>.key} pairs of a directory, by host name. */
    private static java.util.Map<String, java.io.File[]> sniNames(Path dir) {
        java.util.Map<String, java.io.File[]> names = new java.util.TreeMap<>();
        java.io.File[] pems = dir.toFile().listFiles((d, n) -> n.endsWith(".pem"));
        if (pems == null) {
            throw new IllegalArgumentException("--tls-sni-dir " + dir + " is not a directory");
        }
        for (java.io.File pem : pems) {
            String host = pem.getName().substring(0, pem.getName().length() - 4);
            java.io.File key = new java.io.File(pem.getParentFile(), host + ".key");
            if (!key.isFile()) {
                throw new IllegalArgumentException("--tls-sni-dir: " + pem.getName() + " has no " + key.getName());
            }
            names.put(host, new java.io.File[] {pem, key});
        }
        return names;
    }

    /** --tls-trust, else the credential store's trust directory (managed by citadel credentials ca). */
    private static java.io.File trustAnchors(Configuration config) {
        if (config.get(ConfigKey.TLS_TRUST) != null) {
            return new java.io.File(config.get(ConfigKey.TLS_TRUST));
        }
        Path dir = TrustAnchorCommand.directory(config);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "--tls-port needs --tls-trust or trust anchors added with citadel credentials ca add");
        }
        return dir.toFile();
    }

    static io.citadel.tls.ClientAuthentication clientAuthentication(Configuration config) {
        String auth = config.get(ConfigKey.TLS_CLIENT_AUTH);
        if (!auth.equals("required") && !auth.equals("optional")) {
            throw new IllegalArgumentException("--tls-client-auth must be required or optional");
        }
        io.citadel.tls.RevocationList crls = config.get(ConfigKey.TLS_CRL) == null
                ? null
                : new io.citadel.tls.RevocationList(
                        Path.of(config.get(ConfigKey.TLS_CRL)), config.getBoolean(ConfigKey.TLS_CRL_REQUIRED));
        String ocsp = config.get(ConfigKey.TLS_OCSP_URL);
        return new io.citadel.tls.ClientAuthentication(
                trustAnchors(config),
                crls,
                ocsp == null
                        ? null
                        : new io.citadel.tls.OcspPolicy(
                                java.net.URI.create(ocsp), config.getBoolean(ConfigKey.TLS_OCSP_REQUIRED), 60_000),
                auth.equals("required"),
                hardwareKeyIssuers(config));
    }

    /** {@code --assurance-4-issuers}: the CAs whose hardware-key certificates reach level of assurance 4. */
    static io.citadel.tls.HardwareKeyIssuers hardwareKeyIssuers(Configuration config) {
        String pem = config.get(ConfigKey.ASSURANCE_4_ISSUERS);
        if (pem == null) {
            return io.citadel.tls.HardwareKeyIssuers.NONE;
        }
        try {
            return io.citadel.tls.HardwareKeyIssuers.load(Path.of(pem));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--assurance-4-issuers: " + e.getMessage());
        }
    }

    /** TLS with the key in a vault: a PKCS#11 token or an encrypted PKCS#12 file. */
    private static java.util.function.Supplier<io.netty.channel.ChannelHandler> vaultTls(
            Configuration config, CseSettings settings) {
        io.citadel.security.OriginatorIds ids =
                new io.citadel.security.OriginatorIds(settings.cseId(), settings.spId());
        try {
            return io.citadel.tls.CertificateTls.server(
                    vaultKeys(config),
                    clientAuthentication(config),
                    settings.spId().substring(2),
                    ids::normalize,
                    config.getInt(ConfigKey.HANDSHAKE_TIMEOUT_MS));
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalArgumentException("TLS key store unusable: " + e.getMessage());
        }
    }

    /** Key managers over the vault's key; the vault is opened once per process. */
    private static synchronized javax.net.ssl.KeyManagerFactory vaultKeys(Configuration config) {
        if (vaultKeys != null) {
            return vaultKeys;
        }
        io.citadel.security.vault.KeyVault vault = KeyVaults.open(config);
        String alias = config.get(ConfigKey.TLS_KEY_ALIAS);
        char[] pin = vault.entryPassword();
        try {
            if (!vault.keyStore().isKeyEntry(alias)) {
                throw new IllegalArgumentException("no key '" + alias + "' in " + vault.level());
            }
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
            kmf.init(vault.keyStore(), pin);
            LOG.info("TLS key '" + alias + "' protected by " + vault.level());
            vaultKeys = kmf;
            return kmf;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS key store unusable: " + e.getMessage());
        } finally {
            java.util.Arrays.fill(pin, '\0');
        }
    }

    private static javax.net.ssl.KeyManagerFactory vaultKeys;
}
