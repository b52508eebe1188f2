package io.citadel.protocol.schema;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Timestamps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The value types the schema uses. {@link #check} returns the value in canonical form or throws a
 * 4000 {@link OneM2mException} naming the attribute. In textual mode (XML input, where every leaf is
 * text and lists are space separated) scalars are converted from their text form first.
 */
public abstract class DataType {
    private static final Pattern RESOURCE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
    private static final Pattern ID = Pattern.compile("[\\x21-\\x7e]{1,1024}");
    private static final Pattern LABEL = Pattern.compile("[^\\s]{1,512}");
    private static final Pattern APP_ID = Pattern.compile("[RrN][\\x21-\\x7e]{0,255}");
    private static final Pattern CONTENT_INFO = Pattern.compile("[\\w.+-]+/[\\w.+-]+(:[0-2](:[0-9]+)?)?");
    private static final Pattern FQDN = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern DURATION =
            Pattern.compile("P(?=[0-9T])([0-9]{1,9}Y)?([0-9]{1,9}M)?([0-9]{1,9}W)?([0-9]{1,9}D)?"
                    + "(T(?=[0-9])([0-9]{1,9}H)?([0-9]{1,9}M)?([0-9]{1,9}(\\.[0-9]{1,9})?S)?)?");
    private static final Pattern HTTPS_URI = Pattern.compile("(?i)https://[\\x21-\\x7e]{1,4088}");
    private static final Set<String> SERIALIZATIONS = Set.of("xml", "json", "cbor");
    private static final Set<String> POA_SCHEMES =
            Set.of("http", "https", "coap", "coaps", "mqtt", "mqtts", "ws", "wss");

    private final String description;

    private DataType(String description) {
        this.description = description;
    }

    /** Validates and canonicalises {@code value}; {@code textual} enables XML text conversion. */
    public abstract Object check(String attribute, Object value, boolean textual);

    protected OneM2mException invalid(String attribute) {
        return OneM2mException.badRequest("attribute '" + attribute + "' must be " + description);
    }

    /** Parses a datatype token of {@code attributes.tsv}. */
    public static DataType parse(String token) {
        if (token.startsWith("enum:")) {
            List<Long> allowed = numbers(token.substring(5));
            return new IntegerType("one of " + allowed, 0, allowed);
        }
        if (token.startsWith("enumlist:")) {
            List<Long> allowed = numbers(token.substring(9));
            return new ListType(
                    "a non-empty list of values from " + allowed,
                    new IntegerType("one of " + allowed, 0, allowed),
                    true);
        }
        return switch (token) {
            case "string" -> new StringType("a string", null, 65536);
            case "name" -> new StringType("a resource name (letters, digits, '-', '.', '_')", RESOURCE_NAME, 255);
            case "id" -> new StringType("an identifier (printable ASCII, no spaces)", ID, 1024);
            case "uri" -> new StringType("a URI (printable ASCII, no spaces)", ID, 4096);
            case "appid" -> new StringType("an App-ID starting with 'R' or 'N'", APP_ID, 256);
            case "contentinfo" ->
                new StringType("a contentInfo 'type/subtype[:encoding[:security]]'", CONTENT_INFO, 256);
            case "timestamp" -> new TimestampType();
            case "bool" -> new BooleanType();
            case "nonneg" -> new IntegerType("a non-negative integer", 0, null);
            case "pos" -> new IntegerType("a positive integer", 1, null);
            case "port" -> new IntegerType("a port number 1..65535", 1, 65535, null);
            case "fqdn" -> new StringType("a fully qualified domain name", FQDN, 253);
            case "duration" -> new StringType("an ISO 8601 duration such as PT1H", DURATION, 64);
            case "httpsuri" -> new StringType("an https:// URI (printable ASCII, no spaces)", HTTPS_URI, 4096);
            case "labels" -> new ListType("a list of labels", new StringType("a label", LABEL, 512), false);
            case "idlist" ->
                new ListType("a non-empty list of identifiers", new StringType("an identifier", ID, 1024), true);
            case "ids" -> new ListType("a list of identifiers", new StringType("an identifier", ID, 1024), false);
            case "intlist" -> new ListType("a list of integers", new IntegerType("an integer", 0, null), false);
            case "poalist" -> new ListType("a list of point-of-access URIs", new PoaType(), false);
            case "releases" ->
                new ListType(
                        "a non-empty list of release versions",
                        new StringType("a release version", Pattern.compile("[1-9][a-z]?"), 3),
                        true);
            case "serializations" ->
                new ListType("a list of 'xml', 'json', 'cbor'", new EnumStringType(SERIALIZATIONS), false);
            case "creator" -> new CreatorType();
            case "acrset" -> new AcrSetType();
            case "jwtlist" ->
                new ListType(
                        "a non-empty list of compact JWS/JWE tokens",
                        new StringType("a compact JWT", Pattern.compile("[A-Za-z0-9_=.-]{1,16384}"), 16384),
                        true);
            case "object" -> new ObjectType();
            case "objlist" -> new ListType("a non-empty list of objects", new ObjectType(), true);
            case "any" -> new AnyType();
            default -> throw new IllegalArgumentException("unknown datatype " + token);
        };
    }

    private static List<Long> numbers(String commaSeparated) {
        List<Long> out = new ArrayList<>();
        for (String v : commaSeparated.split(",")) {
            out.add(Long.parseLong(v));
        }
        return List.copyOf(out);
    }

    static final class StringType extends DataType {
        private final Pattern pattern;
        private final int maxLength;

        StringType(String description, Pattern pattern, int maxLength) {
            super(description);
            this.pattern = pattern;
            this.maxLength = maxLength;
        }

        @Override
        public Object check(String attribute, Object value, boolean textual) {
            if (!(value instanceof String s)
                    || s.length() > maxLength
                    || (pattern != null && !pattern.matcher(s).matches())) {
                throw invalid(attribute);
            }
            return s;
        }
    }

    static final class EnumStringType extends DataType {
        private final Set<String> allowed;

        EnumStringType(Set<String> allowed) {
            super("one of " + allowed);
            this.allowed = allowed;
        }

        @Override
        public Object check(String attribute, Object value, boolean textual) {
            if (!(value instanceof String s) || !allowed.contains(s)) {
                throw invalid(attribute);
            }
            return s;
        }
    }

    static final class PoaType extends DataType {
        PoaType() {
            super("a URI with scheme http, https, coap, coaps, mqtt, mqtts, ws or wss");
        }

        @Override
        public Object check(String attribute, Object value, boolean textual) {
            if (!(value instanceof String s)
                    || s.length() > 2048
                    || !ID.matcher(s).matches()) {
                throw invalid(attribute);
            }
            int colon = s.indexOf("://");
            if (colon <= 0 || !POA_SCHEMES.contains(s.substring(0, colon).toLowerCase(java.util.Locale.ROOT))) {
                throw invalid(attribute);
            }
            return s;
        }
    }

    static final class TimestampType extends DataType {
        TimestampType() {
            super("an m2m:timestamp like 20301231T235959");
        }

        @Override
        public Object check(String attribute, Object value, boolean textual) {
            if (!(value instanceof String s) || Timestamps.parse(s).isEmpty()) {
                throw invalid(attribute);
            }
            return s;
        }
    }

    static final class BooleanType extends DataType {
        BooleanType() {
            super("a boolean");
        }

        @Override
        public Object check(String attribute, Object value, boolean textual) {
            if (value instanceof Boolean b) {
                return b;
            }
            if (textual && ("true".equals(value) || "false".equals(value))) {
                return Boolean.valueOf((String) value);
            }
            throw invalid(attribute);
        }
    }

    static final class IntegerType extends DataType {
        private final long min;
        private final long max;
        private final List<Long> allowed;

        IntegerType(String description, long min, List<Long> allowed) {
            this(description, min, Long.MAX_VALUE, allowed);
        }

        IntegerType(String description, long min, long max, List<Long> allowed) {
            super(description);
            this.min = min;
            this.max = max;
            this.allowed = allowed;
        }

        @Override
        public Object check(String attribute, Object value, boolean textual) {
            long v;
            if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
                v = ((Number) value).longValue();
            } else if (textual && value instanceof String s && s.matches("-?[0-9]{1,18}")) {
                v = Long.parseLong(s);
            } else {
                throw invalid(attribute);
            }
            if (v < min || v > max || (allowed != null && !allowed.contains(v))) {
                throw invalid(attribute);
            }
            return v;
        }
    }

    static final class ListType extends DataType {
        private final DataType element;
        private final boolean nonEmpty;

        ListType(String description, DataType element, boolean nonEmpty) {
            super(description);
            this.element = element;
            this.nonEmpty = nonEmpty;
        }

        @Override
        public Object check(String attribute, Object value, boolean textual) {
            List<?> list;
            if (value instanceof List<?> l) {
                list = l;
            } else if (textual && value instanceof String s) {
                list = s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
            } else {
                throw invalid(attribute);
            }
            if ((nonEmpty && list.isEmpty()) || list.size() > 1024) {
                throw invalid(attribute);
            }
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(element.check(attribute, o, textual));
            }
            return List.copyOf(out);
        }
    }

    /** {@code cr} in a request may only be null: "please record the creator". */
    static final class CreatorType extends DataType {
        CreatorType() {
            super("null (the CSE fills in the creator)");
        }

        @Override
        public Object check(String attribute, Object value, boolean textual) {
            if (value != null && !(textual && "".equals(value))) {
                throw invalid(attribute);
            }
            return null;
        }
    }

    static final class ObjectType extends DataType {
        ObjectType() {
            super("an object");
        }

        @Override
        public Object check(String attribute, Object value, boolean textual) {
            if (!(value instanceof Map<?, ?>)) {
                throw invalid(attribute);
            }
            return value;
        }
    }

    static final class AnyType extends DataType {
        AnyType() {
            super("present");
        }

        @Override
        public Object check(String attribute, Object value, boolean textual) {
            if (value == null) {
                throw invalid(attribute);
            }
            return value;
        }
    }

    /** m2m:setOfAcrs: {@code {"acr":[{"acor":[...],"acop":n, "acco":[...]?, "acaf":b?, "acod":[...]?}]}}. */
    static final class AcrSetType extends DataType {
        private static final Set<String> RULE_MEMBERS = Set.of("acor", "acop", "acco", "acaf", "acod", "aca");
        private final DataType attributeNames = parse("idlist");
        private final DataType originators = parse("idlist");

        AcrSetType() {
            super("an m2m:setOfAcrs {\"acr\":[{\"acor\":[...],\"acop\":1..63}]}");
        }

        @Override
        public Object check(String attribute, Object value, boolean textual) {
            if (!(value instanceof Map<?, ?> set) || set.size() != 1 || !set.containsKey("acr")) {
                throw invalid(attribute);
            }
            Object acr = set.get("acr");
            if (textual && acr instanceof Map<?, ?>) {
                acr = List.of(acr);
            }
            if (!(acr instanceof List<?> rules) || rules.size() > 4096) {
                throw invalid(attribute);
            }
            List<Object> out = new ArrayList<>();
            for (Object r : rules) {
                out.add(checkRule(attribute, r, textual));
            }
            return Map.of("acr", List.copyOf(out));
        }

        private Map<String, Object> checkRule(String attribute, Object value, boolean textual) {
            if (!(value instanceof Map<?, ?> rule)
                    || !RULE_MEMBERS.containsAll(rule.keySet())
                    || !rule.containsKey("acor")
                    || !rule.containsKey("acop")) {
                throw OneM2mException.badRequest("attribute '" + attribute
                        + "': each rule needs 'acor' and 'acop' and may have only acor, acop, acco, acaf, acod, aca");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("acor", originators.check(attribute + ".acor", rule.get("acor"), textual));
            Object acop = new IntegerType("an operation bitmask 1..63", 1, null)
                    .check(attribute + ".acop", rule.get("acop"), textual);
            if ((Long) acop > 63) {
                throw OneM2mException.badRequest("attribute '" + attribute + ".acop' must be a bitmask 1..63");
            }
            out.put("acop", acop);
            if (rule.containsKey("acaf")) {
                out.put("acaf", new BooleanType().check(attribute + ".acaf", rule.get("acaf"), textual));
            }
            if (rule.containsKey("aca")) {
                out.put("aca", attributeNames.check(attribute + ".aca", rule.get("aca"), textual));
            }
            for (String structured : List.of("acco", "acod")) {
                if (rule.containsKey(structured)) {
                    Object v = rule.get(structured);
                    if (textual && v instanceof Map<?, ?>) {
                        v = List.of(v);
                    }
                    if (!(v instanceof List<?> l) || l.stream().anyMatch(e -> !(e instanceof Map<?, ?>))) {
                        throw OneM2mException.badRequest(
                                "attribute '" + attribute + "." + structured + "' must be a list of objects");
                    }
                    out.put(structured, v);
                }
            }
            return out;
        }
    }
}
