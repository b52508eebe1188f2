package io.citadel.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto broker of the test's own (Debian's mosquitto) on a free loopback port, with the
 * configuration the test gives (ACLs, password file); stopped with the test.
 */
final class Mosquitto implements AutoCloseable {
    private Process process;
    private final int port;
    private final Path log;
    private final Path conf;

    private Mosquitto(Process process, int port, Path log, Path conf) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.conf = conf;
    }

    /** Starts a broker whose configuration is a loopback listener plus {@code extra} lines. */
    static Mosquitto start(Path dir, String extra) throws Exception {
        Tools.require("mosquitto", "sh", "-c", "command -v mosquitto");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("mosquitto-" + port + ".conf");
        // run as the test user: the broker must read files in the test's private temporary directory
        Files.writeString(conf, "listener " + port + " 127.0.0.1\npersistence false\nuser " + System.getProperty("user.name")
                + "\n" + extra + "\n");
        Path log = dir.resolve("mosquitto-" + port + ".log");
        return new Mosquitto(launch(conf, port, log), port, log, conf);
    }

    private static Process launch(Path conf, int port, Path log) throws Exception {
        Process p = new ProcessBuilder(List.of("mosquitto", "-c", conf.toString())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        for (long end = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < end; Thread.sleep(50)) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    break;
                }
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("mosquitto did not start: " + Files.readString(log));
    }

    /** Stops the broker (its clients lose their connection) and starts it again on the same port. */
    void restart() throws Exception {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
        Thread.sleep(500);
        process = launch(conf, port, log);
    }

    int port() {
        return port;
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
