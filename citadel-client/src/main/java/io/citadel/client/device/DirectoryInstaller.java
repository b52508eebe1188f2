package io.citadel.client.device;

import io.citadel.credentials.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The installer of {@code citadel device run}: a verified image is moved into an owner-only directory as
 * {@code <name>-<version>.img} (characters other than letters, digits, {@code ._+-} replaced), where a boot loader or
 * an update agent takes it up. The move is atomic: an image is there whole or not at all.
 */
final class DirectoryInstaller implements FirmwareInstaller {
    private final Path dir;

    DirectoryInstaller(Path dir) {
        this.dir = dir;
    }

    @Override
    public void install(String name, String version, Path image) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            DeviceState.checkPrivate(dir);
        } else {
            PrivateFiles.directory(dir);
        }
        String file = (name + "-" + version).replaceAll("[^A-Za-z0-9._+-]", "_") + ".img";
        if (file.startsWith(".")) {
            file = "_" + file.substring(1);
        }
        Files.move(image, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
