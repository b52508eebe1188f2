package io.citadel.server;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Command line: {@code citadel serve [options]}, {@code citadel COMMAND --help}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true"); // before any TLS class loads
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = Arrays.asList(args);
        configureLogging(); // every command logs JSON lines, not only serve
        if (list.isEmpty()) {
            out.print(CommandHelp.of("help"));
            return 2;
        }
        if (list.contains("--help") || list.contains("-h") || list.get(0).equals("help")) {
            String help = CommandHelp.of(list.get(0));
            out.print(help == null ? CommandHelp.of("help") : help);
            return help == null ? 2 : 0;
        }
        if (list.get(0).equals("das")) {
            return io.citadel.das.DasCli.run(list.subList(1, list.size()), out, err);
        }
        if (list.get(0).equals("mef")) {
            return io.citadel.mef.MefCli.run(list.subList(1, list.size()), out, err);
        }
        if (list.get(0).equals("device")) {
            return io.citadel.client.device.DeviceCli.run(list.subList(1, list.size()), out, err);
        }
        if (list.get(0).equals("maf")) {
            return io.citadel.maf.MafCli.run(list.subList(1, list.size()), out, err);
        }
        if (list.get(0).equals("pki")) {
            return PkiCommand.run(list.subList(1, list.size()), out, err);
        }
        if (list.get(0).equals("credentials")) {
            return CredentialsCommand.run(list.subList(1, list.size()), out, err);
        }
        if (list.get(0).equals("privacy")) {
            return PrivacyCommand.run(list.subList(1, list.size()), out, err);
        }
        if (list.get(0).equals("revoke-token")) {
            return revokeToken(list.subList(1, list.size()), out, err);
        }
        if (!list.get(0).equals("serve")) {
            err.println("unknown command '" + list.get(0) + "'; try: citadel --help");
            return 2;
        }
        try {
            Configuration config = Configuration.resolve(list.subList(1, list.size()), System.getenv());
            CitadelServer server = CitadelServer.start(config, out);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "citadel-shutdown"));
            return server.awaitTermination(); // non-zero when the server stopped itself (database lock lost)
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
        LogSetup.configure();
    }
}
