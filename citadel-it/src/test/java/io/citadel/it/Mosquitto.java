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
    private final Process process;
    private final int port;
    private final Path log;

    private Mosquitto(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a broker whose configuration is a loopback listener plus {@code extra} lines. */
    static Mosquitto start(Path dir, String extra) throws Exception {
        Tools.require("mosquitto", "sh", "-c", "command -v mosquitto");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("mosquitto-" + port + ".conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\npersistence false\n" + extra + "\n");
        Path log = dir.resolve("mosquitto-" + port + ".log");
        Process p = new ProcessBuilder(List.of("mosquitto", "-c", conf.toString())).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        for (long end = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < end; Thread.sleep(50)) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new Mosquitto(p, port, log);
            } catch (IOException e) {
                if (!p.isAlive()) {
                    break;
                }
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("mosquitto did not start: " + Files.readString(log));
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
