package io.citadel.security;

/**
 * Matches an {@code acor} pattern against an originator ID. {@code *} stands for any run of characters
 * other than {@code /}; every other character matches itself. The pattern is never compiled into a
 * regular expression, so originator text can never act as a pattern.
 */
public final class WildcardMatcher {
    private WildcardMatcher() {}

    /** True if {@code value} matches {@code pattern} as a whole. */
    public static boolean matches(String pattern, String value) {
        int p = 0;
        int v = 0;
        int starP = -1;
        int starV = -1;
        while (v < value.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starV = v;
            } else if (p < pattern.length() && pattern.charAt(p) == value.charAt(v)) {
                p++;
                v++;
            } else if (starP >= 0 && value.charAt(starV) != '/') {
                // let the last star swallow one more character, never a '/'
                p = starP + 1;
                v = ++starV;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
