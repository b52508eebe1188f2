package io.citadel.server;

import io.citadel.credentials.PskCredential;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code citadel credentials psk add|list|rotate|revoke}: manages pre-shared keys in the encrypted store.
 * A new or rotated key is generated here (256 bits) and printed once, in hex, for provisioning the device
 * (e.g. {@code openssl s_client -psk <hex>}); it is never written anywhere in clear.
 */
final class CredentialsCommand {
    /** Every form of the command, shown on a usage error and by {@code citadel credentials --help}. */
    static final String USAGE =
            "citadel credentials psk add --identity KPSAID --allow ID[,ID] [--expires ISO-INSTANT] [--text-key]"
                    + " | list | rotate KPSAID | revoke KPSAID   [--data-dir DIR] [--credentials-dir DIR]\n"
                    + "       citadel credentials esprim add --kid KID --for AE-ID|CSE-ID [--expires ISO-INSTANT]"
                    + " | list | revoke KID   [--data-dir DIR]\n"
                    + "       " + RawPublicKeyCommand.USAGE + "\n"
                    + "       " + SecretCommand.USAGE + "\n"
                    + "       citadel credentials ca add --name NAME --file CA.pem | list | remove NAME   [--data-dir DIR]";

    private CredentialsCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() >= 2 && args.get(0).equals("ca")) {
            return TrustAnchorCommand.run(args.subList(1, args.size()), out, err);
        }
        if (args.size() >= 2 && args.get(0).equals("secret")) {
            return SecretCommand.run(args.subList(1, args.size()), System.in, out, err);
        }
        if (args.size() >= 2 && args.get(0).equals("esprim")) {
            return esprim(args.get(1), new ArrayList<>(args.subList(2, args.size())), out, err);
        }
        if (args.size() >= 2 && args.get(0).equals("rpk")) {
            return RawPublicKeyCommand.run(args.subList(1, args.size()), out, err);
        }
        if (args.size() < 2 || !args.get(0).equals("psk")) {
            err.println("usage: " + USAGE);
            return 2;
        }
        String verb = args.get(1);
        List<String> rest = new ArrayList<>(args.subList(2, args.size()));
        String identity = null;
        String allow = null;
        String expires = null;
        boolean textKey = false;
        List<String> config = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            switch (a) {
                case "--identity" -> identity = rest.get(++i);
                case "--allow" -> allow = rest.get(++i);
                case "--expires" -> expires = rest.get(++i);
                case "--text-key" -> textKey = true;
                default -> {
                    if (a.startsWith("--") && i + 1 < rest.size()) {
                        config.add(a);
                        config.add(rest.get(++i));
                    } else {
                        identity = identity == null ? a : identity;
                    }
                }
            }
        }
        try {
            Configuration c = Configuration.resolve(config, System.getenv());
            CredentialAdmin admin = new CredentialAdmin(c, Path.of(c.get(ConfigKey.DATA_DIR)));
            switch (verb) {
                case "add" -> {
                    if (identity == null || allow == null) {
                        err.println("add needs --identity and --allow");
                        return 2;
                    }
                    PskCredential cred = new PskCredential(
                            identity,
                            Arrays.stream(allow.split(","))
                                    .map(String::trim)
                                    .filter(s -> !s.isEmpty())
                                    .toList(),
                            expires == null ? null : Instant.parse(expires));
                    return print(admin.issuePsk(cred, textKey), out);
                }
                case "rotate" -> {
                    String id = identity;
                    return print(
                            admin.rotatePsk(id, textKey)
                                    .orElseThrow(() -> new IllegalArgumentException("no PSK " + id)),
                            out);
                }
                case "revoke" -> {
                    boolean done = identity != null && admin.revokePsk(identity);
                    out.println(
                            done
                                    ? "revoked " + identity + " (live sessions that used it are closed)"
                                    : "no PSK " + identity);
                    return done ? 0 : 1;
                }
                case "list" -> {
                    return list(admin.psks(), out);
                }
                default -> {
                    err.println("unknown verb '" + verb + "'");
                    return 2;
                }
            }
        } catch (IllegalArgumentException | IllegalStateException | DateTimeParseException e) {
            err.println("citadel: " + e.getMessage());
            return 2;
        }
    }

    /**
     * {@code citadel credentials esprim add|list|revoke}: pairwise ESPrim keys (SUID 13) this CSE accepts as a
     * receiver, each bound to one identity; a new key is printed once, in hex, for the originator's configuration.
     */
    private static int esprim(String verb, List<String> rest, PrintStream out, PrintStream err) {
        String kid = null;
        String bound = null;
        String expires = null;
        List<String> config = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            switch (a) {
                case "--kid" -> kid = i + 1 < rest.size() ? rest.get(++i) : null;
                case "--for" -> bound = i + 1 < rest.size() ? rest.get(++i) : null;
                case "--expires" -> expires = i + 1 < rest.size() ? rest.get(++i) : null;
                default -> {
                    if (a.startsWith("--") && i + 1 < rest.size()) {
                        config.add(a);
                        config.add(rest.get(++i));
                    } else if (kid == null) {
                        kid = a;
                    }
                }
            }
        }
        try {
            Configuration c = Configuration.resolve(config, System.getenv());
            CredentialAdmin admin = new CredentialAdmin(c, Path.of(c.get(ConfigKey.DATA_DIR)));
            switch (verb) {
                case "add" -> {
                    if (kid == null || bound == null) {
                        err.println("add needs --kid and --for");
                        return 2;
                    }
                    String id = bound.trim();
                    if (!id.matches("(//[A-Za-z0-9.-]{1,253})?/[A-Za-z0-9._-]{1,64}(/[A-Za-z0-9._-]{1,64})?")) {
                        err.println("--for takes an AE-ID or CSE-ID in SP-relative (/cse-id/ae-id) or absolute"
                                + " (//sp/cse-id/ae-id) form: the identity as this CSE sees it");
                        return 2;
                    }
                    String newKid = kid;
                    if (admin.esprimKeys().stream().anyMatch(p -> p.identity().equals(newKid))) {
                        err.println("the ESPrim key " + kid + " exists; revoke it first (a kid is never re-bound)");
                        return 2;
                    }
                    CredentialAdmin.IssuedKey issued = admin.issueEsprimKey(
                            new PskCredential(kid, List.of(id), expires == null ? null : Instant.parse(expires)));
                    try {
                        out.println("kid: " + issued.credential().identity() + " (for " + bound.trim() + ")");
                        out.println("pairwise ESPrim key (hex, shown only now): " + issued.hex());
                        if (admin.esprimVault() != null) {
                            out.println("kept in the key vault: "
                                    + admin.esprimVault().level());
                        }
                        return 0;
                    } finally {
                        issued.wipe();
                    }
                }
                case "revoke" -> {
                    boolean done = kid != null && admin.revokeEsprimKey(kid);
                    out.println(done ? "revoked " + kid : "no ESPrim key " + kid);
                    return done ? 0 : 1;
                }
                case "list" -> {
                    return list(admin.esprimKeys(), out);
                }
                default -> {
                    err.println("unknown verb '" + verb + "'");
                    return 2;
                }
            }
        } catch (IllegalArgumentException | IllegalStateException | DateTimeParseException e) {
            err.println("citadel: " + e.getMessage());
            return 2;
        }
    }

    /** One line per credential: its identity, the identities it is bound to, its expiry; never a key. */
    private static int list(List<PskCredential> credentials, PrintStream out) {
        for (PskCredential p : credentials) {
            out.println(p.identity() + "\t" + String.join(",", p.allowed()) + "\t"
                    + (p.notAfter() == null ? "no expiry" : p.notAfter()));
        }
        return 0;
    }

    /** Prints a new key once (hex; with a text key also the text) and wipes it. */
    private static int print(CredentialAdmin.IssuedKey issued, PrintStream out) {
        try {
            out.println("psk-identity: " + issued.credential().identity());
            if (issued.text()) {
                out.println("psk (text, shown only now): " + new String(issued.key(), StandardCharsets.US_ASCII));
            }
            out.println("psk (hex, shown only now): " + issued.hex());
            return 0;
        } finally {
            issued.wipe();
        }
    }
}
