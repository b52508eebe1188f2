package io.citadel.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Notification throughput over loopback: durable CREATEs of content instances with and without one
 * subscription on the container, and the rate at which the CSE delivers the notifications to a local
 * HTTP receiver (which answers 2000 at once). Same process, same run, so the figures are comparable.
 * Usage: NotifyLoad port seconds threads
 */
public final class NotifyLoad {
    private static final AtomicLong RECEIVED = new AtomicLong();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        System.setProperty("sun.net.httpserver.nodelay", "true"); // else Nagle + delayed ACKs cap the receiver
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        receiver.setExecutor(Executors.newFixedThreadPool(8));
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            RECEIVED.incrementAndGet();
            ex.getResponseHeaders().add("X-M2M-RSC", "2000");
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        String nu = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/n";
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(threads))
                .build();
        String base = "http://127.0.0.1:" + port + "/cse-in";
        send(
                http,
                base,
                "Cnotifyload",
                "application/json;ty=2",
                "{\"m2m:ae\":{\"rn\":\"nl\",\"api\":\"Nnl\",\"rr\":false,\"srv\":[\"3\"]}}");
        send(
                http,
                base + "/nl",
                "Cnotifyload",
                "application/json;ty=3",
                "{\"m2m:cnt\":{\"rn\":\"plain\",\"mni\":1000}}");
        send(
                http,
                base + "/nl",
                "Cnotifyload",
                "application/json;ty=3",
                "{\"m2m:cnt\":{\"rn\":\"watched\",\"mni\":1000}}");
        int rsc = send(
                http,
                base + "/nl/watched",
                "Cnotifyload",
                "application/json;ty=23",
                "{\"m2m:sub\":{\"rn\":\"s\",\"nu\":[\"" + nu + "\"],\"enc\":{\"net\":[3]}}}");
        if (rsc != 2001) {
            throw new IllegalStateException("subscription not created: " + rsc);
        }
        RECEIVED.set(0);
        load(http, base + "/nl/plain", 3, threads);
        double plain = load(http, base + "/nl/plain", seconds, threads);
        System.out.printf(Locale.ROOT, "CREATE cin, no subscription:        %8.0f req/s%n", plain);
        long t0 = System.nanoTime();
        double watched = load(http, base + "/nl/watched", seconds, threads);
        long made = Math.round(watched * seconds);
        // drained when nothing more arrives for two seconds
        long last = RECEIVED.get();
        long lastChange = System.nanoTime();
        while (System.nanoTime() - lastChange < 2_000_000_000L) {
            Thread.sleep(20);
            long now = RECEIVED.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
        double elapsed = (lastChange - t0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "CREATE cin, one subscription:       %8.0f req/s (ratio %.2f)%n",
                watched,
                watched / plain);
        System.out.printf(
                Locale.ROOT,
                "notifications delivered:            %8d in %.1f s = %.0f notifications/s; %d of about %d"
                        + " dropped (lane queue full)%n",
                last,
                elapsed,
                last / elapsed,
                Math.max(0, made - last),
                made);
        receiver.stop(0);
        System.exit(0);
    }

    private static double load(HttpClient http, String container, int seconds, int threads) throws Exception {
        AtomicLong done = new AtomicLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    try {
                        if (send(
                                        http,
                                        container,
                                        "Cnotifyload",
                                        "application/json;ty=4",
                                        "{\"m2m:cin\":{\"con\":\"21.5\"}}")
                                == 2001) {
                            done.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            ts[i].start();
        }
        long t0 = System.nanoTime();
        for (Thread t : ts) {
            t.join();
        }
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    private static int send(HttpClient http, String url, String from, String type, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                .header("X-M2M-Origin", from)
                .header("X-M2M-RI", "b")
                .header("X-M2M-RVI", "3")
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<Void> rsp = http.send(req, HttpResponse.BodyHandlers.discarding());
        return Integer.parseInt(rsp.headers().firstValue("X-M2M-RSC").orElse("0"));
    }
}
