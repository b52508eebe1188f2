package io.citadel.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs libcoap's coap-client and returns what it logged. coap-client 4.3 knows no oneM2M option: it logs our
 * response, then rejects it for its unknown critical options (RFC 7252 §5.4.1) and waits for another until its
 * {@code -B} time is up. Once it has logged a response and that rejection, nothing else will come, so the run
 * ends there instead of at {@code -B}; without a response (a failed handshake, say) it runs to its own end.
 */
final class CoapClientRun {
    private static final Pattern RESPONSE = Pattern.compile("v:1 t:(?:ACK|CON|NON|RST) c:(?!0\\.00)\\d\\.\\d\\d ");

    private CoapClientRun() {}

    /** Everything coap-client printed (stdout and stderr) up to its rejection of our response, or its end. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        boolean answered = false;
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
                answered |= RESPONSE.matcher(line).find();
                if (answered && line.contains("unknown critical option")) {
                    p.destroy();
                    break;
                }
            }
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("coap-client did not end:\n" + out);
        }
        return out.toString();
    }
}
