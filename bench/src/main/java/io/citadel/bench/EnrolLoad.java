package io.citadel.bench;

import io.citadel.client.tls.PskHttpConnection;
import io.citadel.credentials.CredentialListener;
import io.citadel.credentials.PskCredential;
import io.citadel.credentials.PskStore;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
import io.citadel.mef.http.KeyRoutes;
import io.citadel.mef.http.MefServer;
import io.citadel.mef.keys.EnrolmentKeys;
import io.citadel.security.HandshakeThrottle;
import io.citadel.security.vault.Pkcs11KeyVault;
import io.citadel.tls.CertificateAuthority;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Enrolment throughput of the MEF over loopback, in one run, with the CA key in software and in a PKCS#11 token
 * (SoftHSM2): {@code N} devices each do a full TLS-PSK MEF handshake and {@code /simpleenroll} with a P-256 request
 * made beforehand (P-256, ECDSA-SHA256 certificates signed by the CA); then full MEF handshakes with the enrolment
 * exchange (Ke exported and recorded) and with {@code /cacerts} only. Fixed work, not fixed time: each device enrols
 * once. <pre>java -cp ... io.citadel.bench.EnrolLoad DEVICES THREADS WORK_DIR [PKCS11_LIBRARY PIN]</pre>
 */
public final class EnrolLoad {
    private static final String PASSWORD = "bench challenge password";

    private EnrolLoad() {}

