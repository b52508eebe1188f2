package io.citadel.credentials;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The syntax of the originators a credential (PSK, raw public key) may act as: each entry of an allow-list
 * is one AE-ID or CSE-ID, taken literally; there are no patterns. Accepted forms:
 * <ul>
 * <li>an AE-ID-Stem: {@code Cxyz} (registered at this CSE) or {@code Sxyz};</li>
 * <li>SP-relative: a CSE-ID {@code /id-mn}, an S-AE-ID {@code /Sxyz}, or an AE-ID {@code /id-mn/Cxyz};</li>
 * <li>absolute: the same prefixed by the M2M-SP-ID, {@code //sp.example/id-mn} or {@code //sp.example/id-mn/Cxyz}.</li>
 * </ul>
 * Name characters are letters, digits, {@code .}, {@code _} and {@code -}. Wildcards ({@code *}, {@code ?}),
 * {@code all}, Role-IDs and anything else are refused: a {@code From} is compared with the entry as it is, so
 * {@code C*} would grant a literal originator named {@code C*} rather than what the operator meant.
 */
public final class BoundOriginators {
    private static final String NAME = "[A-Za-z0-9._-]+";
    private static final String STEM = "[CS][A-Za-z0-9._-]+";
    private static final String FQDN = "[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?";
    private static final Pattern VALID = Pattern.compile(
            STEM // AE-ID-Stem
                    + "|/" + NAME + "(?:/" + STEM + ")?" // SP-relative CSE-ID, S-AE-ID or AE-ID
                    + "|//" + FQDN + "/" + NAME + "(?:/" + STEM + ")?"); // absolute
    private static final int MAX_LENGTH = 256;

    private BoundOriginators() {}

    /**
     * The allow-list, checked: at least one entry, each an identifier.
     *
     * @throws IllegalArgumentException naming the first entry that is not an AE-ID or CSE-ID, and why
     */
    public static List<String> check(List<String> allowed) {
        if (allowed == null || allowed.isEmpty()) {
            throw new IllegalArgumentException("a credential must be bound to at least one AE-ID or CSE-ID");
        }
        for (String entry : allowed) {
            problem(entry).ifPresent(why -> {
                throw new IllegalArgumentException(why);
            });
        }
        return List.copyOf(allowed);
    }

    /** Why the first entry of {@code allowed} that is not an identifier is not one; empty when all are. */
    public static Optional<String> problem(List<?> allowed) {
        return allowed.stream()
                .map(e -> e instanceof String s ? s : null)
                .map(BoundOriginators::problem)
                .flatMap(Optional::stream)
                .findFirst();
    }

    /** Why {@code entry} is not an AE-ID or CSE-ID a credential can be bound to; empty when it is one. */
    public static Optional<String> problem(String entry) {
        if (entry == null || entry.isEmpty()) {
            return Optional.of("an empty entry is not an AE-ID or CSE-ID");
        }
        String shown = entry.length() > 64 ? entry.substring(0, 64) + "..." : entry;
        shown = shown.replaceAll("[^\\x20-\\x7e]", "?");
        if (entry.length() > MAX_LENGTH) {
            return Optional.of("'" + shown + "' is not an AE-ID or CSE-ID: longer than " + MAX_LENGTH + " characters");
        }
        if (entry.indexOf('*') >= 0 || entry.indexOf('?') >= 0) {
            return Optional.of("'" + shown + "' is a pattern; an allow-list names AE-IDs and CSE-IDs literally"
                    + " (Cxyz, /cse-id, /cse-id/Cxyz or //sp/cse-id/Cxyz), wildcards are not supported");
        }
        if (VALID.matcher(entry).matches()) {
            return Optional.empty();
        }
        return Optional.of("'" + shown + "' is not an AE-ID or CSE-ID: use an AE-ID-Stem (Cxyz or Sxyz), a CSE-ID"
                + " (/cse-id), an SP-relative AE-ID (/cse-id/Cxyz) or an absolute one (//sp/cse-id/Cxyz);"
                + " names hold letters, digits, '.', '_' and '-'");
    }
}
