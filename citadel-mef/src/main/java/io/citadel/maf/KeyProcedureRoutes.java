package io.citadel.maf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The key procedures of a key distribution service as JSON over HTTP (TS-0003 §8.8.2 at the MAF, §8.3.5.2 at the MEF;
 * the TS-0032 names are unknown, so the members are TS-0003's parameter names), transport-free:
 * <ul>
 * <li>{@code POST <base>} Key Registration {@code {"suid", "targetIDs", "expirationTime"?, "labels"?, "keyValue"?}} →
 * 201 with the key's {@code relativeKeyID} and {@code keyID};</li>
 * <li>{@code GET <base>/<relativeKeyID>}: Key Retrieval by a target (with {@code keyValue}), or the key's
 * configuration for its source (without);</li>
 * <li>{@code PUT <base>/<relativeKeyID>} Key Registration Update, {@code DELETE} Key De-registration (source only).</li>
 * </ul>
 * Refusals are {@link MafException}s with their HTTP status; the caller writes them in its own form.
 */
public final class KeyProcedureRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: status and JSON members. */
    public record Answer(int status, Map<String, Object> body) {}

    private final MafKeys keys;
    private final String base;
    private final String fqdn;
    private final String sourceMember;
    private final Logger log;

    /**
     * @param base the path of the key collection ({@code /maf/keys}, {@code /mef/keys})
     * @param sourceMember the member naming a key's source ({@code sourceMafClientID}, {@code sourceMefClientID})
     */
    public KeyProcedureRoutes(MafKeys keys, String base, String fqdn, String sourceMember, Logger log) {
        this.keys = keys;
        this.base = base;
        this.fqdn = fqdn;
        this.sourceMember = sourceMember;
        this.log = log;
    }

    /** The keys these routes serve. */
    public MafKeys keys() {
        return keys;
    }

    /** Whether {@code uri} is one of these routes. */
    public boolean serves(String uri) {
        return uri.equals(base) || uri.startsWith(base + "/");
    }

    /**
     * One request of {@code client} (the AE-ID or CSE-ID its handshake proved); {@code sessionExport} gives the
     * session's keying material for a registration without a value (null when the session has none or gave it).
     */
    public Answer handle(String method, String uri, String client, byte[] body, Supplier<byte[]> sessionExport) {
        if (uri.equals(base)) {
            if (!method.equals("POST")) {
                throw new MafException(405, "key registration takes POST");
            }
            MafKey key = keys.register(client, registration(body), sessionExport);
            log.log(
                    Level.INFO,
                    "key " + key.relativeKeyId() + " registered by " + client + " for " + key.targets() + " (suid "
                            + key.suid() + ")");
            return new Answer(201, describe(key, null));
        }
        if (!uri.startsWith(base + "/")) {
            throw new MafException(404, "no such key operation");
        }
        String id = uri.substring(base.length() + 1);
        switch (method) {
            case "GET" -> {
                MafKey own = ownKey(client, id);
                if (own != null) {
                    return new Answer(200, describe(own, null));
                }
                MafKeys.Retrieved r = keys.retrieve(client, id);
                try {
                    log.log(Level.INFO, "key " + id + " retrieved by " + client);
                    return new Answer(200, describe(r.key(), r.value()));
                } finally {
                    java.util.Arrays.fill(r.value(), (byte) 0);
                }
            }
            case "PUT" -> {
                return new Answer(200, describe(keys.update(client, id, update(body)), null));
            }
            case "DELETE" -> {
                keys.deregister(client, id);
                log.log(Level.INFO, "key " + id + " de-registered by " + client);
                return new Answer(200, Map.of());
            }
            default -> throw new MafException(405, "a key takes GET, PUT or DELETE");
        }
    }

    /** The key when {@code client} registered it and is not also one of its targets; else null. */
    private MafKey ownKey(String client, String id) {
        try {
            MafKey k = keys.configuration(client, id);
            return k.targets().contains(client) ? null : k;
        } catch (MafException notOwn) {
            return null;
        }
    }

    private static JsonNode body(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new MafException(400, "the request body is a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new MafException(400, "the request body is not JSON");
        }
    }

    private static MafKeys.Registration registration(byte[] bytes) {
        JsonNode n = body(bytes);
        JsonNode suid = n.get("suid");
        if (suid == null || !suid.canConvertToInt() || !suid.isIntegralNumber()) {
            throw new MafException(400, "suid is a number (m2m:suid)");
        }
        byte[] value = null;
        if (n.has("keyValue")) {
            try {
                value = Base64.getDecoder().decode(text(n, "keyValue"));
            } catch (IllegalArgumentException e) {
                throw new MafException(400, "keyValue is base64");
            }
        }
        return new MafKeys.Registration(
                suid.intValue(), strings(n, "targetIDs"), time(n, "expirationTime"), strings(n, "labels"), value);
    }

    private static MafKeys.Update update(byte[] bytes) {
        JsonNode n = body(bytes);
        return new MafKeys.Update(strings(n, "targetIDs"), time(n, "expirationTime"), strings(n, "labels"));
    }

    private static String text(JsonNode n, String member) {
        JsonNode v = n.get(member);
        if (v == null || !v.isTextual()) {
            throw new MafException(400, member + " is a string");
        }
        return v.asText();
    }

    private static Instant time(JsonNode n, String member) {
        if (!n.has(member)) {
            return null;
        }
        try {
            return Instant.parse(text(n, member));
        } catch (DateTimeParseException e) {
            throw new MafException(400, member + " is a UTC timestamp (2026-12-31T00:00:00Z)");
        }
    }

    private static List<String> strings(JsonNode n, String member) {
        if (!n.has(member)) {
            return null;
        }
        JsonNode v = n.get(member);
        if (!v.isArray() || v.size() > 64) {
            throw new MafException(400, member + " is a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new MafException(400, member + " is a list of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    private Map<String, Object> describe(MafKey k, byte[] value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("relativeKeyID", k.relativeKeyId());
        m.put("keyID", k.relativeKeyId() + "@" + fqdn);
        m.put(sourceMember, k.source());
        m.put("suid", k.suid());
        m.put("targetIDs", k.targets());
        m.put("expirationTime", k.expires().toString());
        m.put("labels", k.labels());
        if (value != null) {
            m.put("keyValue", Base64.getEncoder().encodeToString(value));
        }
        return m;
    }
}