    public static void main(String[] args) throws Exception {
        int devices = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]);
        List<byte[]> csrs = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            csrs.add(csr());
        }
        double software = round(
                "software CA",
                CertificateAuthority.create("citadel.example", Duration.ofDays(1)),
                devices,
                threads,
                work.resolve("software"),
                csrs);
        if (args.length > 4) {
            Pkcs11KeyVault token = Pkcs11KeyVault.open(args[3], 0, args[4].toCharArray(), work.resolve("token"));
            CertificateAuthority ca = CertificateAuthority.createIn(
                    token.provider(), token.keyStore(), "bench-ca", "citadel.example", Duration.ofDays(1));
            double hsm = round("SoftHSM2 CA", ca, devices, threads, work.resolve("hsm"), csrs);
            // software again, so that JIT warm-up of the first round does not favour the token
            double again = round(
                    "software CA (again)",
                    CertificateAuthority.create("citadel.example", Duration.ofDays(1)),
                    devices,
                    threads,
                    work.resolve("software-again"),
                    csrs);
            System.out.printf(
                    Locale.ROOT,
                    "ratio simpleenroll SoftHSM2/software = %.2f (first round), %.2f (second)%n",
                    hsm / software,
                    hsm / again);
        }
    }

    /** One MEF with this CA: enrolments of every device, then handshakes; returns the enrolments per second. */
    static double round(String name, CertificateAuthority ca, int devices, int threads, Path dir, List<byte[]> csrs)
            throws Exception {
        Files.createDirectories(dir);
        Enrolments enrolments = Enrolments.open(dir.resolve("enrolments.json"));
        String hash = EnrolmentPolicy.withPassword("probe", subject(0), Duration.ofDays(30), PASSWORD)
                .challengeHash();
        List<EnrolmentPolicy> policies = new ArrayList<>();
        MapPskStore bootstrap = new MapPskStore();
        byte[] kpm = new byte[32];
        new SecureRandom().nextBytes(kpm);
        for (int i = 0; i < devices; i++) {
            policies.add(new EnrolmentPolicy(id(i), subject(i), Duration.ofDays(30), hash));
            bootstrap.put(new PskCredential(id(i), List.of("Cdev" + i), null), kpm);
        }
        enrolments.addAll(policies);
        EnrolmentKeys keys = new EnrolmentKeys(
                io.citadel.credentials.SealedFilePskStore.open(dir.resolve("ke"), "bench".toCharArray()),
                enrolments,
                "mef.citadel.example",
                Clock.systemUTC());
        HandshakeThrottle throttle = new HandshakeThrottle(
                1000, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), 100_000, Clock.systemUTC());
        try (MefServer mef = new MefServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new EstService(ca, enrolments, Clock.systemUTC()),
                new KeyRoutes(keys, "https://mef.citadel.example/.well-known/est"),
                bootstrap,
                throttle,
                10_000)) {
            int port = mef.port();
            measure(
                    "warm-up /cacerts",
                    Math.min(200, devices),
                    threads,
                    i -> exchange(port, i, kpm, "GET", "/.well-known/est/cacerts", null, null));
            double enrolled = measure(
                    name + ": TLS-PSK handshake + /simpleenroll (P-256)",
                    devices,
                    threads,
                    i -> exchange(
                            port, i, kpm, "POST", "/.well-known/est/simpleenroll", "application/pkcs10", csrs.get(i)));
            measure(
                    name + ": TLS-PSK MEF handshake + /cacerts",
                    devices,
                    threads,
                    i -> exchange(port, i, kpm, "GET", "/.well-known/est/cacerts", null, null));
            measure(
                    name + ": TLS-PSK MEF handshake + enrolment exchange (Ke recorded)",
                    devices,
                    threads,
                    i -> exchange(port, i, kpm, "POST", "/mef/enrolment", null, new byte[0]));
            return enrolled;
        }
    }

    interface Op {
        boolean run(int device) throws Exception;
    }

    /** Runs {@code op} for devices 0..n-1 on {@code threads}; prints and returns the successful operations per second. */
    static double measure(String name, int n, int threads, Op op) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    try {
                        (op.run(i) ? ok : failed).incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        double rate = ok.get() / seconds;
        System.out.printf(
                Locale.ROOT,
                "%-70s %6d ok %4d failed in %6.2f s = %8.1f/s%n",
                name,
                ok.get(),
                failed.get(),
                seconds,
                rate);
        return rate;
    }

    static boolean exchange(int port, int device, byte[] kpm, String method, String path, String type, byte[] body)
            throws Exception {
        try (PskHttpConnection c = new PskHttpConnection("127.0.0.1", port, id(device), kpm)) {
            Map<String, String> headers = type == null ? Map.of() : Map.of("Content-Type", type);
            return c.exchange(method, path, headers, body, Duration.ofSeconds(30))
                            .status()
                    == 200;
        }
    }

    static String id(int i) {
        return "dev" + i + "@mef.citadel.example";
    }

    static EnrolmentSubject subject(int i) {
        return new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev" + i, "/id-in", "citadel.example");
    }

    static byte[] csr() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = g.generateKeyPair();
        var b = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=dev"), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(PASSWORD));
        return Base64.getMimeEncoder()
                .encode(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                        .getEncoded());
    }

    /** Bootstrap keys in memory: how they are stored is not what this measures. */
    static final class MapPskStore implements PskStore {
        private final Map<String, PskCredential> credentials = new ConcurrentHashMap<>();
        private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

        @Override
        public Optional<PskCredential> lookup(String identity, Instant now) {
            return Optional.ofNullable(credentials.get(identity)).filter(c -> c.validAt(now));
        }

        @Override
        public Optional<byte[]> key(String identity, Instant now) {
            return lookup(identity, now).map(c -> keys.get(identity).clone());
        }

        @Override
        public Optional<String> unusable(String identity) {
            return Optional.empty();
        }

        @Override
        public void put(PskCredential credential, byte[] key) {
            credentials.put(credential.identity(), credential);
            keys.put(credential.identity(), key.clone());
        }

        @Override
        public boolean revoke(String identity) {
            keys.remove(identity);
            return credentials.remove(identity) != null;
        }

        @Override
        public List<PskCredential> list() {
            return List.copyOf(credentials.values());
        }

        @Override
        public void addListener(CredentialListener listener) {}

        @Override
        public void removeListener(CredentialListener listener) {}
    }
}
