package io.citadel.server;

import io.citadel.credentials.RawPublicKeyCredential;
import io.citadel.credentials.RawPublicKeyId;
import io.citadel.tls.PemKeys;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code citadel credentials rpk add|list|revoke|id}: the raw public keys (RFC 7250) trusted on DTLS, known
 * by their RFC 6920 identifiers (TS-0003 §10.1.2) and bound to the originators they may act as. A key is
 * given as a PEM file (public key, certificate or EC key pair; its sha-256 identifier is computed) or as an
 * identifier an operator received ({@code --id ni:///sha-256-128;...}). {@code id FILE} prints a key's
 * identifier, e.g. this CSE's own for pinning on a device.
 */
final class RawPublicKeyCommand {
    static final String USAGE =
            "citadel credentials rpk add (--key PEM | --id NI) --allow ID[,ID] [--expires ISO-INSTANT]"
                    + " | list | revoke (NI | --key PEM) | id PEM   [--data-dir DIR] [--credentials-dir DIR]";

    private RawPublicKeyCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("usage: " + USAGE);
            return 2;
        }
        String verb = args.get(0);
        CommandArguments parsed = CommandArguments.parse(args, 1, Set.of("key", "id", "allow", "expires"));
        Map<String, String> o = parsed.options();
        String positional = parsed.positional();
        try {
            if (verb.equals("id")) {
                String file = positional != null ? positional : o.get("key");
                if (file == null) {
                    err.println("id needs a PEM file");
                    return 2;
                }
                out.println(RawPublicKeyId.of(PemKeys.subjectPublicKeyInfo(Path.of(file))));
                return 0;
            }
            Configuration c = Configuration.resolve(parsed.config(), System.getenv());
            CredentialAdmin admin = new CredentialAdmin(c, Path.of(c.get(ConfigKey.DATA_DIR)));
            switch (verb) {
                case "add" -> {
                    RawPublicKeyId id = identifier(o, positional);
                    if (id == null || o.get("allow") == null) {
                        err.println("add needs --key or --id, and --allow");
                        return 2;
                    }
                    List<String> allowed = Arrays.stream(o.get("allow").split(","))
                            .map(String::trim)
                            .filter(s -> !s.isEmpty())
                            .toList();
                    admin.trustRawKey(id, allowed, o.get("expires") == null ? null : Instant.parse(o.get("expires")));
                    out.println("trusted " + id + " for " + String.join(",", allowed) + " (Credential-ID "
                            + id.credentialId() + ")");
                    return 0;
                }
                case "revoke" -> {
                    RawPublicKeyId id = identifier(o, positional);
                    boolean done = id != null && admin.revokeRawKey(id);
                    out.println(
                            done
                                    ? "revoked " + id + " (sessions that used it fail at their next request)"
                                    : "no raw public key " + id);
                    return done ? 0 : 1;
                }
                case "list" -> {
                    for (RawPublicKeyCredential k : admin.rawKeys()) {
                        out.println(k.id() + "\t" + String.join(",", k.allowed()) + "\t"
                                + (k.notAfter() == null ? "no expiry" : k.notAfter()));
                    }
                    return 0;
                }
                default -> {
                    err.println("unknown verb '" + verb + "'; usage: " + USAGE);
                    return 2;
                }
            }
        } catch (IllegalArgumentException | IllegalStateException | DateTimeParseException e) {
            err.println("citadel: " + e.getMessage());
            return 2;
        }
    }

    private static RawPublicKeyId identifier(Map<String, String> o, String positional) {
        if (o.get("key") != null) {
            return RawPublicKeyId.of(PemKeys.subjectPublicKeyInfo(Path.of(o.get("key"))));
        }
        String ni = o.get("id") != null ? o.get("id") : positional;
        return ni == null ? null : RawPublicKeyId.parse(ni);
    }
}
