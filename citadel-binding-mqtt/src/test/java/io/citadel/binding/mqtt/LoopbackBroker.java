package io.citadel.binding.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Just enough of an MQTT 3.1.1 broker on loopback for one client: CONNACK, SUBACK, PUBACK and PINGRESP, every
 * PUBLISH of the client recorded, and {@link #deliver} pushing a QoS 0 PUBLISH to it whatever it subscribed to.
 */
final class LoopbackBroker implements AutoCloseable {
    /** One PUBLISH the client sent. */
    record Published(String topic, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final ServerSocket server;
    private final Thread thread;
    private final BlockingQueue<Published> published = new LinkedBlockingQueue<>();
    final List<String> subscriptions = new CopyOnWriteArrayList<>();
    final CountDownLatch subscribed = new CountDownLatch(1);
    private volatile Socket client;

    LoopbackBroker() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "loopback-broker");
        thread.setDaemon(true);
        thread.start();
    }

    String uri() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The next message the client published, or null when none came within {@code seconds}. */
    Published next(int seconds) throws InterruptedException {
        return published.poll(seconds, TimeUnit.SECONDS);
    }

    /** Forgets the messages published so far. */
    void drain() {
        published.clear();
    }

    /** Publishes {@code payload} on {@code topic} to the client (QoS 0). */
    void deliver(String topic, byte[] payload) throws IOException {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(t.length >> 8);
        body.write(t.length & 0xff);
        body.writeBytes(t);
        body.writeBytes(payload);
        write(0x30, body.toByteArray());
    }

    void deliver(String topic, String payload) throws IOException {
        deliver(topic, payload.getBytes(StandardCharsets.UTF_8));
    }

    private void write(int header, byte[] body) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.writeBytes(body);
        Socket s = client;
        if (s == null) {
            throw new IOException("no client connected");
        }
        synchronized (this) {
            OutputStream out = s.getOutputStream();
            out.write(packet.toByteArray());
            out.flush();
        }
    }

    private void serve() {
        try (Socket s = server.accept()) {
            client = s;
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (true) {
                int header = in.read();
                if (header < 0) {
                    return;
                }
                int length = 0;
                int multiplier = 1;
                int digit;
                do {
                    digit = in.readUnsignedByte();
                    length += (digit & 0x7f) * multiplier;
                    multiplier *= 128;
                } while ((digit & 0x80) != 0);
                byte[] body = new byte[length];
                in.readFully(body);
                switch (header >> 4) {
                    case 1 -> write(0x20, new byte[] {0, 0}); // CONNECT -> CONNACK accepted
                    case 3 -> publish(header, body);
                    case 8 -> subscribe(body);
                    case 12 -> write(0xd0, new byte[0]); // PINGREQ
                    case 14 -> {
                        return; // DISCONNECT
                    }
                    default -> {
                        // PUBACK and the like: nothing to answer
                    }
                }
            }
        } catch (EOFException | java.net.SocketException closed) {
            // the client or the test closed the connection
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void publish(int header, byte[] body) throws IOException {
        int topicLength = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        String topic = new String(body, 2, topicLength, StandardCharsets.UTF_8);
        int offset = 2 + topicLength;
        int qos = (header >> 1) & 3;
        if (qos > 0) {
            write(0x40, new byte[] {body[offset], body[offset + 1]}); // PUBACK
            offset += 2;
        }
        byte[] payload = java.util.Arrays.copyOfRange(body, offset, body.length);
        published.add(new Published(topic, payload));
    }

    private void subscribe(byte[] body) throws IOException {
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        ack.write(body[0]);
        ack.write(body[1]);
        int i = 2;
        while (i < body.length) {
            int n = ((body[i] & 0xff) << 8) | (body[i + 1] & 0xff);
            subscriptions.add(new String(body, i + 2, n, StandardCharsets.UTF_8));
            ack.write(body[i + 2 + n]); // the QoS asked for is granted
            i += 3 + n;
        }
        write(0x90, ack.toByteArray());
        subscribed.countDown();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket s = client;
        if (s != null) {
            s.close();
        }
    }
}
