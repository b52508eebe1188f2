package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A TLS session held open by OpenSSL's {@code s_client} with a client certificate or a pre-shared key: {@link #open} returns once the
 * handshake is done and a first request was answered (so the server has seen the certificate, which TLS 1.3
 * sends after the server's Finished), the session still alive.
 */
final class LiveTlsSession implements AutoCloseable {
    private final Process process;
    private final StringBuffer out = new StringBuffer();

    private LiveTlsSession(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                for (int b; (b = in.read()) >= 0; ) {
                    synchronized (out) {
                        out.append((char) b);
                        out.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // ended
            }
            synchronized (out) {
                out.notifyAll();
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    static LiveTlsSession open(int port, Path cert, Path key, Path trust, String originator) throws Exception {
        LiveTlsSession s = new LiveTlsSession(new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + port,
                        "-cert",
                        cert.toString(),
                        "-key",
                        key.toString(),
                        "-CAfile",
                        trust.toString())
                .redirectErrorStream(true)
                .start());
        return started(s, originator);
    }

    /** A session of OpenSSL's {@code s_client -psk} (TLS-PSK), opened as {@link #open} does. */
    static LiveTlsSession openPsk(int port, String identity, String keyHex, String originator) throws Exception {
        LiveTlsSession s = new LiveTlsSession(new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + port,
                        "-psk_identity",
                        identity,
                        "-psk",
                        keyHex)
                .redirectErrorStream(true)
                .start());
        return started(s, originator);
    }

    private static LiveTlsSession started(LiveTlsSession s, String originator) throws Exception {
        assertThat(s.awaitOutput("Verify return code", 30)).as(s.output()).isTrue();
        s.request(originator, "1");
        assertThat(s.awaitAnswers(1, 30)).as(s.output()).isTrue();
        assertThat(s.process.isAlive()).as(s.output()).isTrue();
        return s;
    }

    /** Sends a RETRIEVE of the CSEBase on the session. */
    void request(String originator, String requestId) throws IOException {
        process.getOutputStream()
                .write(("GET /cse-in HTTP/1.1\r\nHost: x\r\nX-M2M-Origin: " + originator + "\r\nX-M2M-RI: " + requestId
                                + "\r\nX-M2M-RVI: 3\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Waits until the output contains {@code text}; {@code seconds} is an upper bound, not a pause. */
    boolean awaitOutput(String text, long seconds) throws InterruptedException {
        return await(o -> o.contains(text), seconds);
    }

    /** Waits until {@code n} answers have arrived on the session; {@code seconds} is an upper bound. */
    boolean awaitAnswers(int n, long seconds) throws InterruptedException {
        return await(o -> o.split("X-M2M-RSC", -1).length - 1 >= n, seconds);
    }

    private boolean await(java.util.function.Predicate<String> done, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (out) {
            while (!done.test(out.toString())) {
                long left = end - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    return done.test(out.toString());
                }
                TimeUnit.NANOSECONDS.timedWait(out, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
            return true;
        }
    }

    String output() {
        return out.toString();
    }

    /** True once the server (or the process) ended the session; {@code seconds} is an upper bound. */
    boolean awaitEnd(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
