package io.citadel.it;

import com.sun.net.httpserver.HttpServer;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An AE's HTTP notification endpoint on loopback, as a real peer would run it: records every NOTIFY it
 * gets and answers with the oneM2M status the test chose (2000 by default).
 */
final class NotificationReceiver implements AutoCloseable {

    /** One received NOTIFY: its originator, request ID and decoded body. */
    record Received(String from, String requestId, Map<String, Object> body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> sgn() {
            return (Map<String, Object>) body.get("m2m:sgn");
        }

        boolean isVerification() {
            return sgn() != null && Boolean.TRUE.equals(sgn().get("vrq"));
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile int answer = 2000;
    private volatile long delayMillis;

    private NotificationReceiver(HttpServer server) {
        this.server = server;
    }

    @SuppressWarnings("unchecked")
    static NotificationReceiver start() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        NotificationReceiver r = new NotificationReceiver(server);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, Object> decoded = body.length == 0
                    ? Map.of()
                    : (Map<String, Object>) ContentCodec.of(Serialization.JSON).decode(body);
            r.received.add(new Received(
                    exchange.getRequestHeaders().getFirst("X-M2M-Origin"),
                    exchange.getRequestHeaders().getFirst("X-M2M-RI"),
                    decoded));
            if (r.delayMillis > 0) {
                try {
                    Thread.sleep(r.delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int rsc = r.answer;
            exchange.getResponseHeaders().add("X-M2M-RSC", String.valueOf(rsc));
            String ri = exchange.getRequestHeaders().getFirst("X-M2M-RI");
            if (ri != null) {
                exchange.getResponseHeaders().add("X-M2M-RI", ri);
            }
            exchange.sendResponseHeaders(rsc < 3000 ? 200 : rsc < 5000 ? 403 : 500, -1);
            exchange.close();
        });
        server.start();
        return r;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/notify";
    }

    void answer(int rsc) {
        this.answer = rsc;
    }

    void delay(long millis) {
        this.delayMillis = millis;
    }

    /** The next notification, waiting up to 10 s; fails the test when none comes. */
    Received next() throws InterruptedException {
        Received r = received.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no notification arrived within 10 s");
        }
        return r;
    }

    /** The next notification that is not a verification request. */
    Received nextEvent() throws InterruptedException {
        Received r;
        do {
            r = next();
        } while (r.isVerification());
        return r;
    }

    /** Nothing more arrives within {@code millis}. */
    List<Received> quietFor(long millis) throws InterruptedException {
        List<Received> extra = new ArrayList<>();
        Received r = received.poll(millis, TimeUnit.MILLISECONDS);
        while (r != null) {
            extra.add(r);
            r = received.poll(50, TimeUnit.MILLISECONDS);
        }
        return extra;
    }

    int count() {
        return received.size();
    }

    void clear() {
        received.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
