package io.citadel.server;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Command line: {@code citadel serve [options]}, {@code citadel --help}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true"); // before any TLS class loads
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = Arrays.asList(args);
        if (list.isEmpty() || list.contains("--help") || list.contains("-h") || list.get(0).equals("help")) {
            out.print(Configuration.help());
            return list.isEmpty() ? 2 : 0;
        }
        if (list.get(0).equals("das")) {
            configureLogging();
            return io.citadel.das.DasCli.run(list.subList(1, list.size()), out, err);
        }
        if (list.get(0).equals("pki")) {
            return PkiCommand.run(list.subList(1, list.size()), out, err);
        }
        if (list.get(0).equals("credentials")) {
            return CredentialsCommand.run(list.subList(1, list.size()), out, err);
        }
        if (list.get(0).equals("revoke-token")) {
            return revokeToken(list.subList(1, list.size()), out, err);
        }
        if (!list.get(0).equals("serve")) {
            err.println("unknown command '" + list.get(0) + "'; try: citadel serve --help, citadel das, citadel revoke-token");
            return 2;
        }
        configureLogging();
        try {
            Configuration config = Configuration.resolve(list.subList(1, list.size()), System.getenv());
            CitadelServer server = CitadelServer.start(config, out);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "citadel-shutdown"));
            server.awaitTermination();
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("citadel: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("citadel: failed to start: " + e.getMessage());
            return 1;
        }
    }

    /** {@code citadel revoke-token TOKEN-ID [--data-dir d]}: a running CSE refuses it within a second. */
    private static int revokeToken(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            err.println("usage: citadel revoke-token TOKEN-ID [--data-dir DIR]");
            return 2;
        }
        try {
            Configuration config = Configuration.resolve(args.subList(1, args.size()), System.getenv());
            java.nio.file.Path dir = java.nio.file.Path.of(config.get(ConfigKey.DATA_DIR));
            FileRevocationList.append(dir.resolve("revoked-tokens"), args.get(0));
            out.println("token " + args.get(0) + " revoked");
            return 0;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            err.println("citadel: " + e.getMessage());
            return 2;
        }
    }

    static void configureLogging() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new JsonLogFormatter());
        console.setLevel(Level.INFO);
        root.addHandler(console);
        root.setLevel(Level.INFO);
        Logger.getLogger("io.netty").setLevel(Level.WARNING);
        Logger.getLogger("org.h2").setLevel(Level.WARNING);
        Logger.getLogger("org.eclipse.californium").setLevel(Level.WARNING);
    }
}
