package io.citadel.it;

import java.io.IOException;
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
        port = Ports.free();
        Path conf = dir.resolve("mosquitto-" + port + ".conf");
        // run as the test user: the broker must read files in the test's private temporary directory
        Files.writeString(
                conf,
                "listener " + port + " 127.0.0.1\npersistence false\nuser " + System.getProperty("user.name") + "\n"
                        + extra + "\n");
        Path log = dir.resolve("mosquitto-" + port + ".log");
        return new Mosquitto(launch(conf, port, log), port, log, conf);
    }

    private static Process launch(Path conf, int port, Path log) throws Exception {
        Process p = new ProcessBuilder(List.of("mosquitto", "-c", conf.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
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

    /**
     * What an AE sees with Mosquitto's own clients: mosquitto_sub waits for one message on {@code responseTopic}
     * while mosquitto_pub publishes {@code message} on {@code requestTopic}; both with {@code connection}
     * (host, port and credentials). Returns what mosquitto_sub printed.
     */
    static String exchange(List<String> connection, String requestTopic, String responseTopic, String message)
            throws Exception {
        List<String> sub = new java.util.ArrayList<>(List.of("-t", responseTopic, "-C", "1", "-W", "8"));
        sub.addAll(connection);
        MqttSubscriber reader = MqttSubscriber.subscribe(sub);
        List<String> pub = new java.util.ArrayList<>(List.of("mosquitto_pub", "-t", requestTopic, "-m", message));
        pub.addAll(connection);
        Process writer = new ProcessBuilder(pub).redirectErrorStream(true).start();
        if (!writer.waitFor(10, TimeUnit.SECONDS)) {
            writer.destroyForcibly();
            throw new IllegalStateException("mosquitto_pub did not finish");
        }
        return reader.output();
    }

    /** Stops the broker (its clients lose their connection) and starts it again on the same port. */
    void restart() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        process = launch(conf, port, log); // waits until the port accepts connections again
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
