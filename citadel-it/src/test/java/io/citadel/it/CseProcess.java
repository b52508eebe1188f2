package io.citadel.it;

import io.citadel.client.OneM2mHttpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Citadel server in its own JVM process on an ephemeral loopback port, for tests.
 * {@link #kill()} sends SIGKILL (no shutdown hooks run), {@link #close()} stops it normally.
 */
public final class CseProcess implements RunningCse {
    public static final String ADMIN = "CAdminTest";
    private static final Pattern LISTENING = Pattern.compile("listening on https?://[^:]+:(\\d+)/");
    /** The readiness line of {@code citadel serve}. */
    public static final String READY = "Citadel ready";

    private final Process process;
    private final int port;

    private final StringBuffer live;

    private CseProcess(Process process, int port, StringBuffer output) {
        this.process = process;
        this.port = port;
        this.live = output;
    }

    /**
     * Waits (up to 10 s) for a line matching {@code pattern} and returns its first group, e.g. a port (every
     * listener's line is already there once {@link #start} returned: the readiness line comes after them).
     */
    @Override
    public String awaitAnnounced(java.util.regex.Pattern pattern) throws InterruptedException {
        for (long end = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < end; Thread.sleep(50)) {
            java.util.regex.Matcher m = pattern.matcher(output());
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new IllegalStateException("not announced: " + pattern + "\n" + output());
    }

    /** Everything the process printed so far (stdout and stderr). */
    @Override
    public String output() {
        return live.toString();
    }

    /** Starts a CSE on the embedded store in {@code dataDir}; extra flags are appended. */
    public static CseProcess start(Path dataDir, String... extraFlags) throws IOException {
        List<String> args = new ArrayList<>(
                List.of("serve", "--http-port", "0", "--data-dir", dataDir.toString(), "--admin-originator", ADMIN));
        args.addAll(List.of(extraFlags));
        return launch(args);
    }

    /** Starts a Dynamic Authorization Server ({@code citadel das serve}) on an ephemeral port. */
    public static CseProcess startDas(Path dataDir, String... extraFlags) throws IOException {
        List<String> args = new ArrayList<>(List.of("das", "serve", "--port", "0", "--data-dir", dataDir.toString()));
        args.addAll(List.of(extraFlags));
        return launch(args);
    }

    /**
     * Runs {@code citadel <args>} in its own JVM until it is ready: for {@code serve}, until it prints the
     * readiness line {@value #READY} (every listener open, the store reachable); for a DAS, its listening line.
     */
    static CseProcess launch(List<String> mainArgs) throws IOException {
        return launch(mainArgs, java.util.Map.of());
    }

    /** As {@link #launch(List)}, with these environment variables added (e.g. a SoftHSM2 configuration of its own). */
    static CseProcess launch(List<String> mainArgs, java.util.Map<String, String> environment) throws IOException {
        List<String> cmd = CitadelCommand.of(mainArgs.toArray(String[]::new));
        boolean serve = mainArgs.get(0).equals("serve");
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process p = builder.start();
        StringBuffer out = new StringBuffer();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            out.append(line).append('\n');
                            Matcher m = LISTENING.matcher(line);
                            if (m.find() && !line.startsWith("{")) {
                                port.complete(Integer.parseInt(m.group(1)));
                                if (!serve) {
                                    ready.complete(null);
                                }
                            }
                            if (line.equals(READY)) {
                                ready.complete(null);
                            }
                            if (line.startsWith(io.citadel.client.device.DeviceCli.READY)) { // citadel device run
                                port.complete(0);
                                ready.complete(null);
                            }
                        }
                    } catch (IOException ignored) {
                        // process ended
                    }
                    IllegalStateException ended = new IllegalStateException("CSE exited before it was ready:\n" + out);
                    port.completeExceptionally(ended);
                    ready.completeExceptionally(ended);
                },
                "cse-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(60, TimeUnit.SECONDS);
            return new CseProcess(p, port.get(1, TimeUnit.SECONDS), out);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("CSE did not start: " + e.getMessage() + "\n" + out, e);
        }
    }

    @Override
    public int port() {
        return port;
    }

    /** The server's process ID (as it names itself to a second instance on its database). */
    public long pid() {
        return process.pid();
    }

    @Override
    public OneM2mHttpClient client() {
        return OneM2mHttpClient.connect("127.0.0.1", port);
    }

    /**
     * SIGTERM, then the exit code (the process is killed if it has not ended after 20 s). Unlike {@link #close}
     * ({@code Process.destroy} closes the output pipe at once), what the process prints while it stops is kept.
     */
    public int terminate() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    /** SIGKILL: the process gets no chance to flush or clean up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
