package io.citadel.client.device;

/**
 * Firmware versions compared as Semantic Versioning does, leniently: build metadata after {@code +} is ignored; the
 * release part (before the first {@code -}) is compared part by part at {@code .}, numbers as numbers of any length
 * ({@code 1.10.0} is newer than {@code 1.9.2}), text as text, a number before text; a release whose parts are a prefix
 * of another's is older ({@code 1.2} before {@code 1.2.1}); a pre-release ({@code 1.0-rc1}) is older than its release
 * ({@code 1.0}), and pre-releases compare part by part the same way.
 */
final class Versions {
    private Versions() {}

    static int compare(String a, String b) {
        String x = stripBuild(a);
        String y = stripBuild(b);
        int dx = x.indexOf('-');
        int dy = y.indexOf('-');
        String releaseX = dx < 0 ? x : x.substring(0, dx);
        String releaseY = dy < 0 ? y : y.substring(0, dy);
        int c = parts(releaseX, releaseY);
        if (c != 0) {
            return c;
        }
        if (dx < 0 || dy < 0) {
            return Boolean.compare(dx < 0, dy < 0); // the release is newer than its pre-releases
        }
        return parts(x.substring(dx + 1), y.substring(dy + 1));
    }

    private static String stripBuild(String v) {
        int plus = v.indexOf('+');
        return plus < 0 ? v : v.substring(0, plus);
    }

    private static int parts(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = part(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static int part(String x, String y) {
        boolean nx = x.matches("[0-9]+");
        boolean ny = y.matches("[0-9]+");
        if (nx && ny) {
            String ux = x.replaceFirst("^0+(?=.)", "");
            String uy = y.replaceFirst("^0+(?=.)", "");
            return ux.length() != uy.length() ? Integer.compare(ux.length(), uy.length()) : ux.compareTo(uy);
        }
        if (nx != ny) {
            return nx ? -1 : 1; // SemVer: numeric identifiers have lower precedence than alphanumeric ones
        }
        return x.compareTo(y);
    }
}
