package io.citadel.bench;

import io.citadel.client.EsprimClient;
import io.citadel.client.HttpTransport;
import io.citadel.client.OneM2mClient;
import io.citadel.e2e.esprim.SessionKeys;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * ESPrim RETRIEVE vs plain RETRIEVE of the same contentInstance on an IN-CSE, both sent by AE Cae1 through the same
 * MN-CSE (two processes, started by bench/esprim.sh), in one run: each client thread has its own HTTP connection to
 * the MN and, for ESPrim, its own {@link EsprimClient} (its own session; sit 3 and key derivation happen in the
 * warm-up, one unmeasured round per mode). Measured rounds alternate plain and ESPrim so that drift on a shared
 * machine hits both; each round's ratio is printed, and the ratio of all rounds. The pairwise key comes in
 * the environment variable ESPRIM_KEY (hex), never printed. Usage: EsprimLoad inPort mnPort kid requestsPerClient
 * clients [rounds=2]
 */
public final class EsprimLoad {
    static final String ADMIN = "CAdminBench";
    static final String AE = "/id-mn/Cae1";
    static final String TARGET = "/id-in/cse-in/vault/la";

    public static void main(String[] args) throws Exception {
        int inPort = Integer.parseInt(args[0]);
        int mnPort = Integer.parseInt(args[1]);
        String kid = args[2];
        int n = Integer.parseInt(args[3]);
        int clients = Integer.parseInt(args[4]);
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 2;
        byte[] key = HexFormat.of().parseHex(System.getenv("ESPRIM_KEY"));

        OneM2mClient admin = new OneM2mClient(HttpTransport.connect("http://127.0.0.1:" + inPort, null), ADMIN);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (admin.retrieve("cse-in/id-mn").status() != ResponseStatusCode.OK) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the MN did not register at the IN");
            }
            Thread.sleep(100);
        }
        ResponsePrimitive policy = expect(
                admin.create(
                        "cse-in",
                        1,
                        Map.of(
                                "m2m:acp",
                                Map.of(
                                        "rn", "acp-vault",
                                        "pv", Map.of("acr", List.of(Map.of("acor", List.of(AE), "acop", 63))),
                                        "pvs", Map.of("acr", List.of(Map.of("acor", List.of(ADMIN), "acop", 63)))))),
                ResponseStatusCode.CREATED);
        expect(
                admin.create(
                        "cse-in",
                        3,
                        Map.of("m2m:cnt", Map.of("rn", "vault", "acpi", List.of(resourceId(policy, "m2m:acp"))))),
                ResponseStatusCode.CREATED);
        expect(
                admin.create(
                        "cse-in/vault",
                        4,
                        Map.of("m2m:cin", Map.of("cnf", "application/json:0", "con", "{\"t\":21.53,\"h\":48.2}"))),
                ResponseStatusCode.CREATED);
        expect(
                new OneM2mClient(HttpTransport.connect("http://127.0.0.1:" + mnPort, null), "Cae1")
                        .create(
                                "/id-mn/cse-mn",
                                2,
                                Map.of(
                                        "m2m:ae",
                                        Map.of("rn", "Cae1", "api", "Nesprim", "rr", false, "srv", List.of("3")))),
                ResponseStatusCode.CREATED);

        List<OneM2mClient> plain = new ArrayList<>();
        List<EsprimClient> esprim = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            plain.add(new OneM2mClient(HttpTransport.connect("http://127.0.0.1:" + mnPort, null), "Cae1"));
            OneM2mClient hop = new OneM2mClient(HttpTransport.connect("http://127.0.0.1:" + mnPort, null), "Cae1");
            esprim.add(new EsprimClient(hop, "/id-in/cse-in", AE, kid, key, SessionKeys.Input.VALUES));
        }
        Arrays.fill(key, (byte) 0);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        // one unmeasured round per mode: the CSEs' JIT needs thousands of requests (shorter warm-ups skewed round 1)
        run(pool, plain, esprim, false, n);
        run(pool, plain, esprim, true, n);

        System.out.printf(
                Locale.ROOT, "RETRIEVE %s through the MN, %d clients x %d requests per round%n", TARGET, clients, n);
        long[] total = new long[2]; // nanoseconds of measured rounds, plain and ESPrim
        List<Long> latPlain = new ArrayList<>();
        List<Long> latEsprim = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            double[] rate = new double[2];
            for (boolean e : new boolean[] {false, true}) {
                long t0 = System.nanoTime();
                List<Long> lat = run(pool, plain, esprim, e, n);
                long dt = System.nanoTime() - t0;
                total[e ? 1 : 0] += dt;
                (e ? latEsprim : latPlain).addAll(lat);
                rate[e ? 1 : 0] = (double) clients * n / (dt / 1e9);
                System.out.printf(
                        Locale.ROOT,
                        "round %d %-7s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms%n",
                        r,
                        e ? "ESPrim" : "plain",
                        rate[e ? 1 : 0],
                        pct(lat, 0.50),
                        pct(lat, 0.99));
            }
            ratios.add(rate[1] / rate[0]);
            System.out.printf(Locale.ROOT, "round %d ratio ESPrim/plain = %.2f%n", r, rate[1] / rate[0]);
        }
        double ratePlain = (double) rounds * clients * n / (total[0] / 1e9);
        double rateEsprim = (double) rounds * clients * n / (total[1] / 1e9);
        System.out.printf(
                Locale.ROOT,
                "RESULT plain  %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms%n",
                ratePlain,
                pct(latPlain, 0.5),
                pct(latPlain, 0.99));
        System.out.printf(
                Locale.ROOT,
                "RESULT ESPrim %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms%n",
                rateEsprim,
                pct(latEsprim, 0.5),
                pct(latEsprim, 0.99));
        System.out.printf(
                Locale.ROOT,
                "ratio ESPrim/plain = %.2f (all rounds' requests over their time); per round %s%n",
                rateEsprim / ratePlain,
                ratios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList());
        for (EsprimClient c : esprim) {
            c.close();
        }
        pool.shutdownNow();
        System.exit(0);
    }

    /** {@code n} sequential RETRIEVEs per client, all clients at once; every latency in nanoseconds. */
    static List<Long> run(ExecutorService pool, List<OneM2mClient> plain, List<EsprimClient> esprim, boolean e, int n)
            throws Exception {
        List<Future<long[]>> futures = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            OneM2mClient p = plain.get(i);
            EsprimClient c = esprim.get(i);
            Callable<long[]> task = () -> {
                long[] lat = new long[n];
                for (int k = 0; k < n; k++) {
                    long t0 = System.nanoTime();
                    ResponsePrimitive rsp = e ? c.send(Operation.RETRIEVE, TARGET, b -> b) : p.retrieve(TARGET);
                    lat[k] = System.nanoTime() - t0;
                    if (rsp.status() != ResponseStatusCode.OK
                            || !String.valueOf(rsp.content()).contains("21.53")) {
                        throw new IllegalStateException(
                                (e ? "ESPrim" : "plain") + " RETRIEVE: " + rsp.status() + " " + rsp.content());
                    }
                }
                return lat;
            };
            futures.add(pool.submit(task));
        }
        List<Long> all = new ArrayList<>();
        for (Future<long[]> f : futures) {
            for (long l : f.get()) {
                all.add(l);
            }
        }
        return all;
    }

    static double pct(List<Long> nanos, double q) {
        long[] s = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return s[Math.min(s.length - 1, (int) Math.floor(q * s.length))] / 1e6;
    }

    static ResponsePrimitive expect(ResponsePrimitive r, ResponseStatusCode status) {
        if (r.status() != status) {
            throw new IllegalStateException("setup: " + r.status() + " " + r.content());
        }
        return r;
    }

    static String resourceId(ResponsePrimitive r, String type) {
        if (r.content() instanceof Map<?, ?> c
                && c.get(type) instanceof Map<?, ?> m
                && m.get("ri") instanceof String ri) {
            return ri;
        }
        throw new IllegalStateException("setup: no " + type + " in " + r.content());
    }
}
