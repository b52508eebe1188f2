package io.citadel.client.device;

import io.citadel.credentials.FirmwareStatement;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A [firmware] update applied by the device (TS 103 645 provision 5.3, secure updates): asked for by {@code ud} true,
 * it installs only what an update key the device trusts signed for this device ({@link FirmwareStatement}: the
 * {@code <node>}'s resource ID, name, version, URL and image hash), only a version newer than the one it runs (a signed
 * older update replayed is refused), and only an image whose SHA-256 is the signed {@code fwh}, downloaded over HTTP
 * or HTTPS (the hash is what makes it trustworthy) up to a size bound. The device checks all of it again whatever the
 * CSE checked.
 */
final class FirmwareUpdate {
    /** The default bound on an image. */
    static final long MAX_IMAGE = 64L * 1024 * 1024;

    /** The longest a whole image download may take. */
    static final Duration DEADLINE = Duration.ofMinutes(10);

    private final List<PublicKey> updateKeys;
    private final FirmwareInstaller installer;
    private final Path scratch;
    private final long maxImage;

    /**
     * @param updateKeys the keys whose updates it installs (none: it installs nothing)
     * @param scratch an owner-only directory where images are downloaded before they are checked
     */
    FirmwareUpdate(List<PublicKey> updateKeys, FirmwareInstaller installer, Path scratch, long maxImage) {
        this.updateKeys = List.copyOf(updateKeys);
        this.installer = installer;
        this.scratch = scratch;
        this.maxImage = maxImage;
    }

    /** Whether it asks for an update: {@code ud} true. */
    static boolean requested(Map<String, Object> attrs) {
        return Boolean.TRUE.equals(attrs.get("ud"));
    }

    /**
     * Applies the update the [firmware] {@code attrs} of the {@code <node>} {@code node} asks for, the device running
     * {@code currentVersion} (null: unknown, any signed version is newer).
     */
    ManagementOutcome apply(String node, Map<String, Object> attrs, String currentVersion) {
        if (updateKeys.isEmpty()) {
            return ManagementOutcome.unacceptable("this device trusts no firmware update key: it installs nothing");
        }
        for (String field : List.of("fwn", "vr", "url")) {
            if (!(attrs.get(field) instanceof String text) || text.isEmpty() || text.contains("\n")) {
                return ManagementOutcome.badArguments(field + " is missing or not one line");
            }
        }
        String name = (String) attrs.get("fwn");
        String version = (String) attrs.get("vr");
        String url = (String) attrs.get("url");
        if (!(attrs.get("fwh") instanceof String hash) || !hash.matches("[0-9a-f]{64}")) {
            return ManagementOutcome.badArguments("fwh, the image's SHA-256 in lower-case hex, is missing");
        }
        byte[] signature = FirmwareStatement.signature(attrs.get("fwsg"));
        if (signature == null) {
            return ManagementOutcome.badArguments("fwsg, a base64 ECDSA-SHA256 signature, is missing");
        }
        if (!FirmwareStatement.signedBy(updateKeys, FirmwareStatement.of(node, name, version, url, hash), signature)) {
            return ManagementOutcome.failed("not signed for this device by an update key it trusts");
        }
        if (currentVersion != null && Versions.compare(version, currentVersion) <= 0) {
            return ManagementOutcome.failed("version " + version + " is not newer than " + currentVersion
                    + ", which it runs: a rollback is refused");
        }
        URI from;
        try {
            from = new URI(url);
        } catch (URISyntaxException e) {
            return ManagementOutcome.badArguments("url is not a URI");
        }
        if (!List.of("http", "https").contains(String.valueOf(from.getScheme()).toLowerCase(java.util.Locale.ROOT))
                || from.getHost() == null) {
            return ManagementOutcome.unacceptable("this device downloads firmware over HTTP or HTTPS only");
        }
        Path image = null;
        try {
            if (!Files.exists(scratch, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                io.citadel.credentials.PrivateFiles.directory(scratch);
            }
            DeviceState.checkPrivate(scratch);
            image = Files.createTempFile(
                    scratch,
                    "image-",
                    ".part",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            byte[] digest = download(from, image);
            if (!MessageDigest.isEqual(digest, HexFormat.of().parseHex(hash))) {
                return ManagementOutcome.failed("the image's SHA-256 is not fwh: not installed");
            }
            installer.install(name, version, image);
            return ManagementOutcome.applied("installed " + name + " " + version);
        } catch (IOException e) {
            return ManagementOutcome.failed(e.getMessage() == null ? "the update failed" : e.getMessage());
        } catch (EnrolmentException e) {
            return ManagementOutcome.failed(e.getMessage());
        } catch (RuntimeException e) {
            return ManagementOutcome.failed(
                    "the installation failed (" + e.getClass().getSimpleName() + ")");
        } finally {
            if (image != null) {
                try {
                    Files.deleteIfExists(image);
                } catch (IOException ignored) {
                    // a left-over scratch file is replaced by the next download
                }
            }
        }
    }

    /**
     * Downloads into {@code image}, at most {@link #maxImage} bytes within {@link #DEADLINE}; the SHA-256 of what it
     * wrote.
     */
    private byte[] download(URI from, Path image) throws IOException {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (java.nio.channels.FileChannel out =
                java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.WRITE)) {
            int status = BoundedDownload.fetch(http, from, "the image", maxImage, DEADLINE, chunk -> {
                sha256.update(chunk.duplicate());
                try {
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            if (status != 200) {
                throw new IOException("the image's url answered " + status);
            }
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("the image could not be written");
        }
        return sha256.digest();
    }
}
