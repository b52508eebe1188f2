package io.citadel.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code citadel credentials ca add|list|remove}: the trust anchors (one per service provider or CA) in the
 * credential store's {@code trust} directory. A running CSE whose {@code --tls-trust} is that directory
 * (the default when the directory exists) picks changes up within a second.
 */
final class TrustAnchorCommand {
    private TrustAnchorCommand() {}

    static Path directory(Configuration config) {
        return new CredentialAdmin(config, Path.of(config.get(ConfigKey.DATA_DIR))).trustDirectory();
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        String verb = args.get(0);
        CommandArguments parsed = CommandArguments.parse(args, 1, Set.of("name", "file"));
        Map<String, String> o = parsed.options();
        List<String> config = parsed.config();
        String positional = parsed.positional();
        try {
            Configuration c = Configuration.resolve(config, System.getenv());
            CredentialAdmin admin = new CredentialAdmin(c, Path.of(c.get(ConfigKey.DATA_DIR)));
            switch (verb) {
                case "add" -> {
                    String name = o.get("name");
                    if (name == null || !CredentialAdmin.NAME.matcher(name).matches() || o.get("file") == null) {
                        err.println("add needs --name (letters, digits, '.', '_', '-') and --file CA.pem");
                        return 2;
                    }
                    CredentialAdmin.TrustAnchor ca =
                            admin.addTrustAnchor(name, Files.readAllBytes(Path.of(o.get("file"))));
                    out.println("trust anchor " + name + " added: " + ca.subject()
                            + (ca.nameConstrained() ? " (name-constrained)" : " (NOT name-constrained)"));
                    return 0;
                }
                case "remove" -> {
                    boolean done = positional != null && admin.removeTrustAnchor(positional);
                    out.println(done ? "trust anchor " + positional + " removed" : "no trust anchor " + positional);
                    return done ? 0 : 1;
                }
                case "list" -> {
                    for (CredentialAdmin.TrustAnchor ca : admin.trustAnchors()) {
                        out.println(ca.name() + "\t" + ca.subject() + "\tuntil " + ca.notAfter()
                                + (ca.nameConstrained() ? "\tname-constrained" : ""));
                    }
                    return 0;
                }
                default -> {
                    err.println("unknown verb " + verb);
                    return 2;
                }
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            err.println("citadel: " + e.getMessage());
            return 2;
        }
    }
}
