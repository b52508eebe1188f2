package io.citadel.client.device;

/**
 * Firmware versions compared as a device would: split at {@code .}, {@code -} and {@code +}, numeric parts as numbers,
 * others as text ({@code 1.10.0} is newer than {@code 1.9.2}; {@code 2.0} newer than {@code 1.99-rc1}); a version
 * that is a prefix of another is older ({@code 1.2} before {@code 1.2.1}).
 */
final class Versions {
    private Versions() {}

    static int compare(String a, String b) {
        String[] x = a.split("[.+-]");
        String[] y = b.split("[.+-]");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = part(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static int part(String x, String y) {
        boolean nx = x.matches("[0-9]{1,18}");
        boolean ny = y.matches("[0-9]{1,18}");
        if (nx && ny) {
            return Long.compare(Long.parseLong(x), Long.parseLong(y));
        }
        if (nx != ny) {
            return nx ? 1 : -1; // a release number is newer than a pre-release tag
        }
        return x.compareTo(y);
    }
}
