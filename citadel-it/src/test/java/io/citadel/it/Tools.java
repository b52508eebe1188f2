package io.citadel.it;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Third-party peers the tests run: a missing one fails the test loudly, naming the Debian package. */
final class Tools {
    private Tools() {}

    /** Runs {@code probe}; fails unless it exits 0. {@code what} names the Debian package(s) to install. */
    static void require(String what, String... probe) {
        try {
            Process p =
                    new ProcessBuilder(List.of(probe)).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (Exception e) {
            // fall through
        }
        throw new AssertionError("this test needs " + what + " (apt-get install " + what + "; .ci/run installs it)");
    }
}
