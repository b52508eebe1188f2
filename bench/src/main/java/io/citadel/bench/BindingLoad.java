package io.citadel.bench;

import io.citadel.client.CoapTransport;
import io.citadel.client.HttpTransport;
import io.citadel.client.MqttTransport;
import io.citadel.client.OneM2mClient;
import io.citadel.client.OneM2mTransport;
import io.citadel.client.WebSocketTransport;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.Serialization;
import io.citadel.tls.CertificateAuthority;
import io.citadel.tls.ClientSsl;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;

/**
 * Requests/s per binding and security mode with the same SDK and the same request (RETRIEVE of a small
 * content instance), one transport and one AE per thread (AE {@code Cbl<i>} reads its own
 * {@code cse-in/bl<i>/data/la}; on MQTT each has its own response topic, as real AEs do), in one run
 * against one CSE; each figure also as a ratio to HTTP. The certificate modes (HTTPS, WSS, CoAP over DTLS)
 * give each AE an AE-ID certificate from the CA in {@code pkiDir}. Then full DTLS handshakes/s, PSK and
 * ECDHE-ECDSA (a new session for every request).
 * Usage: BindingLoad httpPort coapPort coapsPort brokerUri pskIdentity pskHex seconds threads tlsPort pkiDir pskPort
 */
public final class BindingLoad {
    public static void main(String[] args) throws Exception {
        int http = Integer.parseInt(args[0]);
        int coap = Integer.parseInt(args[1]);
        int coaps = Integer.parseInt(args[2]);
        String broker = args[3];
        String identity = args[4];
        byte[] key = HexFormat.of().parseHex(args[5]);
        int seconds = Integer.parseInt(args[6]);
        int threads = Integer.parseInt(args[7]);
        int tls = Integer.parseInt(args[8]);
        int pskPort = Integer.parseInt(args[10]);
        CertificateAuthority ca = CertificateAuthority.load(Path.of(args[9]));
        List<CertificateAuthority.Issued> certificates = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            certificates.add(ca.issueAe("Cbl" + i, "/id-in", "citadel.example", Duration.ofDays(1)));
        }
        IntFunction<SSLContext> tlsOf = i -> ClientSsl.context(
                certificates.get(i).key(), List.of(certificates.get(i).certificate()), List.of(ca.certificate()));
        IntFunction<CoapTransport> dtlsCertificate = i -> CoapTransport.certificate(
                "127.0.0.1",
                coaps,
                certificates.get(i).key(),
                List.of(certificates.get(i).certificate()),
                ClientSsl.trustManager(List.of(ca.certificate())));
        seed(http, threads);
        Map<String, IntFunction<OneM2mTransport>> bindings = new LinkedHashMap<>();
        bindings.put("http", i -> HttpTransport.connect("http://127.0.0.1:" + http, null));
        bindings.put("https-cert", i -> HttpTransport.connect("https://127.0.0.1:" + tls, tlsOf.apply(i)));
        bindings.put("https-psk", i -> HttpTransport.psk("127.0.0.1", pskPort, identity, key));
        bindings.put(
                "ws-json",
                i -> WebSocketTransport.connect(URI.create("ws://127.0.0.1:" + http + "/"), Serialization.JSON, null));
        bindings.put(
                "ws-cbor",
                i -> WebSocketTransport.connect(URI.create("ws://127.0.0.1:" + http + "/"), Serialization.CBOR, null));
        bindings.put(
                "wss-cert",
                i -> WebSocketTransport.connect(
                        URI.create("wss://127.0.0.1:" + tls + "/"), Serialization.CBOR, tlsOf.apply(i)));
        bindings.put("coap", i -> CoapTransport.plain("127.0.0.1", coap));
        bindings.put("coaps-psk", i -> CoapTransport.psk("127.0.0.1", coaps, identity, key));
        bindings.put("coaps-cert", dtlsCertificate::apply);
        bindings.put("mqtt", i -> MqttTransport.connect(broker, "/id-in", "A::bench-" + System.nanoTime(), null, null));
        rate(bindings.get("http"), 3, threads); // warm-up
        double base = 0;
        for (Map.Entry<String, IntFunction<OneM2mTransport>> b : bindings.entrySet()) {
            rate(b.getValue(), 2, threads); // warm-up of this binding
            double r = rate(b.getValue(), seconds, threads);
            base = b.getKey().equals("http") ? r : base;
            System.out.printf(Locale.ROOT, "%-10s %8.0f req/s   %.2f of http%n", b.getKey(), r, r / base);
        }
        double psk = handshakes(i -> CoapTransport.psk("127.0.0.1", coaps, identity, key), seconds, threads);
        System.out.printf(Locale.ROOT, "DTLS-PSK full handshakes (+1 request each): %.0f/s%n", psk);
        double ecdsa = handshakes(dtlsCertificate, seconds, threads);
        System.out.printf(
                Locale.ROOT,
                "DTLS ECDHE-ECDSA full handshakes (+1 request each): %.0f/s  (%.2f of PSK)%n",
                ecdsa,
                ecdsa / psk);
        System.exit(0);
    }

    /** New DTLS sessions per second, each carrying one RETRIEVE. */
    private static double handshakes(IntFunction<CoapTransport> connect, int seconds, int threads)
            throws InterruptedException {
        AtomicLong handshakes = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try (CoapTransport t1 = connect.apply(n)) {
                        if (new OneM2mClient(t1, "Cbl" + n)
                                        .retrieve("cse-in/bl" + n + "/data/la")
                                        .status()
                                == ResponseStatusCode.OK) {
                            handshakes.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        // counted as not done
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread t : workers) {
            t.join();
        }
        return handshakes.get() / ((System.nanoTime() - t0) / 1e9);
    }

    /** Registers AE Cbl<i> with cse-in/bl<i>/data holding one content instance, for every thread. */
    private static void seed(int http, int threads) {
        try (OneM2mTransport t = HttpTransport.connect("http://127.0.0.1:" + http, null)) {
            for (int i = 0; i < threads; i++) {
                OneM2mClient c = new OneM2mClient(t, "Cbl" + i);
                c.create(
                        "cse-in",
                        2,
                        Map.of("m2m:ae", Map.of("rn", "bl" + i, "api", "Nbl", "rr", false, "srv", List.of("3"))));
                c.create("cse-in/bl" + i, 3, Map.of("m2m:cnt", Map.of("rn", "data")));
                if (c.create("cse-in/bl" + i + "/data", 4, Map.of("m2m:cin", Map.of("con", "21.5")))
                                .status()
                        != ResponseStatusCode.CREATED) {
                    throw new IllegalStateException("seeding failed");
                }
            }
        }
    }

    private static double rate(IntFunction<OneM2mTransport> connect, int seconds, int threads)
            throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        List<OneM2mTransport> transports = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            OneM2mTransport t = connect.apply(i);
            transports.add(t);
            OneM2mClient c = new OneM2mClient(t, "Cbl" + i);
            String target = "cse-in/bl" + i + "/data/la";
            Thread w = new Thread(() -> {
                while (!stop.get()) {
                    if (c.retrieve(target).status() == ResponseStatusCode.OK) {
                        done.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                }
            });
            workers.add(w);
        }
        long t0 = System.nanoTime();
        workers.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        transports.forEach(OneM2mTransport::close);
        if (failed.get() > 0) {
            System.out.println("  (" + failed.get() + " requests failed)");
        }
        return done.get() / elapsed;
    }
}
