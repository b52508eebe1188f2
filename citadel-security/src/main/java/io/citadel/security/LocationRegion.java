package io.citadel.security;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** An {@code aclr} element: a set of country codes ({@code accc}) or a circle ({@code accr}). */
public sealed interface LocationRegion {

    boolean contains(GeoLocation where);

    record Countries(Set<String> codes) implements LocationRegion {
        @Override
        public boolean contains(GeoLocation where) {
            return where.country() != null && codes.contains(where.country().toUpperCase(Locale.ROOT));
        }
    }

    record Circle(double latitude, double longitude, double radiusMetres) implements LocationRegion {
        private static final double EARTH_RADIUS_METRES = 6_371_008.8;

        @Override
        public boolean contains(GeoLocation where) {
            if (!where.hasCoordinates()) {
                return false;
            }
            double p1 = Math.toRadians(latitude);
            double p2 = Math.toRadians(where.latitude());
            double dp = p2 - p1;
            double dl = Math.toRadians(where.longitude() - longitude);
            double a = Math.sin(dp / 2) * Math.sin(dp / 2)
                    + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
            double distance = 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(a)));
            return distance <= radiusMetres;
        }
    }

    /** Parses {@code {"accc":["DE",...]}} or {@code {"accr":[lat, lon, radius]}}; exactly one of them. */
    static LocationRegion parse(Object value) {
        if (!(value instanceof Map<?, ?> m) || m.size() != 1) {
            throw new IllegalArgumentException("aclr must hold exactly one of accc (country codes) or accr (circle)");
        }
        if (m.get("accc") instanceof List<?> codes && !codes.isEmpty()) {
            for (Object c : codes) {
                if (!(c instanceof String s) || !s.matches("[A-Za-z]{2}")) {
                    throw new IllegalArgumentException("accc entries must be ISO 3166-1 alpha-2 country codes");
                }
            }
            return new Countries(codes.stream()
                    .map(c -> ((String) c).toUpperCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet()));
        }
        if (m.get("accr") instanceof List<?> circle && circle.size() == 3) {
            double[] v = new double[3];
            for (int i = 0; i < 3; i++) {
                Object o = circle.get(i);
                if (o instanceof Number n) {
                    v[i] = n.doubleValue();
                } else if (o instanceof String s && s.matches("-?\\d{1,3}(\\.\\d{1,12})?|\\d{1,9}(\\.\\d{1,6})?")) {
                    v[i] = Double.parseDouble(s);
                } else {
                    throw new IllegalArgumentException("accr must be [latitude, longitude, radius in metres]");
                }
            }
            if (Math.abs(v[0]) > 90 || Math.abs(v[1]) > 180 || !(v[2] >= 0) || v[2] > 2.1e7) {
                throw new IllegalArgumentException(
                        "accr latitude must be within ±90, longitude ±180, radius 0..21000 km");
            }
            return new Circle(v[0], v[1], v[2]);
        }
        throw new IllegalArgumentException(
                "aclr must hold accc (non-empty list of country codes) or accr [lat, lon, radius]");
    }
}
