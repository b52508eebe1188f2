package io.citadel.das;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code citadel das serve|jwks|policy ...}: runs the DAS and manages its policy store.
 * <pre>
 *   das serve  [--data-dir d] [--host h] [--port p] [--id /id-das] [--fqdn das.example] [--encrypt-for cse.jwk]
 *   das jwks   [--data-dir d]            public keys, to paste into a CSE's trusted-issuers file
 *   das policy add --id p1 --originator PATTERN --target PATTERN --ops 2 [--lifetime PT1H] [--grant token|acp|both] [--ipv4 CIDR,..] [--min-assurance 1-4]
 *   das policy list | remove ID          (all with [--data-dir d])
 * </pre>
 */
public final class DasCli {
    private DasCli() {}

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("usage: citadel das serve|jwks|policy [options]");
            return 2;
        }
        try {
            String command = args.get(0);
            List<String> positional = new ArrayList<>();
            Map<String, String> opts = options(args.subList(1, args.size()), positional);
            Path dataDir = Path.of(opts.getOrDefault("data-dir", "./das-data"));
            Files.createDirectories(dataDir);
            try {
                Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX
            }
            Path policyFile = dataDir.resolve("policies.json");
            switch (command) {
                case "serve" -> {
                    ECKey key = TokenIssuer.signingKey(dataDir.resolve("das-signing.jwk"));
                    ECKey encryptFor = opts.containsKey("encrypt-for")
                            ? JWK.parse(Files.readString(Path.of(opts.get("encrypt-for")), StandardCharsets.UTF_8))
                                    .toECKey()
                            : null;
                    TokenIssuer issuer = new TokenIssuer(
                            opts.getOrDefault("id", "/id-das"),
                            opts.getOrDefault("fqdn", "das.citadel.example"),
                            key,
                            encryptFor);
                    DynamicAuthorizationServer das = new DynamicAuthorizationServer(
                            opts.getOrDefault("host", "127.0.0.1"),
                            Integer.parseInt(opts.getOrDefault("port", "8090")),
                            new PolicyStore(policyFile),
                            issuer);
                    out.println("Citadel DAS " + issuer.issuerId() + " listening on http://"
                            + opts.getOrDefault("host", "127.0.0.1") + ":" + das.port() + "/ policies="
                            + policyFile.toAbsolutePath());
                    out.flush();
                    CountDownLatch stop = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        das.close();
                        stop.countDown();
                    }));
                    stop.await();
                    return 0;
                }
                case "jwks" -> {
                    out.println(
                            new TokenIssuer("", "", TokenIssuer.signingKey(dataDir.resolve("das-signing.jwk")), null)
                                    .publicKeys()
                                    .toString(true));
                    return 0;
                }
                case "policy" -> {
                    return policy(positional, opts, policyFile, out, err);
                }
                default -> {
                    err.println("unknown das command '" + command + "'");
                    return 2;
                }
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            err.println("citadel das: " + e.getMessage());
            return 2;
        } catch (IOException | InterruptedException | java.text.ParseException e) {
            err.println("citadel das: " + e.getMessage());
            return 1;
        }
    }

    private static int policy(
            List<String> positional, Map<String, String> opts, Path file, PrintStream out, PrintStream err)
            throws IOException {
        String sub = positional.isEmpty() ? "list" : positional.get(0);
        switch (sub) {
            case "add" -> {
                String ipv4 = opts.getOrDefault("ipv4", "");
                DasPolicy p = new DasPolicy(
                        required(opts, "id"),
                        required(opts, "originator"),
                        required(opts, "target"),
                        Integer.parseInt(required(opts, "ops")),
                        Duration.parse(opts.getOrDefault("lifetime", "PT1H")),
                        DasPolicy.Grant.valueOf(
                                opts.getOrDefault("grant", "both").toUpperCase(Locale.ROOT)),
                        ipv4.isBlank() ? List.of() : List.of(ipv4.split(",")),
                        opts.containsKey("min-assurance") ? minAssurance(opts.get("min-assurance")) : null);
                PolicyStore.put(file, p);
                out.println("policy " + p.id() + " stored");
                return 0;
            }
            case "remove" -> {
                if (positional.size() < 2) {
                    err.println("usage: das policy remove ID");
                    return 2;
                }
                boolean removed = PolicyStore.remove(file, positional.get(1));
                out.println(removed ? "policy " + positional.get(1) + " removed" : "no policy " + positional.get(1));
                return removed ? 0 : 1;
            }
            case "list" -> {
                for (DasPolicy p : Files.exists(file) ? PolicyStore.read(file) : List.<DasPolicy>of()) {
                    out.println(p.id() + "\t" + p.originator() + "\t" + p.target() + "\tops=" + p.operations() + "\t"
                            + p.lifetime() + "\t" + p.grant().name().toLowerCase(Locale.ROOT) + "\t" + p.ipv4()
                            + (p.minAssurance() == null ? "" : "\tloa>=" + p.minAssurance()));
                }
                return 0;
            }
            default -> {
                err.println("usage: das policy add|list|remove");
                return 2;
            }
        }
    }

    private static Integer minAssurance(String v) {
        if (!v.matches("[1-4]")) {
            throw new IllegalArgumentException("--min-assurance must be a level of assurance from 1 to 4");
        }
        return Integer.valueOf(v);
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static Map<String, String> options(List<String> args, List<String> positional) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                if (eq > 0) {
                    out.put(a.substring(2, eq), a.substring(eq + 1));
                } else if (i + 1 < args.size()) {
                    out.put(a.substring(2), args.get(++i));
                } else {
                    throw new IllegalArgumentException(a + " needs a value");
                }
            } else {
                positional.add(a);
            }
        }
        return out;
    }
}
