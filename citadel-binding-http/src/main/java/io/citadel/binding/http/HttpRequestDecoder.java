package io.citadel.binding.http;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.Operation;
import io.citadel.protocol.QueryParameters;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns an HTTP request into a request primitive (TS-0009 §6). Throws OneM2mException on bad input. */
final class HttpRequestDecoder {
    private HttpRequestDecoder() {}

    /** The decoded primitive and the serialization the content used (for the response default). */
    record Decoded(RequestPrimitive primitive, Serialization serialization, boolean textual) {}

    static Decoded decode(FullHttpRequest http, Instant now) {
        String uri = http.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String to = toParameter(rawPath);
        ContentTypeInfo ct = contentType(http.headers().get(HttpHeaderNames.CONTENT_TYPE));
        Operation op = operation(http.method(), ct.ty());
        RequestPrimitive.Builder b = RequestPrimitive.builder(op, to);
        HttpHeaders h = http.headers();
        b.from(h.get("X-M2M-Origin"));
        b.requestId(h.get("X-M2M-RI"));
        b.releaseVersion(h.get("X-M2M-RVI"));
        b.resourceType(ct.ty());
        b.vendorInfo(h.get("X-M2M-VSI"));
        String rtu = h.get("X-M2M-RTU");
        if (rtu != null) {
            List<String> targets = new java.util.ArrayList<>();
            for (String t : rtu.split("&")) {
                if (!t.isBlank()) {
                    targets.add(t.strip());
                }
            }
            b.responseTargets(targets);
        }
        b.handling(handling(h, now));
        for (String unsupported : List.of("X-M2M-GID")) {
            if (h.contains(unsupported)) {
                throw new OneM2mException(ResponseStatusCode.NOT_IMPLEMENTED, unsupported + " is not supported");
            }
        }
        String ret = h.get("X-M2M-RET");
        if (ret != null) {
            b.requestExpiration(Timestamps.parseAbsRel(ret, now)
                    .orElseThrow(() -> OneM2mException.badRequest("X-M2M-RET is not an m2m:absRelTimestamp")));
        }
        String ot = h.get("X-M2M-OT");
        if (ot != null && Timestamps.parse(ot).isEmpty()) {
            throw OneM2mException.badRequest("X-M2M-OT is not an m2m:timestamp");
        }
        if (q >= 0) {
            Map<String, List<String>> params = new QueryStringDecoder(uri).parameters();
            QueryParameters.apply(params, b, op, now);
        }
        String authorization = h.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null) {
            b.tokens(tokens(authorization));
        }
        Serialization serialization = ct.serialization() != null ? ct.serialization() : Serialization.JSON;
        boolean textual = false;
        if (http.content().isReadable()) {
            if (ct.serialization() == null) {
                throw new OneM2mException(
                        ResponseStatusCode.UNSUPPORTED_MEDIA_TYPE,
                        "a body needs Content-Type application/json, application/cbor or application/xml");
            }
            ContentCodec codec = ContentCodec.of(ct.serialization());
            b.content(codec.decode(ByteBufUtil.getBytes(http.content())));
            textual = codec.isTextual();
        }
        return new Decoded(b.build(), serialization, textual);
    }

    /** X-M2M-RST, X-M2M-OET (m2m:absRelTimestamp) and X-M2M-EC (an event category). */
    private static RequestPrimitive.Handling handling(HttpHeaders h, Instant now) {
        String rst = h.get("X-M2M-RST");
        String oet = h.get("X-M2M-OET");
        String ec = h.get("X-M2M-EC");
        Integer category = null;
        if (ec != null) {
            try {
                category = Integer.parseInt(ec.strip());
            } catch (NumberFormatException e) {
                throw OneM2mException.badRequest("X-M2M-EC is not an event category");
            }
        }
        return RequestPrimitive.Handling.parse(rst, "X-M2M-RST", oet, "X-M2M-OET", category, now);
    }

    /** Maps the request path to {@code To}: {@code /~/x} SP-relative, {@code /_/x} absolute, else CSE-relative. */
    static String toParameter(String rawPath) {
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")) {
            throw OneM2mException.badRequest("encoded slash, backslash or NUL in the path is not allowed");
        }
        String path = QueryStringDecoder.decodeComponent(rawPath.replace("+", "%2B")); // a path's '+' is no space
        if (path.equals("/") || path.isEmpty()) {
            throw OneM2mException.badRequest("the path names no target resource");
        }
        if (!path.startsWith("/")) {
            throw OneM2mException.badRequest("the request target must be an absolute path");
        }
        if (path.startsWith("/~/")) {
            return path.substring(2);
        }
        if (path.startsWith("/_/")) {
            return "/" + path.substring(2);
        }
        return path.substring(1);
    }

    private static Operation operation(HttpMethod method, Integer ty) {
        if (HttpMethod.POST.equals(method)) {
            return ty != null ? Operation.CREATE : Operation.NOTIFY;
        }
        if (HttpMethod.GET.equals(method)) {
            return Operation.RETRIEVE;
        }
        if (HttpMethod.PUT.equals(method)) {
            return Operation.UPDATE;
        }
        if (HttpMethod.DELETE.equals(method)) {
            return Operation.DELETE;
        }
        throw new OneM2mException(
                ResponseStatusCode.OPERATION_NOT_ALLOWED, "HTTP method " + method + " is not used by oneM2M");
    }

    record ContentTypeInfo(Serialization serialization, Integer ty) {}

    /**
     * The Tokens parameter (TS-0009): compact JWTs joined by {@code +}. An OAuth2-style {@code Bearer} prefix
     * is tolerated; any other scheme (e.g. Basic) is refused rather than ignored.
     */
    static List<String> tokens(String header) {
        String value = header.strip();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            value = value.substring(7).strip();
        }
        List<String> out = List.of(value.split("\\+", -1));
        if (out.size() > 16 || out.stream().anyMatch(t -> t.isEmpty() || !t.matches("[A-Za-z0-9_=.-]+"))) {
            throw OneM2mException.badRequest("Authorization must carry up to 16 compact JWTs joined by '+'");
        }
        return out;
    }

    static ContentTypeInfo contentType(String header) {
        if (header == null || header.isBlank()) {
            return new ContentTypeInfo(null, null);
        }
        String[] parts = header.split(";");
        Serialization s = Serialization.ofMediaType(parts[0])
                .orElseThrow(() -> new OneM2mException(
                        ResponseStatusCode.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported Content-Type '" + parts[0].trim() + "'"));
        Integer ty = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.regionMatches(true, 0, "ty=", 0, 3)) {
                String v = p.substring(3).trim();
                if (!v.matches("[0-9]{1,5}")) {
                    throw OneM2mException.badRequest("Content-Type parameter ty must be a resource type number");
                }
                ty = Integer.parseInt(v);
            }
        }
        return new ContentTypeInfo(s, ty);
    }

    /** The serialization the client accepts; empty Accept or wildcard picks {@code fallback}. */
    static Serialization accepted(String accept, Serialization fallback) {
        if (accept == null || accept.isBlank()) {
            return fallback;
        }
        for (String part : accept.split(",")) {
            String media = part.split(";")[0].trim();
            if (media.equals("*/*") || media.equals("application/*")) {
                return fallback;
            }
            var s = Serialization.ofMediaType(media);
            if (s.isPresent()) {
                return s.get();
            }
        }
        throw new OneM2mException(ResponseStatusCode.NOT_ACCEPTABLE, "none of the Accept media types is supported");
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
