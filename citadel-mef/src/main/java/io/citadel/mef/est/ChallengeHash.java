package io.citadel.mef.est;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A challenge password as the MEF keeps it: never the password, only a salted PBKDF2-HMAC-SHA256 of it, written
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64). Matching recomputes and compares in constant time.
 */
final class ChallengeHash {
    static final int ITERATIONS = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChallengeHash() {}

    static String of(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "pbkdf2-sha256$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(derive(password, salt, ITERATIONS));
    }

    /** True when {@code offered} is the password {@code stored} was made of; false for a malformed {@code stored}. */
    static boolean matches(String stored, String offered) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (offered == null || parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            if (iterations < 1 || iterations > 10_000_000) {
                return false;
            }
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return MessageDigest.isEqual(expected, derive(offered, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** True when {@code stored} has the form this class writes. */
    static boolean wellFormed(String stored) {
        return stored != null
                && stored.matches("pbkdf2-sha256\\$[0-9]{1,8}\\$[A-Za-z0-9+/=]{16,64}\\$[A-Za-z0-9+/=]{40,64}");
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        char[] chars = password.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
            java.util.Arrays.fill(chars, '\0');
        }
    }
}
