package io.citadel.security;

/**
 * Where an originator is, as far as a {@link LocationSource} knows.
 *
 * @param latitude degrees, or null when unknown
 * @param longitude degrees, or null when unknown
 * @param country ISO 3166-1 alpha-2 code (upper case), or null when unknown
 */
public record GeoLocation(Double latitude, Double longitude, String country) {

    public boolean hasCoordinates() {
        return latitude != null && longitude != null;
    }
}
