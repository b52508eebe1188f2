package io.citadel.binding.coap;

import io.citadel.client.coap.CoapOptions;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.QueryParameters;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import io.citadel.protocol.binding.CoapContentFormats;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Request;

/** Turns a CoAP request into a request primitive (TS-0008 §6). Throws OneM2mException on bad input. */
final class CoapRequestDecoder {
    private CoapRequestDecoder() {}

    record Decoded(RequestPrimitive primitive, Serialization serialization, boolean textual) {}

    static Decoded decode(Request coap, Instant now) {
        OptionSet o = coap.getOptions();
        Map<String, List<String>> query = query(o.getUriQuery());
        Integer ty = CoapOptions.integer(o, CoapOptions.TY);
        Operation op = operation(coap.getCode(), query.remove("op"), ty);
        RequestPrimitive.Builder b = RequestPrimitive.builder(op, to(o.getUriPath()));
        b.from(CoapOptions.text(o, CoapOptions.FR, CoapOptions.LEGACY_FR));
        b.requestId(CoapOptions.text(o, CoapOptions.RQI, CoapOptions.LEGACY_RQI));
        b.releaseVersion(CoapOptions.text(o, CoapOptions.RVI, null));
        b.vendorInfo(CoapOptions.text(o, CoapOptions.VSI, null));
        b.resourceType(ty);
        if (o.getOtherOption(CoapOptions.GID) != null || o.getOtherOption(CoapOptions.GTM) != null) {
            throw new OneM2mException(
                    ResponseStatusCode.NOT_IMPLEMENTED, "oneM2M-GID and oneM2M-GTM are not supported");
        }
        List<String> targets = new ArrayList<>();
        for (Option rtu : o.getOthers(CoapOptions.RTURI)) {
            targets.add(rtu.getStringValue());
        }
        if (!targets.isEmpty()) {
            b.responseTargets(targets);
        }
        String rqet = CoapOptions.text(o, CoapOptions.RQET, null);
        if (rqet != null) {
            b.requestExpiration(Timestamps.parseAbsRel(rqet, now)
                    .orElseThrow(() -> OneM2mException.badRequest("oneM2M-RQET is not an m2m:absRelTimestamp")));
        }
        String ot = CoapOptions.text(o, CoapOptions.OT, null);
        if (ot != null && Timestamps.parse(ot).isEmpty()) {
            throw OneM2mException.badRequest("oneM2M-OT is not an m2m:timestamp");
        }
        b.handling(handling(o, now));
        QueryParameters.apply(query, b, op, now);
        Serialization serialization = Serialization.JSON;
        boolean textual = false;
        byte[] payload = coap.getPayload();
        if (payload != null && payload.length > 0) {
            if (!o.hasContentFormat()) {
                throw new OneM2mException(
                        ResponseStatusCode.UNSUPPORTED_MEDIA_TYPE,
                        "a payload needs Content-Format 50 (JSON), 60 (CBOR) or 41 (XML)");
            }
            serialization = CoapContentFormats.serialization(o.getContentFormat())
                    .orElseThrow(() -> new OneM2mException(
                            ResponseStatusCode.UNSUPPORTED_MEDIA_TYPE,
                            "Content-Format " + o.getContentFormat() + " is not supported"));
            ContentCodec codec = ContentCodec.of(serialization);
            b.content(codec.decode(payload));
            textual = codec.isTextual();
        }
        return new Decoded(b.build(), serialization, textual);
    }

    /**
     * GET, PUT and DELETE as themselves; a POST carries its operation in the {@code op} query parameter
     * (non-blocking and flexBlocking requests), else it is a CREATE with oneM2M-TY and a NOTIFY without.
     */
    static Operation operation(CoAP.Code code, List<String> op, Integer ty) {
        if (code == null) {
            throw OneM2mException.badRequest("a CoAP request needs a method");
        }
        if (op != null) {
            if (code != CoAP.Code.POST || op.size() != 1 || !op.get(0).matches("[1-5]")) {
                throw OneM2mException.badRequest("op is 1 to 5, once, on a POST");
            }
            return Operation.of(Integer.parseInt(op.get(0))).orElseThrow();
        }
        return switch (code) {
            case GET -> Operation.RETRIEVE;
            case PUT -> Operation.UPDATE;
            case DELETE -> Operation.DELETE;
            case POST -> ty != null ? Operation.CREATE : Operation.NOTIFY;
            default ->
                throw new OneM2mException(
                        ResponseStatusCode.OPERATION_NOT_ALLOWED, code + " is not a oneM2M operation");
        };
    }

    /** Uri-Path to {@code To}: first segment {@code ~} SP-relative, {@code _} absolute, else CSE-relative. */
    static String to(List<String> segments) {
        if (segments.isEmpty()) {
            throw OneM2mException.badRequest("the request needs a Uri-Path (the target resource)");
        }
        for (String s : segments) {
            if (s.isEmpty()
                    || s.contains("/")
                    || s.contains("\\")
                    || s.indexOf('\0') >= 0
                    || s.equals("..")
                    || s.equals(".")) {
                throw OneM2mException.badRequest(
                        "empty, '.', '..' or slash-containing Uri-Path segments are not allowed");
            }
        }
        String first = segments.get(0);
        List<String> rest = segments.subList(1, segments.size());
        if (first.equals("~")) {
            requireRest(rest);
            return "/" + String.join("/", rest);
        }
        if (first.equals("_")) {
            requireRest(rest);
            return "//" + String.join("/", rest);
        }
        return String.join("/", segments);
    }

    private static void requireRest(List<String> rest) {
        if (rest.isEmpty()) {
            throw OneM2mException.badRequest("'~' and '_' must be followed by the target's address");
        }
    }

    private static Map<String, List<String>> query(List<String> options) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String q : options) {
            int eq = q.indexOf('=');
            if (eq <= 0) {
                throw OneM2mException.badRequest("Uri-Query '" + q + "' is not name=value");
            }
            query.computeIfAbsent(q.substring(0, eq), k -> new ArrayList<>()).add(q.substring(eq + 1));
        }
        return query;
    }

    private static RequestPrimitive.Handling handling(OptionSet o, Instant now) {
        return RequestPrimitive.Handling.parse(
                CoapOptions.text(o, CoapOptions.RSET, null),
                "oneM2M-RSET",
                CoapOptions.text(o, CoapOptions.OET, null),
                "oneM2M-OET",
                CoapOptions.integer(o, CoapOptions.EC),
                now);
    }
}
