package io.citadel.mef.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The JSON requests of the MEF's and MAF's client procedures, read strictly (one object, no duplicate keys, no
 * trailing data, only the members the request takes) and refused with the caller's exception: 400 and a line of ours.
 */
public final class JsonRequests {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final DateTimeFormatter ONEM2M_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT);

    /** Makes the caller's refusal from an HTTP status and a reason. */
    public interface Refusal extends BiFunction<Integer, String, RuntimeException> {}

    private final Refusal refusal;

    public JsonRequests(Refusal refusal) {
        this.refusal = refusal;
    }

    private RuntimeException bad(String why) {
        return refusal.apply(400, why);
    }

    /** The request's object, holding only members of {@code allowed}. */
    public JsonNode object(byte[] body, Set<String> allowed) {
        JsonNode n;
        try {
            n = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw bad("the request is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw bad("the request is a JSON object");
        }
        for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw bad("unexpected member " + printable(name) + " (this request takes "
                        + new java.util.TreeSet<>(allowed) + ")");
            }
        }
        return n;
    }

    public String text(JsonNode request, String member) {
        JsonNode v = request.get(member);
        if (v == null || !v.isTextual()) {
            throw bad(member + " is a string");
        }
        return v.asText();
    }

    /** ISO-8601 ({@code 2030-01-01T00:00:00Z}) or oneM2M's basic form ({@code 20300101T000000}, UTC). */
    public Optional<Instant> time(JsonNode request, String member) {
        if (!request.has(member)) {
            return Optional.empty();
        }
        String t = text(request, member);
        try {
            return Optional.of(
                    t.matches("[0-9]{8}T[0-9]{6}")
                            ? LocalDateTime.parse(t, ONEM2M_TIME).toInstant(ZoneOffset.UTC)
                            : Instant.parse(t));
        } catch (DateTimeParseException e) {
            throw bad(member + " is not a timestamp");
        }
    }

    /** At most {@code max} labels of 1 to {@code maxLength} printable characters. */
    public Optional<List<String>> labels(JsonNode request, String member, int max, int maxLength) {
        if (!request.has(member)) {
            return Optional.empty();
        }
        JsonNode v = request.get(member);
        if (!v.isArray()) {
            throw bad(member + " is a list of strings");
        }
        if (v.size() > max) {
            throw bad("at most " + max + " labels");
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode l : v) {
            if (!l.isTextual()
                    || l.asText().isEmpty()
                    || l.asText().length() > maxLength
                    || !l.asText().chars().allMatch(ch -> ch >= 0x20 && ch != 0x7f)) {
                throw bad("a label is 1 to " + maxLength + " printable characters");
            }
            labels.add(l.asText());
        }
        return Optional.of(labels);
    }

    /** A domain name ({@code member} names it in the refusal). */
    public String fqdn(String name, String member) {
        if (name.length() > 253
                || !name.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
            throw bad(member + " is not a domain name");
        }
        return name;
    }

    /** A name from a request as it may be quoted back: at most 40 characters, printable only. */
    public static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
