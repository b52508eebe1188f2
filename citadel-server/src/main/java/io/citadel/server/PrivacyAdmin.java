package io.citadel.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.engine.operations.AccessLogOperation;
import io.citadel.engine.privacy.PrivacyService;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The admin API's privacy resources, under {@code /admin/privacy/}:
 * <pre>
 * POST   export              {"subject": AE-ID} → 201 {"file", "subject", "resources", "accessLog"}: the subject's data
 *                            as JSON in {@code data-dir/exports/} (0600), for the operator to hand over and delete
 * GET    access-log?subject=AE-ID[&amp;limit=N]   the subject's newest entries (at most 1000), oldest first
 * POST   erase               {"subject": AE-ID} → 200 {"subject", "resources", "notifications", "accessLog", "keys"}:
 *                            everything of the subject deleted, its content keys destroyed ({@link ErasureJournal})
 * </pre>
 * A subject the CSE holds nothing of is 404; every export is written to the audit log.
 */
final class PrivacyAdmin {
    private static final Logger AUDIT = Logger.getLogger("citadel.audit");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern(
                    "yyyyMMdd'T'HHmmssSSS", java.util.Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    static final String PREFIX = "/admin/privacy/";
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private static byte[] random() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return b;
    }

    private final PrivacyService privacy;
    private final Path exports;
    private final ErasureJournal erasures;

    PrivacyAdmin(PrivacyService privacy, Path exports, ErasureJournal erasures) {
        this.privacy = privacy;
        this.exports = exports;
        this.erasures = erasures;
    }

    AdminRoutes.Reply handle(String method, String uri, byte[] body) throws IOException {
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        String query = uri.contains("?") ? uri.substring(uri.indexOf('?') + 1) : "";
        String what = path.substring(PREFIX.length());
        return switch (what) {
            case "export", "export/" -> method.equals("POST") ? export(body) : notAllowed("POST");
            case "access-log", "access-log/" -> method.equals("GET") ? accessLog(query) : notAllowed("GET");
            case "erase", "erase/" -> method.equals("POST") ? erase(body) : notAllowed("POST");
            default ->
                AdminRoutes.Reply.error(404, "no such admin resource; see /admin/privacy/{export,access-log,erase}");
        };
    }

    /** The subject of a {@code {"subject": "<AE-ID>"}} body, normalised. */
    private String subjectIn(byte[] body) {
        Map<?, ?> request;
        try {
            request = JSON.readValue(body, Map.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body must be {\"subject\": \"<AE-ID>\"}");
        }
        if (request == null || !(request.get("subject") instanceof String given) || request.size() != 1) {
            throw new IllegalArgumentException("the body must be {\"subject\": \"<AE-ID>\"}");
        }
        return privacy.subject(given);
    }

    private AdminRoutes.Reply erase(byte[] body) {
        String subject = subjectIn(body);
        if (!privacy.knows(subject)) {
            return AdminRoutes.Reply.error(404, "this CSE holds no data of " + subject);
        }
        PrivacyService.Erased done = erasures.erase(privacy, subject, "admin-api");
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("subject", done.subject());
        reply.put("resources", done.resources());
        reply.put("notifications", done.notifications());
        reply.put("accessLog", done.accesses());
        reply.put("keys", done.keys());
        return AdminRoutes.Reply.json(200, reply);
    }

    private AdminRoutes.Reply export(byte[] body) throws IOException {
        String subject = subjectIn(body);
        if (!privacy.knows(subject)) {
            return AdminRoutes.Reply.error(404, "this CSE holds no data of " + subject);
        }
        Files.createDirectories(exports);
        Files.setPosixFilePermissions(exports, PosixFilePermissions.fromString("rwx------"));
        String readable = subject.replaceAll("[^A-Za-z0-9._-]", "_");
        String name =
                readable.substring(0, Math.min(64, readable.length())) + "-" + STAMP.format(java.time.Instant.now())
                        + "-" + java.util.HexFormat.of().formatHex(random()) + ".json";
        Path file = Files.createFile(
                exports.resolve(name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        PrivacyService.Exported done;
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
            done = privacy.export(subject, out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file); // this request's own file: createFile above made it
            throw e;
        }
        AUDIT.info("PRIVACY export subject=" + subject + " resources=" + done.resources() + " accessLog="
                + done.accesses() + " by=admin-api");
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("file", file.toAbsolutePath().toString());
        reply.put("subject", subject);
        reply.put("resources", done.resources());
        reply.put("accessLog", done.accesses());
        return AdminRoutes.Reply.json(201, reply);
    }

    private AdminRoutes.Reply accessLog(String query) {
        String subject = null;
        int limit = 100;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = pair.substring(0, eq);
            String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (key.equals("subject")) {
                subject = value;
            } else if (key.equals("limit")) {
                if (!value.matches("[0-9]{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 1000) {
                    throw new IllegalArgumentException("limit must be 1 to 1000");
                }
                limit = Integer.parseInt(value);
            }
        }
        if (subject == null) {
            throw new IllegalArgumentException("access-log needs ?subject=<AE-ID>");
        }
        String s = privacy.subject(subject);
        if (!privacy.knows(s)) {
            return AdminRoutes.Reply.error(404, "this CSE holds no data of " + s);
        }
        AUDIT.info("PRIVACY access-log subject=" + s + " limit=" + limit + " by=admin-api");
        return AdminRoutes.Reply.json(
                200,
                privacy.accessLog(s, limit).stream()
                        .map(AccessLogOperation::entry)
                        .toList());
    }

    private static AdminRoutes.Reply notAllowed(String allowed) {
        return AdminRoutes.Reply.error(405, "method not allowed here; allowed: " + allowed);
    }
}
