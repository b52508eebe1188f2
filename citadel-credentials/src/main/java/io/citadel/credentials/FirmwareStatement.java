package io.citadel.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;

/**
 * What a firmware update key signs (TS 103 645 provision 5.3, TR-0008 secure updates): the statement
 * {@code citadel-firmware-v1\n<node ri>\n<fwn>\n<vr>\n<url>\n<fwh>} in UTF-8 ({@code <node ri>} the resource ID of the
 * device's {@code <node>}, so a signed update is for one device; {@code fwh} the image's SHA-256 in lower-case hex),
 * ECDSA-SHA256 in DER, base64 in {@code fwsg}: what {@code openssl dgst -sha256 -sign} makes. The CSE checks it when
 * an update is asked for, the device again before it installs anything.
 */
public final class FirmwareStatement {
    /** The most a DER ECDSA signature takes here (P-256: 72 bytes), with room for larger curves. */
    public static final int MAX_SIGNATURE = 256;

    private FirmwareStatement() {}

    /** The statement an update key signs for these attributes. */
    public static String of(String node, String name, String version, String url, String sha256) {
        return "citadel-firmware-v1\n" + node + "\n" + name + "\n" + version + "\n" + url + "\n" + sha256;
    }

    /** The {@code fwsg} signature as bytes, or null when it is not base64 of at most {@link #MAX_SIGNATURE} bytes. */
    public static byte[] signature(Object fwsg) {
        if (!(fwsg instanceof String s)) {
            return null;
        }
        try {
            byte[] signature = Base64.getDecoder().decode(s);
            return signature.length > MAX_SIGNATURE ? null : signature;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether one of {@code trusted} signed {@code statement} with {@code signature}. */
    public static boolean signedBy(List<PublicKey> trusted, String statement, byte[] signature) {
        byte[] message = statement.getBytes(StandardCharsets.UTF_8);
        for (PublicKey key : trusted) {
            try {
                Signature s = Signature.getInstance("SHA256withECDSA");
                s.initVerify(key);
                s.update(message);
                if (s.verify(signature)) {
                    return true;
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                // a malformed signature is just not a valid one
            }
        }
        return false;
    }
}
