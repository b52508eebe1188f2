package io.citadel.maf;

import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.PskCredential;
import io.citadel.mef.ServiceFiles;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.CertificateAuthority;
import io.citadel.tls.PemKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code citadel maf ...}: the M2M Authentication Function as its own process (TS-0003 §8.8).
 *
 * <ul>
 *   <li>{@code maf client add --km-id ID@maf.<sp> --ae-id C.. --cse-id /id-in | --node-cse-id /id-mn1
 *       [--lifetime P365D]}: generates the client's master key Km, stores it encrypted bound to that AE-ID or
 *       CSE-ID, and prints it once;
 *   <li>{@code maf client list}, {@code maf client remove ID}; {@code maf key list};
 *   <li>{@code maf serve [--host 127.0.0.1] [--port 8445] [--cert-port 8446] [--fqdn maf.<sp>] --client-trust PEM
 *       [--max-key-lifetime P1D]}: the key procedures over TLS-PSK (Km) and over certificate TLS (clients certified
 *       under {@code --client-trust}, e.g. CSEs that retrieve keys); prints {@code Citadel MAF ready}.
 * </ul>
 *
 * All take {@code --data-dir DIR} (default {@code ./maf-data}, 0700) and {@code --sp DOMAIN} (default
 * {@code citadel.example}).
 */
public final class MafCli {
    private static final SecureRandom RANDOM = new SecureRandom();

