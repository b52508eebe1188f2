package io.citadel.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.PskCredential;
import io.citadel.credentials.RawPublicKeyCredential;
import io.citadel.credentials.RawPublicKeyId;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The admin API's resources, under {@code /admin/credentials/}:
 * <pre>
 * GET    psk                 list (identity, allowed originators, expiry, Credential-ID; never keys)
 * POST   psk                 {"identity","allow":[...],"expires"?,"textKey"?} → 201 with the new key, shown once
 * GET    psk/{identity}      one credential
 * POST   psk/{identity}/rotate  a new key for it → 200 with the key, shown once
 * DELETE psk/{identity}      revoke (live sessions that used it are closed)
 * GET    rpk                 trusted raw public keys
 * POST   rpk                 {"key": PEM | "id": "ni:///sha-256;...", "allow":[...], "expires"?} → 201
 * DELETE rpk/{ni}            revoke (the ni URI percent-encoded)
 * GET    ca                  trust anchors
 * PUT    ca/{name}           {"pem": "-----BEGIN CERTIFICATE-----..."} → 201 (new) or 200 (replaced)
 * DELETE ca/{name}           remove
 * GET    secrets             names of the client secrets
 * PUT    secrets/{name}      {"value": "..."} → 204
 * DELETE secrets/{name}      remove
 * </pre>
 * and {@code GET /admin/keys}: which level of the secure environment protects which key; {@code /admin/privacy/}
 * is {@link PrivacyAdmin}.
 * Bad input is 400 with a message, an unknown thing 404, an existing PSK identity on POST 409, a wrong
 * method 405, a store that cannot be read or written 503. Every change is written to the audit log without
 * its secret.
 */
final class AdminRoutes {
    private static final Logger AUDIT = Logger.getLogger("citadel.audit");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PREFIX = "/admin/credentials/";

