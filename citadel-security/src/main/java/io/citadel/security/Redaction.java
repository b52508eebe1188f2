package io.citadel.security;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secret identifiers (such as the administrator originator, a bearer secret on a plain listener) in
 * text by a label. A spelling is replaced only where it stands as a whole identifier, so another originator that
 * merely contains it ({@code CAdmin1} when the secret is {@code CAdmin}) is left as it is. Immutable.
 */
public final class Redaction {
    /** Characters that continue an identifier: a match must not be preceded or followed by one of them. */
    private static final String ID_CHAR = "[A-Za-z0-9_.~\\-]";

    private final String label;
    private final List<String> spellings;
    private final Pattern pattern;

    private Redaction(String label, List<String> spellings) {
        this.label = label;
        this.spellings = spellings;
        this.pattern = spellings.isEmpty()
                ? null
                : Pattern.compile("(?<!" + ID_CHAR + ")(?:"
                        + String.join(
                                "|", spellings.stream().map(Pattern::quote).toList()) + ")(?!" + ID_CHAR + ")");
    }

    /** Nothing to hide. */
    public static Redaction none() {
        return new Redaction("", List.of());
    }

    /** {@code secrets} (blank ones ignored) replaced by {@code label}; longer spellings win. */
    public static Redaction of(String label, Collection<String> secrets) {
        Objects.requireNonNull(label);
        return new Redaction(
                label,
                secrets.stream()
                        .filter(s -> s != null && !s.isBlank())
                        .distinct()
                        .sorted(Comparator.comparingInt(String::length).reversed())
                        .toList());
    }

    /** Whether there is anything to hide. */
    public boolean isEmpty() {
        return spellings.isEmpty();
    }

    /** Whether {@code value} is exactly one of the secret spellings. */
    public boolean isSecret(String value) {
        return value != null && spellings.contains(value);
    }

    /** {@code text} with every whole-identifier occurrence of a secret replaced by the label; null stays null. */
    public String apply(String text) {
        if (text == null || pattern == null) {
            return text;
        }
        return pattern.matcher(text).replaceAll(Matcher.quoteReplacement(label));
    }

    /** The label this redaction writes. */
    public String label() {
        return label;
    }
}
