package io.citadel.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code citadel credentials ca add|list|remove}: the trust anchors (one per service provider or CA) in the
 * credential store's {@code trust} directory. A running CSE whose {@code --tls-trust} is that directory
 * (the default when the directory exists) picks changes up within a second.
 */
final class TrustAnchorCommand {
    private TrustAnchorCommand() {
    }

    static Path directory(Configuration config) {
        return CredentialStores.directory(config, Path.of(config.get(ConfigKey.DATA_DIR))).resolve("trust");
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        String verb = args.get(0);
        CommandArguments parsed = CommandArguments.parse(args, 1, Set.of("name", "file"));
        Map<String, String> o = parsed.options();
        List<String> config = parsed.config();
        String positional = parsed.positional();
        try {
            Path dir = directory(Configuration.resolve(config, System.getenv()));
            Files.createDirectories(dir);
            switch (verb) {
                case "add" -> {
                    String name = o.get("name");
                    if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}") || o.get("file") == null) {
                        err.println("add needs --name (letters, digits, '.', '_', '-') and --file CA.pem");
                        return 2;
                    }
                    X509Certificate ca = read(Path.of(o.get("file")));
                    if (ca.getBasicConstraints() < 0) {
                        err.println("the certificate is not a CA certificate");
                        return 2;
                    }
                    Path tmp = Files.createTempFile(dir, ".ca", ".tmp");
                    Files.copy(Path.of(o.get("file")), tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, dir.resolve(name + ".pem"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    out.println("trust anchor " + name + " added: " + ca.getSubjectX500Principal().getName()
                            + (ca.getExtensionValue("2.5.29.30") != null ? " (name-constrained)" : " (NOT name-constrained)"));
                    return 0;
                }
                case "remove" -> {
                    boolean done = positional != null && Files.deleteIfExists(dir.resolve(positional + ".pem"));
                    out.println(done ? "trust anchor " + positional + " removed" : "no trust anchor " + positional);
                    return done ? 0 : 1;
                }
                case "list" -> {
                    try (DirectoryStream<Path> pems = Files.newDirectoryStream(dir, "*.pem")) {
                        for (Path p : pems) {
                            X509Certificate c = read(p);
                            String name = p.getFileName().toString();
                            out.println(name.substring(0, name.length() - 4) + "\t" + c.getSubjectX500Principal().getName()
                                    + "\tuntil " + c.getNotAfter().toInstant()
                                    + (c.getExtensionValue("2.5.29.30") != null ? "\tname-constrained" : ""));
                        }
                    }
                    return 0;
                }
                default -> {
                    err.println("unknown verb " + verb);
                    return 2;
                }
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            err.println("citadel: " + e.getMessage());
            return 2;
        }
    }

    private static X509Certificate read(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
