package io.citadel.maf;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MAF client registration over HTTP with JSON (TS-0003 §8.8.2; TS-0032's names unknown: the members are TS-0003's
 * parameter names, the paths ours, all here):
 * <ul>
 * <li>{@code POST /maf/clients} Registration {@code {"mafFQDN"?, "expirationTime"?, "labels"?, "adminFQDN"?}} → 201
 * {@code {"mafClientRegID", "mafClientID", "expirationTime", "labels", "adminFQDN"?, "assignedSymmKeyID"?}}; a
 * second one 409 with the live {@code mafClientRegID};</li>
 * <li>{@code GET /maf/clients/<id>} Configuration Retrieval, {@code PUT} Update (only the changed members back),
 * {@code DELETE} De-Registration (204).</li>
 * </ul>
 */
final class MafClientRoutes {
    static final String CLIENTS = "/maf/clients";
    static final String MAF_FQDN = "mafFQDN";
    static final String REG_ID = "mafClientRegID";
    static final String CLIENT_ID = "mafClientID";
    static final String EXPIRATION_TIME = "expirationTime";
    static final String LABELS = "labels";
    static final String ADMIN_FQDN = "adminFQDN";
    static final String ASSIGNED_KEY_ID = "assignedSymmKeyID";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final DateTimeFormatter ONEM2M_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT);

    private final MafClients clients;
    private final String fqdn;

    MafClientRoutes(MafClients clients, String fqdn) {
        this.clients = clients;
        this.fqdn = fqdn;
    }

    static boolean serves(String uri) {
        return uri.equals(CLIENTS) || uri.startsWith(CLIENTS + "/");
    }

    /** An answer: status and JSON body (null: none). */
    record Answer(int status, Map<String, Object> body) {}

    /**
     * @param afterAnswer takes what must happen only once the answer is written (ending the assigned key of a
     *     registration ends the very session that asked)
     */
    Answer handle(
            String method,
            String uri,
            String client,
            String sessionIdentity,
            byte[] body,
            java.util.function.Consumer<Runnable> afterAnswer) {
        if (uri.equals(CLIENTS)) {
            if (!method.equals("POST")) {
                throw new MafException(405, "MAF client registration takes POST");
            }
            JsonNode request = object(body, Set.of(MAF_FQDN, EXPIRATION_TIME, LABELS, ADMIN_FQDN));
            if (request.has(MAF_FQDN) && !fqdn.equalsIgnoreCase(text(request, MAF_FQDN))) {
                throw new MafException(400, "mafFQDN names another MAF than " + fqdn);
            }
            String admin = request.has(ADMIN_FQDN) ? fqdnOf(text(request, ADMIN_FQDN)) : null;
            MafClients.Registration r = clients.register(
                    client,
                    sessionIdentity,
                    expirationTime(request),
                    labels(request).orElse(List.of()),
                    admin);
            return new Answer(201, describe(r));
        }
        String regId = uri.substring(CLIENTS.length() + 1);
        if (!regId.matches("[0-9a-f]{32}")) {
            throw new MafException(404, "no such MAF client registration");
        }
        return switch (method) {
            case "GET" -> new Answer(200, describe(clients.registration(client, regId)));
            case "PUT" -> {
                JsonNode request = object(body, Set.of(EXPIRATION_TIME, LABELS));
                Optional<Instant> expiry = expirationTime(request);
                Optional<List<String>> labels = labels(request);
                MafClients.Registration r = clients.update(client, regId, expiry, labels);
                Map<String, Object> changed = new LinkedHashMap<>();
                expiry.ifPresent(
                        e -> changed.put(EXPIRATION_TIME, r.expirationTime().toString()));
                labels.ifPresent(l -> changed.put(LABELS, r.labels()));
                if (r.assignedKeyId() != null) {
                    changed.put(ASSIGNED_KEY_ID, r.assignedKeyId());
                }
                yield new Answer(200, changed);
            }
            case "DELETE" -> {
                clients.deregister(client, regId).ifPresent(key -> afterAnswer.accept(() -> clients.endKey(key)));
                yield new Answer(204, null);
            }
            default -> throw new MafException(405, "a MAF client registration takes GET, PUT and DELETE");
        };
    }

    private static Map<String, Object> describe(MafClients.Registration r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(REG_ID, r.regId());
        m.put(CLIENT_ID, r.clientId());
        m.put(EXPIRATION_TIME, r.expirationTime().toString());
        m.put(LABELS, r.labels());
        if (r.adminFqdn() != null) {
            m.put(ADMIN_FQDN, r.adminFqdn());
        }
        if (r.assignedKeyId() != null) {
            m.put(ASSIGNED_KEY_ID, r.assignedKeyId());
        }
        return m;
    }

    private static JsonNode object(byte[] body, Set<String> allowed) {
        JsonNode n;
        try {
            n = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw new MafException(400, "the request body is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new MafException(400, "the request body is a JSON object");
        }
        for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new MafException(
                        400,
                        "unexpected member '" + printable(name) + "' (this request takes "
                                + new java.util.TreeSet<>(allowed) + ")");
            }
        }
        return n;
    }

    private static String text(JsonNode request, String member) {
        JsonNode v = request.get(member);
        if (!v.isTextual()) {
            throw new MafException(400, member + " is a string");
        }
        return v.asText();
    }

    /** ISO-8601 or oneM2M's basic form ({@code 20300101T000000}, UTC). */
    private static Optional<Instant> expirationTime(JsonNode request) {
        if (!request.has(EXPIRATION_TIME)) {
            return Optional.empty();
        }
        String t = text(request, EXPIRATION_TIME);
        try {
            return Optional.of(
                    t.matches("[0-9]{8}T[0-9]{6}")
                            ? LocalDateTime.parse(t, ONEM2M_TIME).toInstant(ZoneOffset.UTC)
                            : Instant.parse(t));
        } catch (DateTimeParseException e) {
            throw new MafException(400, "expirationTime is not a timestamp");
        }
    }

    private static Optional<List<String>> labels(JsonNode request) {
        if (!request.has(LABELS)) {
            return Optional.empty();
        }
        JsonNode v = request.get(LABELS);
        if (!v.isArray() || v.size() > MafClients.MAX_LABELS) {
            throw new MafException(400, "labels is a list of at most " + MafClients.MAX_LABELS + " strings");
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode l : v) {
            if (!l.isTextual()
                    || l.asText().isEmpty()
                    || l.asText().length() > MafClients.MAX_LABEL_LENGTH
                    || !l.asText().chars().allMatch(ch -> ch >= 0x20 && ch != 0x7f)) {
                throw new MafException(400, "a label is 1 to " + MafClients.MAX_LABEL_LENGTH + " printable characters");
            }
            labels.add(l.asText());
        }
        return Optional.of(labels);
    }

    private static String fqdnOf(String name) {
        if (name.length() > 253
                || !name.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
            throw new MafException(400, "adminFQDN is not a domain name");
        }
        return name;
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
