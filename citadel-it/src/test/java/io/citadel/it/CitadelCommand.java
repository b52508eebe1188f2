package io.citadel.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a Citadel process started by a test ({@code citadel <args>} on the test class path). The
 * JVM flags are for short-lived processes: only the quick compiler and the serial collector, which take about a
 * third less CPU to start and run a CLI command than the defaults (the tests start many such processes).
 */
final class CitadelCommand {
    /** JVM flags for every Citadel process a test starts. */
    static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private CitadelCommand() {}

    /** {@code java <flags> -cp <test class path> io.citadel.server.Main <args>}, as a list that may be added to. */
    static List<String> of(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.citadel.server.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
