package io.citadel.protocol;

import java.util.List;

/** Release Version Indicator values this CSE accepts. */
public final class ReleaseVersion {
    /** Accepted values of {@code rvi}; also the CSEBase {@code srv}. */
    public static final List<String> SUPPORTED = List.of("2a", "3", "4", "5");

    private ReleaseVersion() {}

    public static boolean isSupported(String rvi) {
        return rvi != null && SUPPORTED.contains(rvi);
    }
}
