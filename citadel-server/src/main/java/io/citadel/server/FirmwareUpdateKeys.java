package io.citadel.server;

import io.citadel.client.device.UpdateKeys;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;

/** {@code --firmware-update-keys}: the P-256 public keys (or certificates holding them) that sign firmware updates. */
final class FirmwareUpdateKeys {
    private FirmwareUpdateKeys() {}

    static List<PublicKey> load(Configuration config) {
        String file = config.get(ConfigKey.FIRMWARE_UPDATE_KEYS);
        return file == null ? List.of() : UpdateKeys.load(Path.of(file), "--firmware-update-keys");
    }
}
