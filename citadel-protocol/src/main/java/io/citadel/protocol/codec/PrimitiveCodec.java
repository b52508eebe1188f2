package io.citadel.protocol.codec;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.QueryParameters;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whole request and response primitives as one serialized document (TS-0004 §8, the form the MQTT and
 * WebSocket bindings carry and a polling channel returns): {@code op, to, fr, rqi, ty, pc, ...} and
 * {@code rsc, rqi, pc, ...}. The request parameters go through {@link QueryParameters}, so a primitive is
 * checked exactly as an HTTP or CoAP request with the same parameters would be.
 */
public final class PrimitiveCodec {
    private static final Set<String> FILTER_LISTS = Set.of("lbl", "ty", "cty");
    private static final Set<String> PARAMETERS = Set.of("rcn", "drt", "rids", "tids", "tkns", "ltids", "tqi");
    private static final Set<String> UNSUPPORTED = Set.of("gid", "rp", "da", "sqi", "asi", "auri");

    private PrimitiveCodec() {}

    /** A decoded request primitive and whether its content came as text only (XML). */
    public record DecodedRequest(RequestPrimitive primitive, boolean textual) {}

    /** Decodes a serialized document; 4000 when it is not a primitive. */
    public static Map<String, Object> document(byte[] bytes, Serialization serialization) {
        Object tree = ContentCodec.of(serialization).decode(bytes);
        if (!(tree instanceof Map<?, ?> map)) {
            throw OneM2mException.badRequest("a primitive is an object of parameters");
        }
        Object inner = map.size() == 1 ? map.get("m2m:rqp") != null ? map.get("m2m:rqp") : map.get("m2m:rsp") : null;
        Object primitive = inner != null ? inner : map;
        if (!(primitive instanceof Map<?, ?> m)) {
            throw OneM2mException.badRequest("a primitive is an object of parameters");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) m;
        return typed;
    }

    /**
     * A primitive's parameters serialized as one document: JSON and CBOR as they are (TS-0020, TS-0010),
     * XML under its root element {@code m2m:rqp} or {@code m2m:rsp}.
     */
    public static byte[] serialize(Map<String, Object> primitive, Serialization serialization) {
        Object document = serialization != Serialization.XML
                ? primitive
                : Map.of(isResponse(primitive) ? "m2m:rsp" : "m2m:rqp", primitive);
        return ContentCodec.of(serialization).encode(document);
    }

    /** True for a response primitive ({@code rsc} and no {@code op}). */
    public static boolean isResponse(Map<String, Object> primitive) {
        return primitive.containsKey("rsc") && !primitive.containsKey("op");
    }

