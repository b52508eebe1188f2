package io.citadel.client.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.client.device.ManagedSettings.MafRegistration;
import io.citadel.client.tls.PskHttpConnection;
import io.citadel.credentials.KeyDerivation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The device as a client of a MAF (TS-0003 §8.8.2), with the master key the MEF provisioned from its Ke (SUID 21: Km
 * is the usage-constrained key of Ke for the MAF's FQDN, {@link KeyDerivation#usageConstrainedKey}), over TLS-PSK:
 * MAF client registration ({@code POST /maf/clients}, first with its KeID as {@code psk_identity}, then with the KmID
 * the MAF assigned), de-registration, and Key Registration of a key for its CSE ({@code POST /maf/keys}, SUID 32, the
 * MAF-based SAEF): the key is exported from that session ({@code EXPORTER-oneM2M-Connection}, 48 bytes: KcID then
 * Kc), so it never travels. Answers are read as JSON of at most 8 KiB; every failure is an {@link EnrolmentException}
 * with one line of ours.
 */
final class MafClient {
    static final String CLIENTS = "/maf/clients";
    static final String KEYS = "/maf/keys";
    /** The SUID of a key for a security association with a CSE brokered by a MAF (TS-0004 m2m:suid). */
    static final int MAF_SAEF = 32;
    /** The SUID of a MAF-distributed pairwise ESPrim key (the key registered is the pairwise key itself). */
    static final int MAF_ESPRIM = 33;

    private static final int MAX_JSON = 8 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A key registered for the device's CSE: its identifier ({@code <hex KcID>@<MAF-FQDN>}), Kc, and its end. */
    record CseKey(String keyId, byte[] key, Instant notAfter) {
        CseKey copy() {
            return new CseKey(keyId, key.clone(), notAfter);
        }

        void zero() {
            Arrays.fill(key, (byte) 0);
        }
    }

    private MafClient() {}

    /**
     * Registers the device at the MAF {@code fqdn} (reached at {@code port}, TLS-PSK); an existing registration (409)
     * is taken over. Its registration, with the KmID the MAF assigned if any.
     */
    static MafRegistration register(DeviceEnrolment device, String source, String fqdn, int port) {
        DeviceCredentials c = device.credentials();
        Exchange posted = exchange(device, fqdn, port, c.keyId(), "POST", CLIENTS, "{}", false);
        JsonNode answer = posted.json();
        if (posted.status() == 409) { // registered before (an answer lost, a restart): its configuration
            String live = answer.path("mafClientRegID").asText("");
            if (!live.matches(MafRegistration.REG_ID)) {
                throw new EnrolmentException("the MAF at " + fqdn + " answered no usable mafClientRegID");
            }
            answer = exchange(device, fqdn, port, c.keyId(), "GET", CLIENTS + "/" + live, null, false)
                    .json();
            ((com.fasterxml.jackson.databind.node.ObjectNode) answer).put("mafClientRegID", live);
        }
        String regId = answer.path("mafClientRegID").asText("");
        if (!regId.matches(MafRegistration.REG_ID)) {
            throw new EnrolmentException("the MAF at " + fqdn + " answered no usable mafClientRegID");
        }
        String assigned = answer.path("assignedSymmKeyID").asText(null);
        if (assigned != null && !assigned.matches("[0-9a-f]{32}@" + java.util.regex.Pattern.quote(fqdn))) {
            throw new EnrolmentException("the MAF at " + fqdn + " assigned a KmID that is not one of its own");
        }
        return new MafRegistration(source, fqdn, port, regId, assigned, null, null);
    }

    /** Ends the registration at the MAF (already gone there: done as well). */
    static void deregister(DeviceEnrolment device, MafRegistration r) {
        exchange(device, r.fqdn(), r.port(), identity(device, r), "DELETE", CLIENTS + "/" + r.regId(), null, false);
    }

    /**
     * Registers a key for {@code targetCseId} (an absolute CSE-ID) for the MAF-based SAEF, to last {@code duration}
     * (null: as long as the MAF gives).
     */
    static CseKey registerKeyFor(DeviceEnrolment device, MafRegistration r, String targetCseId, Duration duration) {
        return registerKeyFor(device, r, targetCseId, duration, MAF_SAEF);
    }

    /** As above, for the use {@code suid} (32 the SAEF, 33 ESPrim). */
    static CseKey registerKeyFor(
            DeviceEnrolment device, MafRegistration r, String targetCseId, Duration duration, int suid) {
        return registerKeyFor(device, r, List.of(targetCseId), duration, suid);
    }

    /** As above, for several targets (ESData keys, SUID 34 and 35: 1 to 16). */
    static CseKey registerKeyFor(
            DeviceEnrolment device, MafRegistration r, List<String> targets, Duration duration, int suid) {
        StringBuilder ids = new StringBuilder();
        for (String t : targets) {
            ids.append(ids.length() == 0 ? "" : ",").append(quoted(t));
        }
        String body = "{\"suid\":" + suid + ",\"targetIDs\":[" + ids + "]"
                + (duration == null
                        ? ""
                        : ",\"expirationTime\":"
                                + quoted(Instant.now().plus(duration).toString()))
                + "}";
        Exchange e = exchange(device, r.fqdn(), r.port(), identity(device, r), "POST", KEYS, body, true);
        byte[] material = e.exported();
        KeyDerivation.ExportedKey exported = KeyDerivation.split(material);
        Arrays.fill(material, (byte) 0);
        String keyId = exported.identifier(r.fqdn());
        try {
            if (!keyId.equals(e.json().path("keyID").asText())) {
                throw new EnrolmentException("the MAF at " + r.fqdn() + " names another key than this session's");
            }
            Instant notAfter = Instant.parse(e.json().path("expirationTime").asText());
            return new CseKey(keyId, exported.key().clone(), notAfter);
        } catch (DateTimeParseException ex) {
            throw new EnrolmentException("the MAF at " + r.fqdn() + " gave the key no expirationTime");
        } finally {
            Arrays.fill(exported.key(), (byte) 0);
        }
    }

    /**
     * Key Retrieval: the key {@code keyId} ({@code <relative>@<MAF-FQDN>}) another client of the MAF registered with
     * this device among its targets; its value and end. The MAF refuses a device that is not a target.
     */
    static CseKey retrieveKey(DeviceEnrolment device, MafRegistration r, String keyId, int suid) {
        int at = keyId.indexOf('@');
        if (at != 32
                || !keyId.substring(0, at).matches("[0-9a-f]{32}")
                || !keyId.substring(at + 1).equals(r.fqdn())) {
            throw new EnrolmentException("a key of the MAF " + r.fqdn() + " is named <32 hex digits>@" + r.fqdn());
        }
        Exchange e = exchange(
                device,
                r.fqdn(),
                r.port(),
                identity(device, r),
                "GET",
                KEYS + "/" + keyId.substring(0, at),
                null,
                false);
        if (e.json().path("suid").asInt(-1) != suid) {
            throw new EnrolmentException("the MAF's key " + keyId + " is not for SUID " + suid);
        }
        byte[] value;
        try {
            value = java.util.Base64.getDecoder()
                    .decode(e.json().path("keyValue").asText(""));
        } catch (IllegalArgumentException ex) {
            throw new EnrolmentException("the MAF at " + r.fqdn() + " gave no usable keyValue");
        }
        try {
            if (value.length < 16) {
                throw new EnrolmentException("the MAF at " + r.fqdn() + " gave no usable keyValue");
            }
            return new CseKey(
                    keyId,
                    value.clone(),
                    Instant.parse(e.json().path("expirationTime").asText()));
        } catch (DateTimeParseException ex) {
            throw new EnrolmentException("the MAF at " + r.fqdn() + " gave the key no expirationTime");
        } finally {
            Arrays.fill(value, (byte) 0);
        }
    }

    /** De-registers the key {@code keyId} ({@code <relative>@<MAF-FQDN>}) at the MAF (gone already: done as well). */
    static void deregisterKey(DeviceEnrolment device, MafRegistration r, String keyId) {
        String relative = keyId.substring(0, keyId.indexOf('@'));
        exchange(device, r.fqdn(), r.port(), identity(device, r), "DELETE", KEYS + "/" + relative, null, false);
    }

    private static String identity(DeviceEnrolment device, MafRegistration r) {
        return r.assignedKmId() != null
                ? r.assignedKmId()
                : device.credentials().keyId();
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Exchange(int status, JsonNode json, byte[] exported) {}

    private static Exchange exchange(
            DeviceEnrolment device,
            String fqdn,
            int port,
            String identity,
            String method,
            String path,
            String json,
            boolean exportKey) {
        String host = device.address(fqdn);
        byte[] ke = device.credentials().enrolmentKey();
        byte[] km = KeyDerivation.usageConstrainedKey(ke, 21, fqdn);
        Arrays.fill(ke, (byte) 0);
        Map<String, Integer> exports =
                exportKey ? Map.of(KeyDerivation.CONNECTION_EXPORTER, KeyDerivation.EXPORT_LENGTH) : Map.of();
        try (PskHttpConnection c = new PskHttpConnection(host, port, identity, km, exports)) {
            PskHttpConnection.Reply r = c.exchange(
                    method,
                    path,
                    json == null ? Map.of() : Map.of("Content-Type", "application/json"),
                    json == null ? null : json.getBytes(StandardCharsets.UTF_8),
                    TIMEOUT);
            boolean accepted = switch (method) {
                case "DELETE" -> r.status() == 200 || r.status() == 204 || r.status() == 404;
                case "GET" -> r.status() == 200;
                default -> r.status() == 201 || (path.equals(CLIENTS) && r.status() == 409);
            };
            if (!accepted) {
                throw new EnrolmentException("the MAF at " + fqdn + " refused " + method + " " + path + " ("
                        + r.status() + (error(r.body()).isEmpty() ? "" : ": " + error(r.body())) + ")");
            }
            JsonNode answer = r.body().length == 0 ? JSON.createObjectNode() : json(r.body(), fqdn);
            return new Exchange(r.status(), answer, exportKey ? c.exported(KeyDerivation.CONNECTION_EXPORTER) : null);
        } catch (IOException e) {
            throw new EnrolmentException(
                    "no TLS-PSK session with the MAF at " + fqdn + " (" + host + ":" + port + ") or no answer");
        } finally {
            Arrays.fill(km, (byte) 0);
        }
    }

    private static JsonNode json(byte[] body, String fqdn) {
        if (body.length > MAX_JSON) {
            throw new EnrolmentException("the MAF at " + fqdn + " answered more than " + MAX_JSON + " bytes");
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new EnrolmentException("the MAF at " + fqdn + " answered no JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new EnrolmentException("the MAF at " + fqdn + " answered no JSON");
        }
    }

    /** The MAF's {@code errorString}, cut to one short line, or empty. */
    private static String error(byte[] body) {
        try {
            String s = JSON.readTree(body).path("errorString").asText("");
            s = s.replaceAll("\\p{Cntrl}", " ");
            return s.length() > 200 ? s.substring(0, 200) : s;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
