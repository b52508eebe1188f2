package io.citadel.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which level of the secure environment protects which of this CSE's keys and secrets (TS-0003 §11's levels,
 * as far as Citadel has them): a PKCS#11 token (non-extractable), software encryption (PKCS#12 or encrypted
 * PKCS#8 under a password), or a file in clear protected only by its permissions. Announced at start, one
 * line per key, and served by the admin API ({@code GET /admin/keys}); a key in clear is also a warning.
 */
final class KeyProtection {
    /** One key or secret: what it is, where it lives, how it is protected, and whether it is in clear at rest. */
    record Entry(String key, String level, boolean clearAtRest) {}

    private KeyProtection() {}

    static List<Entry> of(Configuration config, Path dataDir) {
        List<Entry> out = new ArrayList<>();
        boolean tlsKeyUsed = config.get(ConfigKey.TLS_PORT) != null
                || config.get(ConfigKey.RPK_PORT) != null
                || (config.get(ConfigKey.COAPS_PORT) != null && config.get(ConfigKey.TLS_KEY) != null);
        if (tlsKeyUsed) {
            String store = config.get(ConfigKey.KEY_STORE);
            if ("pkcs11".equals(store)) {
                out.add(new Entry(
                        "tls-key (certificate TLS)",
                        "PKCS#11 token " + config.get(ConfigKey.PKCS11_LIBRARY) + " slot index "
                                + config.get(ConfigKey.PKCS11_SLOT_INDEX)
                                + ": sensitive, non-extractable; signs inside the token",
                        false));
            } else if ("pkcs12".equals(store)) {
                out.add(new Entry(
                        "tls-key (certificate TLS)",
                        "software: encrypted PKCS#12 " + config.get(ConfigKey.KEY_STORE_FILE),
                        false));
            }
            if (config.get(ConfigKey.TLS_KEY) != null) {
                boolean encrypted = config.get(ConfigKey.TLS_KEY_PASSWORD_FILE) != null;
                List<String> uses = new ArrayList<>();
                if (store == null && config.get(ConfigKey.TLS_PORT) != null) {
                    uses.add("TLS");
                }
                if (config.get(ConfigKey.COAPS_PORT) != null) {
                    uses.add("DTLS");
                }
                if (config.get(ConfigKey.RPK_PORT) != null) {
                    uses.add("raw-key TLS");
                }
                String users = String.join(", ", uses);
                out.add(new Entry(
                        "tls-key PEM (" + users + ")",
                        encrypted
                                ? "software: encrypted PKCS#8 " + config.get(ConfigKey.TLS_KEY)
                                        + " (password from --tls-key-password-file)"
                                : "CLEAR: unencrypted PEM " + config.get(ConfigKey.TLS_KEY)
                                        + ", protected by file permissions only",
                        !encrypted));
            }
        }
        Path credentials = CredentialStores.directory(config, dataDir);
        if (Files.exists(credentials.resolve("psk.p12"))) {
            out.add(new Entry(
                    "pre-shared keys",
                    "software: encrypted PKCS#12 " + credentials.resolve("psk.p12")
                            + " (Bouncy Castle's TLS-PSK and Scandium need the key bytes, so PSKs cannot stay inside a token)",
                    false));
        }
        if (Files.exists(credentials.resolve("secrets.p12"))) {
            out.add(new Entry(
                    "client secrets (broker, registrar)",
                    "software: encrypted PKCS#12 " + credentials.resolve("secrets.p12"),
                    false));
        }
        if (Files.exists(credentials.resolve("psk.p12")) || Files.exists(credentials.resolve("secrets.p12"))) {
            String password = CredentialStores.passwordSource(config, credentials);
            out.add(new Entry("credential store password", password, password.startsWith("CLEAR")));
        }
        if (Files.exists(credentials.resolve(VaultEsprimKeys.FILE)) && config.get(ConfigKey.KEY_STORE) != null) {
            out.add(new Entry(
                    "pairwise ESPrim keys",
                    "pkcs11".equals(config.get(ConfigKey.KEY_STORE))
                            ? "PKCS#11 token " + config.get(ConfigKey.PKCS11_LIBRARY)
                                    + ": sensitive, non-extractable; session keys derived inside the token"
                            : "software: encrypted PKCS#12 " + config.get(ConfigKey.KEY_STORE_FILE),
                    false));
        }
        if (Files.exists(credentials.resolve("esprim"))) {
            out.add(new Entry(
                    "pairwise ESPrim keys (file store)",
                    "software: encrypted PKCS#12 " + credentials.resolve("esprim")
                            + " (--key-store keeps new ones in the key vault instead)",
                    false));
        }
        if (config.get(ConfigKey.ADMIN_PORT) != null) {
            String token = config.get(ConfigKey.ADMIN_TOKEN_FILE) != null
                    ? config.get(ConfigKey.ADMIN_TOKEN_FILE)
                    : dataDir.resolve("admin-api.token").toString();
            out.add(new Entry(
                    "admin API token", "CLEAR: file " + token + " (0600), compared as a SHA-256 digest", true));
        }
        return out;
    }
}
