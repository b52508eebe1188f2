package io.citadel.mef.http;

import static io.citadel.protocol.mef.MmefNames.ADMIN_FQDN;
import static io.citadel.protocol.mef.MmefNames.CLIENTS_PATH;
import static io.citadel.protocol.mef.MmefNames.CLIENT_ID;
import static io.citadel.protocol.mef.MmefNames.CMD_ARGS;
import static io.citadel.protocol.mef.MmefNames.CMD_CLASS_ID;
import static io.citadel.protocol.mef.MmefNames.CMD_DESCRIPTION;
import static io.citadel.protocol.mef.MmefNames.CMD_ID;
import static io.citadel.protocol.mef.MmefNames.CMD_STATUS_CODE;
import static io.citadel.protocol.mef.MmefNames.COMMAND_REF;
import static io.citadel.protocol.mef.MmefNames.COMMAND_SUFFIX;
import static io.citadel.protocol.mef.MmefNames.ERROR_STRING;
import static io.citadel.protocol.mef.MmefNames.EXPIRATION_TIME;
import static io.citadel.protocol.mef.MmefNames.LABELS;
import static io.citadel.protocol.mef.MmefNames.MEF_FQDN;
import static io.citadel.protocol.mef.MmefNames.REG_ID;
import static io.citadel.protocol.mef.MmefNames.RETRY_DURATION;
import static io.citadel.protocol.mef.MmefNames.TARGET_ID;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.mef.clients.MefClientException;
import io.citadel.mef.clients.MefClientRegistration;
import io.citadel.mef.clients.MefClients;
import io.citadel.mef.clients.MefCommand;
import io.citadel.mef.est.Enrolments;
import io.citadel.protocol.mef.MmefNames.CommandClass;
import io.citadel.protocol.mef.MmefNames.CommandStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MEF Client Registration and the MEF client commands (TS-0003 §8.3.5.2, §8.3.9; digest §12.4) as JSON over HTTP,
 * members named in {@link io.citadel.protocol.mef.MmefNames}. The client is the enrolee its MEF handshake proved
 * (an enrolee with a standing enrolment policy); nothing in a request names it.
 * <ul>
 * <li>{@code POST /mef/clients} {@code {expirationTime?, labels?, adminFQDN?, mefFQDN?}}: 201 with the
 * registration and {@code cmdRef}; 409 when the client has a live registration already (its
 * {@code mefClientRegID} in the answer, so that a client that lost it goes on with it);</li>
 * <li>{@code GET|PUT|DELETE /mef/clients/<id>}: configuration retrieval, update ({@code expirationTime} and/or
 * {@code labels}; the answer holds the updated values only), de-registration (204); another client's: 403;</li>
 * <li>{@code GET /mef/clients/<id>/cmd}: the command issued (10) or issued again (11), or NO_MORE_COMMANDS with
 * {@code retryDuration} (seconds); {@code PUT} {@code {cmdID, cmdStatusCode}}: the result of the command issued
 * (400 for any other), answered with the next command.</li>
 * </ul>
 * Refusals are their HTTP status with {@code {"errorString": ...}}; a body over 8 KiB is 413.
 */
public final class ClientRoutes {
    private static final io.citadel.mef.http.JsonRequests REQUESTS =
            new io.citadel.mef.http.JsonRequests((status, why) -> new MefClientException(status, why));
    static final int MAX_BODY = 8 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final MefClients clients;
    private final Enrolments enrolments;
    private final String mefFqdn;

    public ClientRoutes(MefClients clients, Enrolments enrolments, String mefFqdn) {
        this.clients = clients;
        this.enrolments = enrolments;
        this.mefFqdn = mefFqdn;
    }

    /** Whether {@code uri} is one of these routes. */
    public static boolean serves(String uri) {
        return uri.equals(CLIENTS_PATH) || uri.startsWith(CLIENTS_PATH + "/");
    }

    /** Answers one request of {@code client} (the enrolee the handshake proved). */
    KeyRoutes.Answer handle(String method, String uri, String client, byte[] body) {
        try {
            if (body != null && body.length > MAX_BODY) {
                throw new MefClientException(413, "a MEF client request is at most " + MAX_BODY + " bytes");
            }
            String[] path = uri.substring(CLIENTS_PATH.length()).split("/", -1);
            if (uri.equals(CLIENTS_PATH)) {
                requireMethod(method, "POST");
                requireClient(client);
                return register(client, body);
            }
            String regId = path[1];
            if (!regId.matches("[0-9a-f]{32}") || path.length > 3) {
                throw new MefClientException(404, "no such MEF client resource");
            }
            if (path.length == 3) {
                if (!("/" + path[2]).equals(COMMAND_SUFFIX)) {
                    throw new MefClientException(404, "no such MEF client resource");
                }
                requireClient(client);
                return switch (method) {
                    case "GET" -> command(clients.retrieve(client, regId));
                    case "PUT" -> report(client, regId, body);
                    default -> throw new MefClientException(405, "the command resource takes GET and PUT");
                };
            }
            requireClient(client);
            return switch (method) {
                case "GET" -> new KeyRoutes.Answer(200, json(registration(clients.registration(client, regId))));
                case "PUT" -> update(client, regId, body);
                case "DELETE" -> {
                    clients.deregister(client, regId);
                    yield new KeyRoutes.Answer(204, new byte[0]);
                }
                default -> throw new MefClientException(405, "a registration takes GET, PUT and DELETE");
            };
        } catch (MefClientException e) {
            System.getLogger("citadel.mef")
                    .log(
                            System.Logger.Level.INFO,
                            "MEF client " + method + " " + uri + " refused for " + client + ": " + e.getMessage());
            Map<String, Object> refusal = new LinkedHashMap<>();
            refusal.put(ERROR_STRING, e.getMessage());
            if (e.regId() != null) { // only ever the caller's own registration
                refusal.put(REG_ID, e.regId());
            }
            return new KeyRoutes.Answer(e.httpStatus(), json(refusal));
        }
    }