    /** A request primitive from its parameters; 4000 on anything missing or malformed, 5001 on unsupported ones. */
    public static RequestPrimitive decodeRequest(Map<String, Object> p, Instant now) {
        int code = integer(p, "op");
        Operation op =
                Operation.of(code).orElseThrow(() -> OneM2mException.badRequest("op " + code + " is not an operation"));
        if (!(p.get("to") instanceof String to) || to.isBlank()) {
            throw OneM2mException.badRequest("a request primitive needs to");
        }
        for (String name : UNSUPPORTED) {
            if (p.containsKey(name)) {
                throw new OneM2mException(
                        ResponseStatusCode.NOT_IMPLEMENTED, "request parameter '" + name + "' is not supported");
            }
        }
        RequestPrimitive.Builder b = RequestPrimitive.builder(op, to);
        b.from(text(p, "fr"));
        b.requestId(text(p, "rqi"));
        b.releaseVersion(text(p, "rvi"));
        b.vendorInfo(text(p, "vsi"));
        if (p.containsKey("ty")) {
            b.resourceType(integer(p, "ty"));
        }
        if (p.containsKey("pc")) {
            b.content(p.get("pc"));
        }
        String rqet = absRel(p, "rqet");
        if (rqet != null) {
            b.requestExpiration(Timestamps.parseAbsRel(rqet, now)
                    .orElseThrow(() -> OneM2mException.badRequest("rqet is not an m2m:absRelTimestamp")));
        }
        String ot = text(p, "ot");
        if (ot != null && Timestamps.parse(ot).isEmpty()) {
            throw OneM2mException.badRequest("ot is not an m2m:timestamp");
        }
        b.handling(handling(p, now));
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String name : PARAMETERS) {
            if (p.containsKey(name)) {
                parameters.put(name, strings(p.get(name), name));
            }
        }
        if (p.get("rt") != null) {
            if (!(p.get("rt") instanceof Map<?, ?> rt)) {
                throw OneM2mException.badRequest("rt is an m2m:responseTypeInfo");
            }
            if (rt.get("rtv") != null) {
                parameters.put("rt", strings(rt.get("rtv"), "rtv"));
            }
            if (rt.containsKey("nu")) {
                b.responseTargets(strings(rt.get("nu") == null ? List.of() : rt.get("nu"), "nu"));
            }
        }
        if (p.get("fc") != null) {
            filterCriteria(p.get("fc"), parameters);
        }
        QueryParameters.apply(parameters, b, op, now);
        return b.build();
    }

    private static void filterCriteria(Object fc, Map<String, List<String>> parameters) {
        if (!(fc instanceof Map<?, ?> filter)) {
            throw OneM2mException.badRequest("fc is an m2m:filterCriteria");
        }
        for (Map.Entry<?, ?> e : filter.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (name.equals("atr")) {
                for (Object a : e.getValue() instanceof List<?> l ? l : List.of(e.getValue())) {
                    if (!(a instanceof Map<?, ?> atr)
                            || !(atr.get("nm") instanceof String nm)
                            || atr.get("val") == null) {
                        throw OneM2mException.badRequest("fc/atr entries are {nm, val}");
                    }
                    parameters.computeIfAbsent(nm, k -> new ArrayList<>()).add(scalar(atr.get("val"), "fc/atr/val"));
                }
            } else if (FILTER_LISTS.contains(name)) {
                parameters.put(name, List.of(String.join("+", strings(e.getValue(), "fc/" + name))));
            } else {
                parameters.put(name, List.of(scalar(e.getValue(), "fc/" + name)));
            }
        }
    }

    private static RequestPrimitive.Handling handling(Map<String, Object> p, Instant now) {
        return RequestPrimitive.Handling.parse(
                absRel(p, "rset"), "rset", absRel(p, "oet"), "oet", p.get("ec") == null ? null : integer(p, "ec"), now);
    }

    /** A response primitive from its parameters; 4000 when {@code rsc} is missing or unknown. */
    public static ResponsePrimitive decodeResponse(Map<String, Object> p) {
        int rsc = integer(p, "rsc");
        ResponseStatusCode status = ResponseStatusCode.of(rsc)
                .orElseThrow(() -> OneM2mException.badRequest("rsc " + rsc + " is not a response status code"));
        return new ResponsePrimitive(status, text(p, "rqi"), text(p, "rvi"), p.get("pc"), null, null);
    }

    /** The parameters of a request primitive, ready for any {@link ContentCodec}. */
    public static Map<String, Object> encode(RequestPrimitive r) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("op", (long) r.operation().code());
        p.put("to", r.to());
        put(p, "fr", r.from());
        put(p, "rqi", r.requestId());
        put(p, "rvi", r.releaseVersion());
        if (r.resourceType() != null) {
            p.put("ty", (long) r.resourceType());
        }
        put(p, "vsi", r.vendorInfo());
        if (r.requestExpiration() != null) {
            p.put("rqet", Timestamps.format(r.requestExpiration()));
        }
        if (r.handling().resultExpiration() != null) {
            p.put("rset", Timestamps.format(r.handling().resultExpiration()));
        }
        if (r.handling().operationExecution() != null) {
            p.put("oet", Timestamps.format(r.handling().operationExecution()));
        }
        if (r.handling().eventCategory() != null) {
            p.put("ec", (long) r.handling().eventCategory());
        }
        if (r.responseType() != null || r.responseTargets() != null) {
            Map<String, Object> rt = new LinkedHashMap<>();
            rt.put("rtv", (long) (r.responseType() == null ? 3 : r.responseType()));
            if (r.responseTargets() != null) {
                rt.put("nu", r.responseTargets());
            }
            p.put("rt", rt);
        }
        if (!r.tokens().isEmpty()) {
            p.put("tkns", r.tokens());
        }
        if (!r.localTokenIds().isEmpty()) {
            p.put("ltids", r.localTokenIds());
        }
        Map<String, Object> fc = new LinkedHashMap<>();
        List<Map<String, Object>> atr = new ArrayList<>();
        Set<String> filterNames = QueryParameters.filterNames();
        for (Map.Entry<String, String> e : QueryParameters.encode(r)) {
            String name = e.getKey();
            if (PARAMETERS.contains(name) || name.equals("atrl")) {
                p.put(
                        name,
                        name.equals("tqi")
                                ? Boolean.TRUE
                                : Set.of("rids", "tids", "atrl").contains(name)
                                        ? List.of(e.getValue().split("\\+"))
                                        : (Object) Long.parseLong(e.getValue()));
            } else if (FILTER_LISTS.contains(name)) {
                fc.put(name, List.of(e.getValue().split("\\+")));
            } else if (filterNames.contains(name)) {
                fc.put(name, e.getValue());
            } else {
                atr.add(Map.of("nm", name, "val", e.getValue()));
            }
        }
        if (!atr.isEmpty()) {
            fc.put("atr", atr);
        }
        if (!fc.isEmpty()) {
            p.put("fc", fc);
        }
        if (r.content() != null) {
            p.put("pc", r.content());
        }
        return p;
    }

    /** The parameters of a response primitive; the created resource's address travels as {@code to}. */
    public static Map<String, Object> encode(ResponsePrimitive r, String originator) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("rsc", (long) r.status().code());
        put(p, "rqi", r.requestId());
        put(p, "rvi", r.releaseVersion());
        put(p, "to", originator);
        if (!r.assignedTokenIds().isEmpty()) {
            p.put(
                    "ati",
                    r.assignedTokenIds().entrySet().stream()
                            .map(e -> Map.of("lti", e.getKey(), "tkid", e.getValue()))
                            .toList());
        }
        if (r.content() != null) {
            p.put("pc", r.content());
        }
        return p;
    }

    private static void put(Map<String, Object> p, String name, String value) {
        if (value != null) {
            p.put(name, value);
        }
    }

    private static String text(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw OneM2mException.badRequest(name + " must be a string");
        }
        return s;
    }

    /** An m2m:absRelTimestamp: a timestamp string, or milliseconds from now as a number or digit string. */
    private static String absRel(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v instanceof Integer || v instanceof Long) {
            return String.valueOf(v);
        }
        return text(p, name);
    }

    private static int integer(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            long n = ((Number) v).longValue();
            if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                return (int) n;
            }
        }
        if (v instanceof String s && s.strip().matches("-?\\d{1,9}")) {
            return Integer.parseInt(s.strip());
        }
        throw OneM2mException.badRequest(v == null ? "a primitive needs " + name : name + " must be an integer");
    }

    private static String scalar(Object v, String name) {
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v);
        }
        throw OneM2mException.badRequest(name + " must be a single value");
    }

    private static List<String> strings(Object v, String name) {
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(scalar(o, name));
            }
            return out;
        }
        if (v instanceof String s && s.contains(" ")) {
            return List.of(s.trim().split("\\s+"));
        }
        return List.of(scalar(v, name));
    }
}
