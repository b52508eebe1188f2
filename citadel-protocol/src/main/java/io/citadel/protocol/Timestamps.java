package io.citadel.protocol;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/** m2m:timestamp ({@code YYYYMMDDTHHMMSS[,ffffff]}, UTC) and m2m:absRelTimestamp. */
public final class Timestamps {
    private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT);
    private static final DateTimeFormatter PARSER = new DateTimeFormatterBuilder()
            .appendPattern("yyyyMMdd'T'HHmmss")
            .optionalStart()
            .appendLiteral(',')
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, false)
            .optionalEnd()
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd()
            .toFormatter(Locale.ROOT);

    private Timestamps() {}

    /** Formats to whole seconds, UTC. */
    public static String format(Instant instant) {
        return BASIC.format(LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC));
    }

    /** Parses an m2m:timestamp; empty if it is not one. A trailing {@code Z} is tolerated. */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.length() < 15 || text.length() > 32) {
            return Optional.empty();
        }
        String t = text.endsWith("Z") ? text.substring(0, text.length() - 1) : text;
        try {
            return Optional.of(LocalDateTime.parse(t, PARSER).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses an m2m:absRelTimestamp: an absolute timestamp, or milliseconds relative to {@code now}.
     */
    public static Optional<Instant> parseAbsRel(String text, Instant now) {
        if (text == null) {
            return Optional.empty();
        }
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit) && text.length() <= 15) {
            return Optional.of(now.plusMillis(Long.parseLong(text)));
        }
        return parse(text);
    }
}
