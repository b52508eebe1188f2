package io.citadel.client.device;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Installs a firmware image the device has verified (signed by an update key it trusts, newer than what it runs, the
 * image's SHA-256 as signed). What installing means is the device's: flash a partition, stage it for the boot loader.
 */
@FunctionalInterface
public interface FirmwareInstaller {
    /**
     * Installs {@code image} (a file the installer may move or delete) as {@code name} {@code version}; an exception
     * leaves the device on what it ran, and is reported as a failure.
     */
    void install(String name, String version, Path image) throws IOException;
}
