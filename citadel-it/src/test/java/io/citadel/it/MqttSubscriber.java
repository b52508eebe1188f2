package io.citadel.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Mosquitto's {@code mosquitto_sub}, returned once the broker has acknowledged the subscription (its SUBACK,
 * reported by {@code -d} and line-buffered through {@code stdbuf}): a test publishes only after that, never
 * after a fixed sleep. {@link #output} is what it printed apart from those debug lines.
 */
final class MqttSubscriber {
    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private final Thread reader;

    private MqttSubscriber(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("stdbuf", "-oL", "mosquitto_sub", "-d"));
        cmd.addAll(args);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        reader = new Thread(this::read, "mosquitto_sub-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mosquitto_sub ARGS} and waits (up to 10 s) until the broker acknowledged the subscription. */
    static MqttSubscriber subscribe(List<String> args) throws Exception {
        MqttSubscriber s = new MqttSubscriber(args);
        try {
            s.subscribed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            s.process.destroyForcibly();
            throw new IllegalStateException("mosquitto_sub did not subscribe: " + s.out, e);
        }
        return s;
    }

    private void read() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.contains("received SUBACK")) {
                    subscribed.complete(null);
                } else if (!line.startsWith("Client ") && !line.startsWith("Subscribed (mid")) {
                    out.append(line).append('\n');
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        subscribed.completeExceptionally(new IllegalStateException("mosquitto_sub ended"));
    }

    /** Waits for mosquitto_sub to end (its -C count or -W timeout) and returns what it printed. */
    String output() throws InterruptedException {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        reader.join(5_000);
        return out.toString();
    }
}