    private MafCli() {}

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("usage: citadel maf serve|client|key [options]");
            return 2;
        }
        List<String> positional = new ArrayList<>();
        try {
            Map<String, String> opts = ServiceFiles.options(args.subList(1, args.size()), positional);
            Path dataDir = Path.of(opts.getOrDefault("data-dir", "./maf-data"));
            String sp = opts.getOrDefault("sp", "citadel.example");
            switch (args.get(0)) {
                case "serve" -> {
                    return serve(dataDir, sp, opts, out);
                }
                case "client" -> {
                    return client(dataDir, sp, positional, opts, out, err);
                }
                case "key" -> {
                    keys(dataDir, sp, opts)
                            .list()
                            .forEach(k -> out.println(k.relativeKeyId() + "\t" + k.source() + "\tsuid " + k.suid()
                                    + "\t" + k.targets() + "\tuntil " + k.expires()));
                    return 0;
                }
                default -> {
                    err.println("citadel maf: unknown command '" + args.get(0) + "'; try: serve, client, key");
                    return 2;
                }
            }
        } catch (IllegalArgumentException | IllegalStateException | DateTimeParseException e) {
            err.println("citadel maf: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("citadel maf: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static MafKeys keys(Path dataDir, String sp, Map<String, String> opts) throws IOException {
        return new MafKeys(
                ServiceFiles.privateDirectory(dataDir).resolve("keys.json"),
                ServiceFiles.sealedStore(dataDir, "key-values"),
                opts.getOrDefault("fqdn", "maf." + sp),
                Clock.systemUTC(),
                Duration.parse(opts.getOrDefault("max-key-lifetime", "P1D")),
                64);
    }

    private static EncryptedFilePskStore clients(Path dataDir) throws IOException {
        return ServiceFiles.secretStore(dataDir, "clients");
    }

    private static int serve(Path dataDir, String sp, Map<String, String> opts, PrintStream out)
            throws IOException, InterruptedException {
        String host = opts.getOrDefault("host", "127.0.0.1");
        String fqdn = opts.getOrDefault("fqdn", "maf." + sp);
        CertificateAuthority ca = ServiceFiles.authority(dataDir, sp);
        Path serverCert = ServiceFiles.serverCertificate(dataDir, fqdn, ca);
        HandshakeThrottle throttle = new HandshakeThrottle(
                10, Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofHours(1), 100_000, Clock.systemUTC());
        InetAddress address = InetAddress.getByName(host);
        io.citadel.credentials.SealedFilePskStore assigned = ServiceFiles.sealedStore(dataDir, "assigned-keys");
        io.citadel.credentials.PskStore layered =
                new io.citadel.credentials.LayeredPskStore(List.of(clients(dataDir), assigned));
        Map<String, io.citadel.tls.broker.KeyBroker> brokers = MafBrokers.of(opts, fqdn, sp, serverCert);
        io.citadel.credentials.PskStore sessionKeys = brokers.isEmpty()
                ? layered
                : new io.citadel.tls.broker.BrokeredPskStore(
                        layered,
                        brokers,
                        Duration.parse(opts.getOrDefault("key-broker-hold", "PT1H")),
                        Duration.ofSeconds(30),
                        16,
                        Clock.systemUTC());
        MafClients registrations = new MafClients(
                ServiceFiles.privateDirectory(dataDir).resolve("maf-clients.json"),
                sessionKeys,
                assigned,
                brokers.keySet(),
                fqdn,
                Clock.systemUTC(),
                Duration.parse(opts.getOrDefault("client-lifetime", "P30D")));
        registrations.followSources();
        try (MafServer maf = new MafServer(
                new InetSocketAddress(address, Integer.parseInt(opts.getOrDefault("port", "8445"))),
                new InetSocketAddress(address, Integer.parseInt(opts.getOrDefault("cert-port", "8446"))),
                keys(dataDir, sp, opts),
                registrations,
                fqdn,
                sessionKeys,
                throttle,
                PemKeys.privateKey(serverCert.resolveSibling("server.key")),
                PemKeys.chain(serverCert),
                PemKeys.chain(Path.of(ServiceFiles.required(opts, "client-trust"))),
                sp,
                10_000)) {
            out.println("Citadel MAF: key procedures over TLS-PSK listening on https://" + host + ":" + maf.pskPort()
                    + "/maf/keys data=" + dataDir.toAbsolutePath());
            out.println("Citadel MAF: key procedures over certificate TLS on port " + maf.certificatePort());
            out.println("Citadel MAF ready");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "maf-shutdown"));
            stop.await();
        }
        return 0;
    }

    private static int client(
            Path dataDir,
            String sp,
            List<String> positional,
            Map<String, String> opts,
            PrintStream out,
            PrintStream err)
            throws IOException {
        String sub = positional.isEmpty() ? "list" : positional.get(0);
        EncryptedFilePskStore clients = clients(dataDir);
        switch (sub) {
            case "add" -> {
                String kmId = ServiceFiles.required(opts, "km-id");
                String originator = opts.containsKey("node-cse-id")
                        ? opts.get("node-cse-id")
                        : ServiceFiles.required(opts, "cse-id") + "/" + ServiceFiles.required(opts, "ae-id");
                Instant until = Instant.now().plus(Duration.parse(opts.getOrDefault("lifetime", "P365D")));
                byte[] km = new byte[32];
                RANDOM.nextBytes(km);
                try {
                    clients.put(new PskCredential(kmId, List.of(originator), until), km);
                    out.println("MAF client " + kmId + " is " + originator + " until " + until);
                    out.println("master key (Km, hex, shown once): "
                            + HexFormat.of().formatHex(km));
                } finally {
                    java.util.Arrays.fill(km, (byte) 0);
                }
                return 0;
            }
            case "list" -> {
                clients.list().forEach(c -> out.println(c.identity() + "\t" + c.allowed() + "\tuntil " + c.notAfter()));
                return 0;
            }
            case "remove" -> {
                if (positional.size() != 2) {
                    err.println("usage: citadel maf client remove KM-ID");
                    return 2;
                }
                boolean removed = clients.revoke(positional.get(1));
                out.println(removed ? "removed " + positional.get(1) : "no such client");
                return removed ? 0 : 1;
            }
            default -> {
                err.println("citadel maf client: unknown command '" + sub + "'; try: add, list, remove");
                return 2;
            }
        }
    }
}
