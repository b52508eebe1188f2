package io.citadel.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key derivations of TS-0003 §10.3 (digest §11), in one place for the MEF, the MAF, the CSE and the device
 * SDK, so that both ends of a remotely provisioned key compute it the same way.
 * <ul>
 * <li>TLS key export (RFC 5705, no context) of 48 bytes, split big-endian: the 16 most significant bytes are the
 * relative key ID, the 32 least significant the key ({@link #split}).</li>
 * <li>HMAC-SHA-256 over a label and identifiers (UTF-8, NFKC), e.g. the usage-constrained key a MEF serves to an
 * enrolment target ({@link #usageConstrainedKey}).</li>
 * </ul>
 */
public final class KeyDerivation {
    /** Exporter label of the MEF handshake (Ke, RelativeKeID). */
    public static final String BOOTSTRAP_EXPORTER = "EXPORTER-oneM2M-Bootstrap";
    /** Exporter label of the MAF handshake (Kc, KcID). */
    public static final String CONNECTION_EXPORTER = "EXPORTER-oneM2M-Connection";
    /** Bytes exported for a key and its identifier. */
    public static final int EXPORT_LENGTH = 48;

    static final String USAGE_CONSTRAINED = "oneM2M Enrolment Key to Usage-Constrained Symmetric Key derivation";
    static final String PROVISIONED_SECURE_CONNECTION =
            "oneM2M Enrolment Key to Provisioned Secure Connection Key derivation";

    private KeyDerivation() {}

    /** A key and its identifier from one key export. */
    public record ExportedKey(byte[] relativeId, byte[] key) {
        /** The key identifier {@code hexBinary(relativeId)@fqdn} (TS-0003 §10.3, digest §3.6). */
        public String identifier(String fqdn) {
            return HexFormat.of().formatHex(relativeId) + "@" + fqdn;
        }

        /** Overwrites the key. */
        public void destroy() {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Splits a 48-byte export: bytes 0..16 the relative ID, 16..48 the key (the exported bytes are zeroed). */
    public static ExportedKey split(byte[] exported) {
        if (exported == null || exported.length != EXPORT_LENGTH) {
            throw new IllegalArgumentException("a key export has " + EXPORT_LENGTH + " bytes");
        }
        ExportedKey k = new ExportedKey(Arrays.copyOfRange(exported, 0, 16), Arrays.copyOfRange(exported, 16, 48));
        Arrays.fill(exported, (byte) 0);
        return k;
    }

    /**
     * The usage-constrained key a MEF derives from Ke for one enrolment target and one use: HMAC-SHA-256(Ke, label ||
     * SUID || target), the SUID as its decimal digits, the target as an FQDN (a CSE's: its CSE-ID's public domain
     * name, in lower case: DNS names compare without case).
     */
    public static byte[] usageConstrainedKey(byte[] ke, int suid, String targetFqdn) {
        return hmac(ke, USAGE_CONSTRAINED + suid + targetFqdn.toLowerCase(java.util.Locale.ROOT));
    }

    /** Kpsa for the enrolee-B {@code enroleeB} (a CSE-ID or AE-ID): HMAC-SHA-256(Ke, label || Enrolee-B-ID). */
    public static byte[] provisionedSecureConnectionKey(byte[] ke, String enroleeB) {
        return hmac(ke, PROVISIONED_SECURE_CONNECTION + enroleeB);
    }

    private static byte[] hmac(byte[] key, String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(Normalizer.normalize(input, Normalizer.Form.NFKC).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is unavailable", e);
        }
    }
}
