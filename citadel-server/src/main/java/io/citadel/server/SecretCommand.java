package io.citadel.server;

import io.citadel.credentials.SecretStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code citadel credentials secret set|list|remove}: secrets the CSE uses as a client, kept encrypted in
 * the credential store instead of files in clear: {@code mqtt-password} (its broker password) and
 * {@code mqtt-psk} (its pre-shared key with a {@code psk://} broker, in hex). A value is read from
 * {@code --file} or from standard input (one line), never from the command line, and never printed.
 */
final class SecretCommand {
    static final String USAGE =
            "citadel credentials secret set NAME [--file FILE]  (value from FILE or stdin) | list | remove NAME"
                    + "   [--data-dir DIR] [--credentials-dir DIR]";

    private SecretCommand() {}

    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("usage: " + USAGE);
            return 2;
        }
        String verb = args.get(0);
        CommandArguments parsed = CommandArguments.parse(args, 1, Set.of("file"));
        String name = parsed.positional();
        String file = parsed.option("file");
        try {
            Configuration c = Configuration.resolve(parsed.config(), System.getenv());
            SecretStore store = CredentialStores.secrets(c, Path.of(c.get(ConfigKey.DATA_DIR)));
            switch (verb) {
                case "set" -> {
                    if (name == null) {
                        err.println("set needs a NAME");
                        return 2;
                    }
                    byte[] value = file != null ? Files.readAllBytes(Path.of(file)) : in.readAllBytes();
                    byte[] stripped = strip(value);
                    try {
                        store.put(name, stripped);
                    } finally {
                        SecretStore.wipe(value);
                        SecretStore.wipe(stripped);
                    }
                    out.println("stored secret " + name + " (encrypted in the credential store)");
                    return 0;
                }
                case "remove" -> {
                    boolean done = name != null && store.remove(name);
                    out.println(done ? "removed secret " + name : "no secret " + name);
                    return done ? 0 : 1;
                }
                case "list" -> {
                    store.names().forEach(out::println);
                    return 0;
                }
                default -> {
                    err.println("unknown verb '" + verb + "'; usage: " + USAGE);
                    return 2;
                }
            }
        } catch (IOException e) {
            err.println("citadel: cannot read the secret: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("citadel: " + e.getMessage());
            return 2;
        }
    }

    /** The value without surrounding white space (a trailing newline from echo or a file). */
    private static byte[] strip(byte[] value) {
        int from = 0;
        int to = value.length;
        while (from < to && Character.isWhitespace(value[from])) {
            from++;
        }
        while (to > from && Character.isWhitespace(value[to - 1])) {
            to--;
        }
        return Arrays.copyOfRange(value, from, to);
    }
}