    private KeyRoutes.Answer register(String client, byte[] body) {
        JsonNode request = REQUESTS.object(body, Set.of(EXPIRATION_TIME, LABELS, ADMIN_FQDN, MEF_FQDN));
        if (request.has(MEF_FQDN) && !mefFqdn.equalsIgnoreCase(REQUESTS.text(request, MEF_FQDN))) {
            throw new MefClientException(400, "mefFQDN names another MEF than " + mefFqdn);
        }
        String admin = request.has(ADMIN_FQDN) ? REQUESTS.fqdn(REQUESTS.text(request, ADMIN_FQDN), ADMIN_FQDN) : null;
        MefClientRegistration r = clients.register(
                client,
                REQUESTS.time(request, EXPIRATION_TIME),
                REQUESTS.labels(request, LABELS, MefClients.MAX_LABELS, MefClients.MAX_LABEL_LENGTH)
                        .orElse(List.of()),
                admin);
        return new KeyRoutes.Answer(201, json(registration(r)));
    }

    private KeyRoutes.Answer update(String client, String regId, byte[] body) {
        JsonNode request = REQUESTS.object(body, Set.of(EXPIRATION_TIME, LABELS));
        Optional<Instant> expiry = REQUESTS.time(request, EXPIRATION_TIME);
        Optional<List<String>> labels =
                REQUESTS.labels(request, LABELS, MefClients.MAX_LABELS, MefClients.MAX_LABEL_LENGTH);
        MefClientRegistration r = clients.update(client, regId, expiry, labels);
        Map<String, Object> updated = new LinkedHashMap<>();
        expiry.ifPresent(e -> updated.put(EXPIRATION_TIME, r.expirationTime().toString()));
        labels.ifPresent(l -> updated.put(LABELS, r.labels()));
        return new KeyRoutes.Answer(200, json(updated));
    }

    private KeyRoutes.Answer report(String client, String regId, byte[] body) {
        JsonNode request = REQUESTS.object(body, Set.of(CMD_ID, CMD_STATUS_CODE));
        long cmdId = integer(request, CMD_ID);
        long code = integer(request, CMD_STATUS_CODE);
        CommandStatus result = CommandStatus.of((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, code)))
                .orElseThrow(() -> new MefClientException(400, "cmdStatusCode " + code + " is not a status code"));
        return command(clients.report(client, regId, cmdId, result));
    }

    private KeyRoutes.Answer command(Optional<MefCommand> issued) {
        Map<String, Object> answer = new LinkedHashMap<>();
        Map<String, Object> description = new LinkedHashMap<>();
        if (issued.isEmpty()) {
            description.put(CMD_CLASS_ID, CommandClass.NO_MORE_COMMANDS.id);
            description.put(
                    CMD_ARGS, Map.of(RETRY_DURATION, clients.retryDuration().toSeconds()));
            answer.put(CMD_DESCRIPTION, description);
            return new KeyRoutes.Answer(200, json(answer));
        }
        MefCommand c = issued.get();
        description.put(CMD_CLASS_ID, c.cmdClass().id);
        description.put(CMD_ARGS, c.args());
        if (c.targetId() != null) {
            description.put(TARGET_ID, c.targetId());
        }
        answer.put(CMD_ID, c.cmdId());
        answer.put(CMD_DESCRIPTION, description);
        answer.put(CMD_STATUS_CODE, c.status().code);
        return new KeyRoutes.Answer(200, json(answer));
    }

    private static Map<String, Object> registration(MefClientRegistration r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(REG_ID, r.regId());
        body.put(CLIENT_ID, r.clientId());
        body.put(EXPIRATION_TIME, r.expirationTime().toString());
        body.put(LABELS, r.labels());
        if (r.adminFqdn() != null) {
            body.put(ADMIN_FQDN, r.adminFqdn());
        }
        body.put(COMMAND_REF, CLIENTS_PATH + "/" + r.regId() + COMMAND_SUFFIX);
        return body;
    }

    /** A client is an enrolee with a policy that stands (not revoked, not removed). */
    private void requireClient(String client) {
        if (enrolments.policy(client).isEmpty() || enrolments.isRevoked(client)) {
            throw new MefClientException(403, "only an enrolee with an enrolment policy that stands is a MEF client");
        }
    }

    private static void requireMethod(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new MefClientException(405, "this MEF client operation takes " + expected);
        }
    }

    private static long integer(JsonNode request, String member) {
        JsonNode v = request.get(member);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new MefClientException(400, member + " is required, an integer");
        }
        return v.asLong();
    }

    private static byte[] json(Map<String, Object> body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
