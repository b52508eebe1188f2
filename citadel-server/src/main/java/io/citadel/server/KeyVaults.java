package io.citadel.server;

import io.citadel.security.vault.KeyVault;
import io.citadel.security.vault.Pkcs11KeyVault;
import io.citadel.security.vault.Pkcs12KeyVault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the configured secure environment; the PIN or password never comes from a flag. */
final class KeyVaults {
    private KeyVaults() {}

    static KeyVault open(Configuration config) {
        char[] pin = pin(config);
        try {
            return switch (config.get(ConfigKey.KEY_STORE)) {
                case "pkcs11" ->
                    Pkcs11KeyVault.open(
                            config.get(ConfigKey.PKCS11_LIBRARY),
                            config.getInt(ConfigKey.PKCS11_SLOT_INDEX),
                            pin,
                            Path.of(config.get(ConfigKey.DATA_DIR)));
                case "pkcs12" -> {
                    if (config.get(ConfigKey.KEY_STORE_FILE) == null) {
                        throw new IllegalArgumentException("--key-store pkcs12 needs --key-store-file");
                    }
                    yield Pkcs12KeyVault.open(Path.of(config.get(ConfigKey.KEY_STORE_FILE)), pin);
                }
                default -> throw new IllegalArgumentException("--key-store must be pkcs11 or pkcs12");
            };
        } finally {
            java.util.Arrays.fill(pin, '\0');
        }
    }

    private static char[] pin(Configuration config) {
        String file = config.get(ConfigKey.KEY_STORE_PIN_FILE);
        if (file != null) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8)
                        .strip()
                        .toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --key-store-pin-file");
            }
        }
        String env = System.getenv("CITADEL_KEY_STORE_PIN");
        if (env == null || env.isEmpty()) {
            throw new IllegalArgumentException(
                    "the key store needs a PIN: --key-store-pin-file or CITADEL_KEY_STORE_PIN");
        }
        return env.toCharArray();
    }
}
