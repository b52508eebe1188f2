package io.citadel.it;

import io.citadel.security.vault.Pkcs11KeyVault;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One SoftHSM2 token for the whole test JVM: the library reads its configuration (the token directory) once, when it
 * is first initialised, so every test class that opens a token in this JVM shares this one (each with its own aliases).
 * Initialised at first use with a PIN made then; CSE processes the tests start find it through the same
 * {@code SOFTHSM2_CONF} (set by the build for the test JVM and inherited).
 */
final class SoftHsm {
    static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
    static final String PIN = "4711-" + Long.toHexString(System.nanoTime());

    private static Pkcs11KeyVault vault;
    private static Path dir;

    private SoftHsm() {}

    /** The token, opened in this JVM (initialised on first call). */
    static synchronized Pkcs11KeyVault vault() throws Exception {
        if (vault == null) {
            dir = Files.createTempDirectory("citadel-softhsm");
            Path tokens = dir.resolve("tokens");
            Files.createDirectories(tokens);
            Files.writeString(
                    Path.of(System.getenv("SOFTHSM2_CONF")),
                    "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
            SecureEnvironmentTest.run(
                    "softhsm2-util",
                    "--init-token",
                    "--free",
                    "--label",
                    "citadel-test",
                    "--pin",
                    PIN,
                    "--so-pin",
                    PIN + "-so");
            vault = Pkcs11KeyVault.open(LIBRARY, 0, PIN.toCharArray(), dir);
        }
        return vault;
    }

    /** A file holding the PIN (for {@code --key-store-pin-file}). */
    static synchronized Path pinFile() throws Exception {
        vault();
        Path pin = dir.resolve("pin");
        if (!Files.exists(pin)) {
            Files.writeString(pin, PIN);
        }
        return pin;
    }
}
