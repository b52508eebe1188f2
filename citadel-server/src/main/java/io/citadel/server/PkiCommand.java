package io.citadel.server;

import io.citadel.tls.CertificateAuthority;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code citadel pki}: a test and lab PKI per the oneM2M certificate profile (P-256, ECDSA-SHA256, a CA
 * name-constrained to the SP domain). Keys are written as PKCS#8 PEM, 0600.
 * <pre>
 *   citadel pki ca     --dir pki --sp citadel.example [--days 365]
 *   citadel pki cse    --dir pki --sp citadel.example --cse-id /id-in --out pki/cse-in [--days 90]
 *   citadel pki ae     --dir pki --sp citadel.example --cse-id /id-in --ae-id Cae1 --out pki/Cae1
 *   citadel pki server --dir pki --dns localhost [--ip 127.0.0.1] --out pki/server
 *   citadel pki crl    --dir pki --revoke SERIAL-HEX[,...] --out pki/ca.crl [--days 7]
 * </pre>
 */
final class PkiCommand {
    private PkiCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("usage: citadel pki ca|cse|ae|server --dir DIR ... (see citadel pki --help)");
            return 2;
        }
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < args.size(); i += 2) {
            if (!args.get(i).startsWith("--")) {
                err.println("unexpected argument " + args.get(i));
                return 2;
            }
            o.put(args.get(i).substring(2), args.get(i + 1));
        }
        try {
            Path dir = Path.of(required(o, "dir"));
            Duration days = Duration.ofDays(
                    Long.parseLong(o.getOrDefault("days", args.get(0).equals("ca") ? "365" : "90")));
            switch (args.get(0)) {
                case "ca" -> {
                    CertificateAuthority.create(required(o, "sp"), days).save(dir);
                    out.println(
                            "CA written to " + dir.resolve("ca.pem") + " (key " + dir.resolve("ca.key") + ", 0600)");
                }
                case "cse" ->
                    save(
                            CertificateAuthority.load(dir).issueCse(required(o, "cse-id"), required(o, "sp"), days),
                            o,
                            out);
                case "ae" ->
                    save(
                            CertificateAuthority.load(dir)
                                    .issueAe(required(o, "ae-id"), required(o, "cse-id"), required(o, "sp"), days),
                            o,
                            out);
                case "server" ->
                    save(
                            CertificateAuthority.load(dir)
                                    .issueServer(
                                            required(o, "dns"),
                                            o.containsKey("ip")
                                                    ? List.of(o.get("ip").split(","))
                                                    : List.of(),
                                            days),
                            o,
                            out);
                case "crl" -> {
                    java.util.List<java.math.BigInteger> serials = java.util.Arrays.stream(
                                    o.getOrDefault("revoke", "").split(","))
                            .map(String::trim)
                            .filter(x -> !x.isEmpty())
                            .map(x -> new java.math.BigInteger(x, 16))
                            .toList();
                    Path target = Path.of(required(o, "out"));
                    var crl = CertificateAuthority.load(dir)
                            .crl(serials, Duration.ofDays(Long.parseLong(o.getOrDefault("days", "7"))));
                    java.nio.file.Path tmp = java.nio.file.Files.createTempFile(
                            target.toAbsolutePath().getParent(), ".crl", ".pem");
                    java.nio.file.Files.writeString(tmp, CertificateAuthority.pem(crl));
                    java.nio.file.Files.move(
                            tmp,
                            target,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    out.println("CRL with " + serials.size() + " revoked certificate(s) written to " + target);
                }
                default -> {
                    err.println("unknown pki command " + args.get(0));
                    return 2;
                }
            }
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | java.io.IOException e) {
            err.println("citadel pki: " + e.getMessage());
            return 2;
        }
    }

    private static void save(CertificateAuthority.Issued issued, Map<String, String> o, PrintStream out) {
        Path target = Path.of(required(o, "out"));
        CertificateAuthority.save(
                issued,
                target.toAbsolutePath().getParent(),
                target.getFileName().toString());
        out.println("certificate " + target + ".pem, key " + target + ".key (0600), subject "
                + issued.certificate().getSubjectX500Principal().getName());
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }
}
