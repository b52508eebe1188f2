package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Provisions pre-shared keys (and other credentials) with {@code citadel credentials ...}, as an operator would. */
final class Psk {
    private Psk() {}

    /** Runs {@code citadel credentials psk <args> --data-dir dataDir}; returns what it printed. */
    static String run(Path dataDir, String... args) throws Exception {
        return credentials(dataDir, "psk", args);
    }

    /** Runs {@code citadel credentials <kind> <args> --data-dir dataDir} (psk, rpk, ca); returns what it printed. */
    static String credentials(Path dataDir, String kind, String... args) throws Exception {
        List<String> cmd = CitadelCommand.of("credentials", kind);
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data-dir", dataDir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** A new key for {@code identity}, allowed to act as {@code allow} (comma-separated); the key's bytes. */
    static byte[] provision(Path dataDir, String identity, String allow) throws Exception {
        Matcher m = Pattern.compile("psk \\(hex, shown only now\\): ([0-9a-f]+)")
                .matcher(run(dataDir, "add", "--identity", identity, "--allow", allow));
        assertThat(m.find()).isTrue();
        return HexFormat.of().parseHex(m.group(1));
    }

    /** A new text key (for tools that take the PSK as a string); the key as text. */
    static String provisionText(Path dataDir, String identity, String allow) throws Exception {
        Matcher m = Pattern.compile("psk \\(text, shown only now\\): (\\S+)")
                .matcher(run(dataDir, "add", "--identity", identity, "--allow", allow, "--text-key"));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /**
     * Stores {@code value} as the secret {@code name} of the credential store in {@code dataDir}, as an
     * operator would: through a file (0600, removed afterwards), never on the command line.
     */
    static void secret(Path dataDir, String name, String value) throws Exception {
        java.nio.file.Files.createDirectories(dataDir);
        Path file = java.nio.file.Files.createTempFile(dataDir, ".secret", ".txt");
        try {
            java.nio.file.Files.writeString(file, value + "\n");
            credentials(dataDir, "secret", "set", name, "--file", file.toString());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
