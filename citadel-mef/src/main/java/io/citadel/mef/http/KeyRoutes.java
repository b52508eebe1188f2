package io.citadel.mef.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.KeyDerivation;
import io.citadel.mef.est.EstException;
import io.citadel.mef.keys.EnrolmentKeys;
import io.citadel.tls.KeyingMaterial;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MEF's key operations over HTTP, with JSON members named after TS-0003's parameters (digest §12.2, §12.3;
 * the TS-0032 names are not available: decisions, "Issue 16"):
 * <ul>
 * <li>{@code POST /mef/enrolment}, inside the enrolee's MEF handshake session (TLS-PSK over HTTP, DTLS-PSK over
 * CoAP): the Enrolment Exchange; both ends
 * export Ke, the MEF records it and answers {@code keID}, {@code expirationTime} and where certificates are
 * enrolled;</li>
 * <li>{@code GET /fetchCredentials/<KeID>/<SUID>}, by an enrolment target over certificate TLS with
 * {@code X-M2M-Origin}: {@code {"status":true,"credential":base64,"enroleeID":..,"lifetime":..}} or
 * {@code {"status":false,"errorString":..}}.</li>
 * </ul>
 */
public final class KeyRoutes {
    public static final String ENROLMENT = "/mef/enrolment";
    static final String FETCH = "/fetchCredentials/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An HTTP status and JSON body (the CoAPS listener maps the status to its CoAP code). */
    public record Answer(int status, byte[] json) {}

    private final EnrolmentKeys keys;
    private final String estBase;
    private final ClientRoutes clients;
    private final io.citadel.maf.KeyProcedureRoutes procedures;
    private final io.citadel.mef.est.Enrolments enrolments;

    /**
     * @param keys    the enrolment keys; null: key operations are off (404)
     * @param estBase the EST base URI to tell enrolees, e.g. {@code https://mef.sp.example:8443/.well-known/est}
     */
    public KeyRoutes(EnrolmentKeys keys, String estBase) {
        this(keys, estBase, null);
    }

    /** @param clients MEF client registration and commands; null: off (404) */
    public KeyRoutes(EnrolmentKeys keys, String estBase, ClientRoutes clients) {
        this(keys, estBase, clients, null, null);
    }

    /**
     * @param procedures the MEF Key Registration, Retrieval, Update and De-registration between MEF clients
     *     (TS-0003 §8.3.5.2; {@code /mef/keys}); null: off (404)
     * @param enrolments who a MEF client is: the identity its enrolment policy gives, while the policy stands
     */
    public KeyRoutes(
            EnrolmentKeys keys,
            String estBase,
            ClientRoutes clients,
            io.citadel.maf.KeyProcedureRoutes procedures,
            io.citadel.mef.est.Enrolments enrolments) {
        this.keys = keys;
        this.estBase = estBase;
        this.clients = clients;
        this.procedures = procedures;
        this.enrolments = enrolments;
    }

    /** Whether {@code uri} is one of the MEF key procedures ({@code /mef/keys}). */
    public boolean servesKeyProcedures(String uri) {
        return procedures != null && procedures.serves(uri);
    }

    /**
     * A MEF key procedure of {@code enrolee} (its source and target ID is the AE-ID or CSE-ID its policy gives); a
     * registration without a value takes the key from the MEF handshake session's export, once per session.
     */
    public Answer keyProcedure(String method, String uri, String enrolee, byte[] body, KeyingMaterial session) {
        io.citadel.mef.est.EnrolmentPolicy policy = enrolments
                .policy(enrolee)
                .filter(p -> !enrolments.isRevoked(enrolee))
                .orElseThrow(() -> new EstException(403, "only an enrolee whose policy stands is a MEF client"));
        try {
            io.citadel.maf.KeyProcedureRoutes.Answer a = procedures.handle(
                    method,
                    uri,
                    policy.subject().originator(),
                    body,
                    () -> KeyingMaterial.once(session, KeyDerivation.BOOTSTRAP_EXPORTER, KeyDerivation.EXPORT_LENGTH));
            return new Answer(a.status(), json(a.body()));
        } catch (io.citadel.maf.MafException e) {
            throw new EstException(e.httpStatus(), e.getMessage());
        }
    }

