package io.citadel.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code citadel privacy export|access-log --subject AE-ID --admin-port P [--out FILE] [--limit N]}: the operator's
 * side of a data subject's rights, through the running CSE's admin API (loopback, the bearer token of
 * {@code --admin-token-file}, by default {@code data-dir/admin-api.token}). An export is written by the CSE into
 * {@code data-dir/exports/} (0600) and moved to {@code --out} when given.
 */
final class PrivacyCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PrivacyCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !List.of("export", "access-log", "erase").contains(args.get(0))) {
            err.println("usage: citadel privacy export|access-log|erase --subject AE-ID --admin-port P [--out FILE]"
                    + " [--limit N] [--data-dir DIR]");
            return 2;
        }
        CommandArguments parsed = CommandArguments.parse(args, 1, Set.of("subject", "out", "limit"));
        try {
            String subject = parsed.option("subject");
            if (subject == null || subject.isBlank()) {
                throw new IllegalArgumentException("--subject AE-ID is required");
            }
            Configuration config = Configuration.resolve(parsed.config(), System.getenv());
            if (config.get(ConfigKey.ADMIN_PORT) == null) {
                throw new IllegalArgumentException("--admin-port of the running CSE is required");
            }
            Path tokenFile = config.get(ConfigKey.ADMIN_TOKEN_FILE) != null
                    ? Path.of(config.get(ConfigKey.ADMIN_TOKEN_FILE))
                    : Path.of(config.get(ConfigKey.DATA_DIR)).resolve("admin-api.token");
            String token = Files.readString(tokenFile).trim();
            String base = "http://" + hostLiteral(config.get(ConfigKey.ADMIN_HOST)) + ":"
                    + config.getInt(ConfigKey.ADMIN_PORT) + "/admin/privacy/";
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            if (args.get(0).equals("export")) {
                HttpResponse<String> rsp = post(http, base + "export", token, subject);
                if (rsp.statusCode() != 201) {
                    return refused(rsp, err);
                }
                Map<?, ?> done = JSON.readValue(rsp.body(), Map.class);
                Path file = Path.of(String.valueOf(done.get("file")));
                // only a file the CSE wrote where it writes exports is moved: never whatever a reply names
                Path exports = Path.of(config.get(ConfigKey.DATA_DIR))
                        .resolve("exports")
                        .toRealPath();
                if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        || !file.toRealPath().getParent().equals(exports)) {
                    err.println("citadel: the admin API named a file outside " + exports + "; nothing moved");
                    return 1;
                }
                if (parsed.option("out") != null) {
                    Path target = Path.of(parsed.option("out"));
                    if (Files.isDirectory(target)) {
                        err.println("citadel: --out names a directory; give a file name");
                        return 2;
                    }
                    Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
                    file = target;
                }
                out.println("exported " + done.get("subject") + ": " + done.get("resources") + " resources, "
                        + done.get("accessLog") + " access log entries, to " + file);
                return 0;
            }
            if (args.get(0).equals("erase")) {
                HttpResponse<String> rsp = post(http, base + "erase", token, subject);
                if (rsp.statusCode() != 200) {
                    return refused(rsp, err);
                }
                Map<?, ?> done = JSON.readValue(rsp.body(), Map.class);
                out.println("erased " + done.get("subject") + ": " + done.get("resources") + " resources, "
                        + done.get("notifications") + " undelivered notifications, " + done.get("accessLog")
                        + " access log entries, " + done.get("keys") + " content keys destroyed");
                return 0;
            }
            String limit = parsed.option("limit") == null ? "100" : parsed.option("limit");
            HttpResponse<String> rsp = http.send(
                    HttpRequest.newBuilder(URI.create(base + "access-log?subject="
                                    + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "&limit="
                                    + URLEncoder.encode(limit, StandardCharsets.UTF_8)))
                            .header("Authorization", "Bearer " + token)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (rsp.statusCode() != 200) {
                return refused(rsp, err);
            }
            for (Object entry : JSON.readValue(rsp.body(), List.class)) {
                out.println(JSON.writeValueAsString(entry));
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("citadel: " + e.getMessage());
            return 2;
        } catch (ConnectException e) {
            err.println("citadel: the CSE's admin API does not answer; is the CSE running with --admin-port?");
            return 1;
        } catch (IOException e) {
            err.println("citadel: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** POST {@code {"subject": subject}} to {@code uri} with the admin API's bearer token. */
    private static HttpResponse<String> post(HttpClient http, String uri, String token, String subject)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(uri))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("subject", subject))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int refused(HttpResponse<String> rsp, PrintStream err) {
        String message;
        try {
            message = String.valueOf(JSON.readValue(rsp.body(), Map.class).get("error"));
        } catch (IOException | RuntimeException e) {
            message = "HTTP " + rsp.statusCode();
        }
        err.println("citadel: " + message);
        return 1;
    }

    private static String hostLiteral(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }
}
