package io.citadel.maf;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
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
    private static final io.citadel.mef.http.JsonRequests REQUESTS =
            new io.citadel.mef.http.JsonRequests((status, why) -> new MafException(status, why));
    static final String CLIENTS = "/maf/clients";
    static final String MAF_FQDN = "mafFQDN";
    static final String REG_ID = "mafClientRegID";
    static final String CLIENT_ID = "mafClientID";
    static final String EXPIRATION_TIME = "expirationTime";
    static final String LABELS = "labels";
    static final String ADMIN_FQDN = "adminFQDN";
    static final String ASSIGNED_KEY_ID = "assignedSymmKeyID";

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
            JsonNode request = REQUESTS.object(body, Set.of(MAF_FQDN, EXPIRATION_TIME, LABELS, ADMIN_FQDN));
            if (request.has(MAF_FQDN) && !fqdn.equalsIgnoreCase(REQUESTS.text(request, MAF_FQDN))) {
                throw new MafException(400, "mafFQDN names another MAF than " + fqdn);
            }
            String admin =
                    request.has(ADMIN_FQDN) ? REQUESTS.fqdn(REQUESTS.text(request, ADMIN_FQDN), ADMIN_FQDN) : null;
            MafClients.Registration r = clients.register(
                    client,
                    sessionIdentity,
                    REQUESTS.time(request, EXPIRATION_TIME),
                    REQUESTS.labels(request, LABELS, MafClients.MAX_LABELS, MafClients.MAX_LABEL_LENGTH)
                            .orElse(List.of()),
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
                JsonNode request = REQUESTS.object(body, Set.of(EXPIRATION_TIME, LABELS));
                Optional<Instant> expiry = REQUESTS.time(request, EXPIRATION_TIME);
                Optional<List<String>> labels =
                        REQUESTS.labels(request, LABELS, MafClients.MAX_LABELS, MafClients.MAX_LABEL_LENGTH);
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
}