    /** MEF client registration and commands ({@link ClientRoutes}). */
    public Answer clientOperation(String method, String uri, String client, byte[] body) {
        if (clients == null) {
            throw new EstException(404, "this MEF does not register clients");
        }
        return clients.handle(method, uri, client, body);
    }

    /**
     * The enrolment exchange of {@code enrolee} in the MEF handshake session {@code session} (TLS-PSK or DTLS-PSK:
     * both export with the same label); null: not in such a session (400).
     */
    public Answer enrolmentExchange(String enrolee, KeyingMaterial session) {
        requireKeys();
        if (session == null) {
            throw new EstException(400, "the enrolment exchange runs in a MEF handshake session");
        }
        EnrolmentKeys.Recorded recorded =
                keys.record(enrolee, session.export(KeyDerivation.BOOTSTRAP_EXPORTER, KeyDerivation.EXPORT_LENGTH));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("keID", recorded.keyId());
        body.put("expirationTime", recorded.notAfter().toString());
        body.put("certificateEnrolment", Map.of("certProvProtocolID", 1, "uri", estBase));
        return new Answer(200, json(body));
    }

    Answer fetchCredentials(String path, List<String> callerNames, String from) {
        requireKeys();
        String[] parts = path.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new EstException(400, "fetchCredentials takes /fetchCredentials/<KeID>/<SUID>");
        }
        if (callerNames.isEmpty()) {
            throw new EstException(403, "only an enrolment target with a CSE certificate may fetch credentials");
        }
        if (from == null || from.isBlank()) {
            throw new EstException(400, "X-M2M-Origin names the enrolment target");
        }
        EnrolmentKeys.UsageKey key;
        try {
            key = keys.fetch(parts[0], parts[1], callerNames, from);
        } catch (EstException notKe) {
            if (notKe.httpStatus() != 404 || procedures == null) {
                throw notKe;
            }
            return registeredKey(parts[0], parts[1], callerNames, from);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", true);
        body.put("credential", Base64.getEncoder().encodeToString(key.key()));
        body.put("enroleeID", key.enrolee());
        body.put("lifetime", key.notAfter().toString());
        java.util.Arrays.fill(key.key(), (byte) 0);
        return new Answer(200, json(body));
    }

    /**
     * A key a MEF client registered for this caller ({@code /mef/keys}): {@code <relativeKeyID>@<MEF-FQDN>} asked by a
     * target CSE whose certificate proves the CSE-ID it names in {@code From}, for the SUID it was registered for.
     */
    private Answer registeredKey(String keyId, String suid, List<String> callerNames, String from) {
        int at = keyId.lastIndexOf('@');
        if (at <= 0 || !from.matches("/[A-Za-z0-9._-]+")) {
            throw new EstException(404, "no such KeID, or its enrolment has expired");
        }
        // the CSE's public domain name in the MEF's SP (the MEF is mef.<sp>): what its certificate must prove
        String mef = keyId.substring(at + 1);
        String expected = from.substring(1) + "." + mef.substring(mef.indexOf('.') + 1);
        if (callerNames.stream().noneMatch(expected::equalsIgnoreCase)) {
            throw new EstException(403, "the caller's certificate does not prove " + from);
        }
        io.citadel.maf.MafKeys.Retrieved r;
        try {
            r = procedures.keys().retrieve(from, keyId.substring(0, at));
        } catch (io.citadel.maf.MafException e) {
            throw new EstException(e.httpStatus(), e.getMessage());
        }
        try {
            if (!String.valueOf(r.key().suid()).equals(suid)) {
                throw new EstException(403, "this key was registered for another use than SUID " + suid);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", true);
            body.put("credential", Base64.getEncoder().encodeToString(r.value()));
            body.put("enroleeID", r.key().source());
            body.put("lifetime", r.key().expires().toString());
            return new Answer(200, json(body));
        } finally {
            java.util.Arrays.fill(r.value(), (byte) 0);
        }
    }

    public static Answer refusal(EstException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", false);
        body.put("errorString", e.getMessage());
        return new Answer(e.httpStatus(), json(body));
    }

    private void requireKeys() {
        if (keys == null) {
            throw new EstException(404, "this MEF does not provision keys");
        }
    }

    private static byte[] json(Map<String, Object> body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
