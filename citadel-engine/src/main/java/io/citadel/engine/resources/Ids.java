package io.citadel.engine.resources;

import java.security.SecureRandom;

/** Generates resource IDs and AE-ID-Stems: unguessable, unique within the CSE. */
public final class Ids {
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /** {@code prefix} followed by 16 random base-36 characters (about 82 bits). */
    public static String next(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        char[] out = new char[16];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[(bytes[i] & 0xff) % ALPHABET.length];
        }
        return prefix + new String(out);
    }
}