    /** An answer: HTTP status and JSON body (empty for 204). */
    record Reply(int status, byte[] body) {
        static Reply json(int status, Object value) {
            try {
                return new Reply(status, JSON.writeValueAsBytes(value));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Reply error(int status, String message) {
            return json(status, Map.of("error", message));
        }

        static Reply empty() {
            return new Reply(204, new byte[0]);
        }
    }

    private final CredentialAdmin admin;
    private final java.util.function.Supplier<List<KeyProtection.Entry>> keyProtection;
    private final PrivacyAdmin privacy;

    AdminRoutes(
            CredentialAdmin admin,
            java.util.function.Supplier<List<KeyProtection.Entry>> keyProtection,
            PrivacyAdmin privacy) {
        this.admin = admin;
        this.keyProtection = keyProtection;
        this.privacy = privacy;
    }

    /** {@code /admin/privacy/...}: bad input 400, a store that fails 503, never a stack trace. */
    private Reply privacy(String method, String uri, byte[] body) {
        if (privacy == null) {
            return Reply.error(404, "privacy administration is not available here");
        }
        try {
            return privacy.handle(method, uri, body);
        } catch (IllegalArgumentException e) {
            return Reply.error(400, e.getMessage() == null ? "bad request" : e.getMessage());
        } catch (java.io.IOException | RuntimeException e) {
            Logger.getLogger("citadel.server").warning("admin API (privacy): " + e);
            return Reply.error(
                    503,
                    "the data could not be read or written: " + e.getClass().getSimpleName());
        }
    }

    Reply handle(String method, String uri, byte[] body) {
        try {
            String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
            if (path.equals("/admin/keys") || path.equals("/admin/keys/")) {
                return method.equals("GET") ? Reply.json(200, keyProtection.get()) : notAllowed("GET");
            }
            if (path.startsWith(PrivacyAdmin.PREFIX)) {
                return privacy(method, uri, body);
            }
            if (!path.startsWith(PREFIX)) {
                return Reply.error(404, "no such admin resource; see /admin/credentials/{psk,rpk,ca,secrets}");
            }
            List<String> segments = new ArrayList<>();
            for (String s : path.substring(PREFIX.length()).split("/", -1)) {
                segments.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
            if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
                segments.remove(segments.size() - 1);
            }
            if (segments.isEmpty()) {
                return Reply.error(404, "no such admin resource; see /admin/credentials/{psk,rpk,ca,secrets}");
            }
            return switch (segments.get(0)) {
                case "psk" -> psk(method, segments, body);
                case "rpk" -> rpk(method, segments, body);
                case "ca" -> ca(method, segments, body);
                case "secrets" -> secrets(method, segments, body);
                default -> Reply.error(404, "no such admin resource '" + segments.get(0) + "'");
            };
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Reply.error(400, e.getMessage() == null ? "bad request" : e.getMessage());
        } catch (IllegalStateException e) {
            return Reply.error(503, "the credential store cannot be used: " + e.getMessage());
        } catch (RuntimeException e) {
            Logger.getLogger("citadel.server").warning("admin API: " + e);
            return Reply.error(
                    503, "the credential store cannot be used: " + e.getClass().getSimpleName());
        }
    }

    // ---- PSK

    private Reply psk(String method, List<String> s, byte[] body) {
        if (s.size() == 1) {
            return switch (method) {
                case "GET" ->
                    Reply.json(
                            200,
                            admin.psks().stream().map(AdminRoutes::describe).toList());
                case "POST" -> addPsk(body);
                default -> notAllowed("GET, POST");
            };
        }
        String identity = s.get(1);
        if (s.size() == 3 && s.get(2).equals("rotate")) {
            if (!method.equals("POST")) {
                return notAllowed("POST");
            }
            Map<String, Object> o = body.length == 0 ? Map.of() : object(body, Set.of("textKey"));
            return admin.rotatePsk(identity, bool(o, "textKey"))
                    .map(k -> {
                        AUDIT.info("admin API: rotated PSK " + identity);
                        return issued(200, k);
                    })
                    .orElseGet(() -> Reply.error(404, "no PSK " + identity));
        }
        if (s.size() != 2) {
            return Reply.error(404, "no such admin resource");
        }
        return switch (method) {
            case "GET" ->
                admin.psk(identity)
                        .map(c -> Reply.json(200, describe(c)))
                        .orElseGet(() -> Reply.error(404, "no PSK " + identity));
            case "DELETE" -> {
                if (!admin.revokePsk(identity)) {
                    yield Reply.error(404, "no PSK " + identity);
                }
                AUDIT.info("admin API: revoked PSK " + identity);
                yield Reply.empty();
            }
            default -> notAllowed("GET, DELETE");
        };
    }

    private Reply addPsk(byte[] body) {
        Map<String, Object> o = object(body, Set.of("identity", "allow", "expires", "textKey"));
        String identity = string(o, "identity", true);
        if (admin.psk(identity).isPresent()) {
            return Reply.error(
                    409,
                    "PSK " + identity + " exists; rotate it (POST psk/" + identity + "/rotate) or revoke it first");
        }
        PskCredential credential = new PskCredential(identity, strings(o, "allow"), instant(o, "expires"));
        CredentialAdmin.IssuedKey key = admin.issuePsk(credential, bool(o, "textKey"));
        AUDIT.info("admin API: added PSK " + identity + " for " + String.join(",", credential.allowed()));
        return issued(201, key);
    }

    private static Reply issued(int status, CredentialAdmin.IssuedKey key) {
        try {
            Map<String, Object> out = describe(key.credential());
            out.put("key", key.hex());
            if (key.text()) {
                out.put("textKey", new String(key.key(), StandardCharsets.US_ASCII));
            }
            return Reply.json(status, out);
        } finally {
            key.wipe();
        }
    }

    private static Map<String, Object> describe(PskCredential c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("identity", c.identity());
        m.put("allow", c.allowed());
        m.put("expires", c.notAfter() == null ? null : c.notAfter().toString());
        m.put("credentialId", c.credentialId());
        return m;
    }

    // ---- raw public keys

    private Reply rpk(String method, List<String> s, byte[] body) {
        if (s.size() == 1) {
            return switch (method) {
                case "GET" ->
                    Reply.json(
                            200,
                            admin.rawKeys().stream().map(AdminRoutes::describe).toList());
                case "POST" -> {
                    Map<String, Object> o = object(body, Set.of("key", "id", "allow", "expires"));
                    RawPublicKeyId id = CredentialAdmin.rawKeyId(string(o, "key", false), string(o, "id", false));
                    RawPublicKeyCredential c = admin.trustRawKey(id, strings(o, "allow"), instant(o, "expires"));
                    AUDIT.info("admin API: trusted raw public key " + id + " for " + String.join(",", c.allowed()));
                    yield Reply.json(201, describe(c));
                }
                default -> notAllowed("GET, POST");
            };
        }
        if (s.size() != 2) {
            return Reply.error(404, "no such admin resource");
        }
        if (!method.equals("DELETE")) {
            return notAllowed("DELETE");
        }
        RawPublicKeyId id = RawPublicKeyId.parse(s.get(1));
        if (!admin.revokeRawKey(id)) {
            return Reply.error(404, "no raw public key " + id);
        }
        AUDIT.info("admin API: revoked raw public key " + id);
        return Reply.empty();
    }

    private static Map<String, Object> describe(RawPublicKeyCredential c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id().toString());
        m.put("allow", c.allowed());
        m.put("expires", c.notAfter() == null ? null : c.notAfter().toString());
        m.put("credentialId", c.id().credentialId());
        return m;
    }

