package io.citadel.it;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.engine.Cse;
import io.citadel.server.CitadelServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Citadel server in this test's JVM, started exactly as {@code citadel serve} starts one (same flags, same
 * listeners on real loopback sockets, same embedded store), without the cost of a JVM per server. Forked
 * {@link CseProcess}es remain for what needs a process: the command line's exit codes and output, kill -9
 * durability, the process's own log lines.
 *
 * <pre>{@code
 * try (TestCse cse = TestCse.in(dir).coap().psk().start()) { ... }
 * }</pre>
 */
public final class TestCse implements RunningCse {
    static {
        // as Main sets it before any TLS class loads
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    }

    private final CitadelServer server;
    private final StringBuffer announced;

    private TestCse(CitadelServer server, StringBuffer announced) {
        this.server = server;
        this.announced = announced;
    }

    /** Starts a CSE on the embedded store in {@code dataDir} with the flags {@link CseProcess#start} uses, plus these. */
    public static TestCse start(Path dataDir, String... extraFlags) {
        return in(dataDir).flags(extraFlags).start();
    }

    /** A CSE to be started on the embedded store in {@code dataDir}, with an HTTP port and the test administrator. */
    public static Builder in(Path dataDir) {
        return new Builder(dataDir);
    }

    @Override
    public int port() {
        return server.httpPort();
    }

    @Override
    public OneM2mHttpClient client() {
        return OneM2mHttpClient.connect("127.0.0.1", port());
    }

    /** The engine, for tests that look inside (the stage composition, say). */
    public Cse cse() {
        return server.cse();
    }

    /** Every line the server announced (what {@code citadel serve} prints on standard output). */
    @Override
    public String output() {
        return announced.toString();
    }

    /** The first group of the first announced line matching {@code pattern} (the listeners announce before ready). */
    @Override
    public String awaitAnnounced(Pattern pattern) {
        Matcher m = pattern.matcher(output());
        if (!m.find()) {
            throw new IllegalStateException("not announced: " + pattern + "\n" + output());
        }
        return m.group(1);
    }

    @Override
    public void close() {
        server.close();
    }

    /** The flags of one {@code citadel serve}; each method adds one listener or setting. */
    public static final class Builder {
        private final List<String> args = new ArrayList<>();

        private Builder(Path dataDir) {
            args.addAll(List.of(
                    "--http-port", "0", "--data-dir", dataDir.toString(), "--admin-originator", CseProcess.ADMIN));
        }

        /** Any {@code serve} flags, as on the command line. */
        public Builder flags(String... flags) {
            args.addAll(List.of(flags));
            return this;
        }

        /** A plain CoAP listener on an ephemeral UDP port. */
        public Builder coap() {
            return flags("--coap-port", "0");
        }

        /** A CoAP over DTLS listener on an ephemeral UDP port. */
        public Builder coaps() {
            return flags("--coaps-port", "0");
        }

        /** A TLS-PSK HTTP listener on an ephemeral port (keys provisioned with {@link Psk#provision}). */
        public Builder psk() {
            return flags("--psk-port", "0");
        }

        /** The Upper Tester trigger on the HTTP port. */
        public Builder upperTester() {
            return flags("--upper-tester", "true");
        }

        public TestCse start() {
            StringBuffer announced = new StringBuffer();
            PrintStream announce = new PrintStream(new LineSink(announced), true, StandardCharsets.UTF_8);
            try {
                return new TestCse(CitadelServer.start(List.copyOf(args), announce), announced);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the CSE", e);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Collects what is printed into a buffer that tests read while the server runs. */
    private static final class LineSink extends OutputStream {
        private final StringBuffer target;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        LineSink(StringBuffer target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            pending.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public synchronized void flush() {
            target.append(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
        }
    }
}
