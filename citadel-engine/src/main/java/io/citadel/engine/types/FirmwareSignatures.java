package io.citadel.engine.types;

import io.citadel.credentials.FirmwareStatement;
import io.citadel.protocol.OneM2mException;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;

/**
 * Secure firmware updates (TS 103 645 provision 5.3, TR-0008): a [firmware] mgmtObj may ask a device to update
 * ({@code ud} true) only with a signature of a trusted update key over what the device will install and which device:
 * the statement {@code citadel-firmware-v1\n<node ri>\n<fwn>\n<vr>\n<url>\n<fwh>} (UTF-8; the resource ID of the
 * {@code <node>} the [firmware] is under, so a signed update cannot be replayed on another device; {@code fwh} the
 * image's SHA-256 in lower-case hex),
 * ECDSA-SHA256 (DER, base64 in {@code fwsg}), as {@code openssl dgst -sha256 -sign} makes it. The device checks the
 * image against {@code fwh} before installing it. Without trusted keys no update is accepted (fail closed).
 */
public record FirmwareSignatures(List<PublicKey> trusted) {
    public static final FirmwareSignatures NONE = new FirmwareSignatures(List.of());

    public FirmwareSignatures {
        trusted = List.copyOf(trusted);
    }

    /** The statement an update key signs for these attributes. */
    public static String statement(String node, String name, String version, String url, String sha256) {
        return FirmwareStatement.of(node, name, version, url, sha256);
    }

    /** Refuses (4000) the firmware mgmtObj attributes {@code attrs} unless an update key signed them. */
    void check(String node, Map<String, Object> attrs) {
        if (trusted.isEmpty()) {
            throw OneM2mException.badRequest(
                    "no firmware update is accepted: this CSE has no trusted update key (--firmware-update-keys)");
        }
        Object fwh = attrs.get("fwh");
        if (!(fwh instanceof String hash) || !hash.matches("[0-9a-f]{64}")) {
            throw OneM2mException.badRequest("a firmware update needs 'fwh', the image's SHA-256 in lower-case hex");
        }
        byte[] signature = FirmwareStatement.signature(attrs.get("fwsg"));
        if (signature == null) {
            throw OneM2mException.badRequest("a firmware update needs 'fwsg', a base64 ECDSA-SHA256 signature");
        }
        for (String field : java.util.List.of("fwn", "vr", "url")) {
            if (!(attrs.get(field) instanceof String text) || text.isEmpty() || text.contains("\n")) {
                throw OneM2mException.badRequest("a firmware update needs '" + field + "' on one line");
            }
        }
        String statement =
                statement(node, (String) attrs.get("fwn"), (String) attrs.get("vr"), (String) attrs.get("url"), hash);
        if (!FirmwareStatement.signedBy(trusted, statement, signature)) {
            throw OneM2mException.badRequest("the firmware update is not signed by a trusted update key");
        }
    }
}