    // ---- trust anchors

    private Reply ca(String method, List<String> s, byte[] body) {
        if (s.size() == 1) {
            return method.equals("GET")
                    ? Reply.json(
                            200,
                            admin.trustAnchors().stream()
                                    .map(AdminRoutes::describe)
                                    .toList())
                    : notAllowed("GET");
        }
        if (s.size() != 2) {
            return Reply.error(404, "no such admin resource");
        }
        String name = s.get(1);
        return switch (method) {
            case "PUT" -> {
                Map<String, Object> o = object(body, Set.of("pem"));
                boolean existed = admin.hasTrustAnchor(name);
                CredentialAdmin.TrustAnchor a =
                        admin.addTrustAnchor(name, string(o, "pem", true).getBytes(StandardCharsets.UTF_8));
                AUDIT.info("admin API: " + (existed ? "replaced" : "added") + " trust anchor " + name + " ("
                        + a.subject() + ")");
                yield Reply.json(existed ? 200 : 201, describe(a));
            }
            case "DELETE" -> {
                if (!admin.removeTrustAnchor(name)) {
                    yield Reply.error(404, "no trust anchor " + name);
                }
                AUDIT.info("admin API: removed trust anchor " + name);
                yield Reply.empty();
            }
            default -> notAllowed("PUT, DELETE");
        };
    }

    private static Map<String, Object> describe(CredentialAdmin.TrustAnchor a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.name());
        m.put("subject", a.subject());
        m.put("notAfter", a.notAfter().toString());
        m.put("nameConstrained", a.nameConstrained());
        return m;
    }

    // ---- client secrets

    private Reply secrets(String method, List<String> s, byte[] body) {
        if (s.size() == 1) {
            return method.equals("GET") ? Reply.json(200, admin.secretNames()) : notAllowed("GET");
        }
        if (s.size() != 2) {
            return Reply.error(404, "no such admin resource");
        }
        String name = s.get(1);
        return switch (method) {
            case "PUT" -> {
                Map<String, Object> o = object(body, Set.of("value"));
                byte[] value = string(o, "value", true).getBytes(StandardCharsets.UTF_8);
                try {
                    admin.setSecret(name, value);
                } finally {
                    Arrays.fill(value, (byte) 0);
                }
                AUDIT.info("admin API: set secret " + name);
                yield Reply.empty();
            }
            case "DELETE" -> {
                if (!admin.removeSecret(name)) {
                    yield Reply.error(404, "no secret " + name);
                }
                AUDIT.info("admin API: removed secret " + name);
                yield Reply.empty();
            }
            default -> notAllowed("PUT, DELETE");
        };
    }

    // ---- request bodies: one JSON object, known fields only

    private static Map<String, Object> object(byte[] body, Set<String> fields) {
        Object parsed;
        try {
            parsed = JSON.readValue(body, Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON" + (body.length == 0 ? " (empty)" : ""));
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!fields.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown field '" + key + "'; allowed: " + String.join(", ", fields));
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    private static String string(Map<String, Object> o, String field, boolean required) {
        Object v = o.get(field);
        if (v == null) {
            if (required) {
                throw new IllegalArgumentException("'" + field + "' is required");
            }
            return null;
        }
        if (!(v instanceof String str) || str.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' must be a non-empty string");
        }
        return str;
    }

    private static List<String> strings(Map<String, Object> o, String field) {
        Object v = o.get(field);
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("'" + field + "' must be a non-empty array of AE-IDs or CSE-IDs");
        }
        List<String> out = new ArrayList<>();
        for (Object x : list) {
            if (!(x instanceof String str) || str.isBlank()) {
                throw new IllegalArgumentException("'" + field + "' must hold strings only");
            }
            out.add(str.trim());
        }
        return out;
    }

    private static Instant instant(Map<String, Object> o, String field) {
        String v = string(o, field, false);
        try {
            return v == null ? null : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + field + "' must be an ISO-8601 instant such as 2027-01-31T00:00:00Z");
        }
    }

    private static boolean bool(Map<String, Object> o, String field) {
        Object v = o.get(field);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("'" + field + "' must be true or false");
        }
        return b;
    }

    private static Reply notAllowed(String allowed) {
        return Reply.error(405, "method not allowed here; allowed: " + allowed);
    }
}
