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
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = Arrays.asList(args);
        if (list.isEmpty() || list.contains("--help") || list.contains("-h") || list.get(0).equals("help")) {
            out.print(Configuration.help());
            return list.isEmpty() ? 2 : 0;
        }
        if (!list.get(0).equals("serve")) {
            err.println("unknown command '" + list.get(0) + "'; try: citadel serve --help");
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
    }
}
