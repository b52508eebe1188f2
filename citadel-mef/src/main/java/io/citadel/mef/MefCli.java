package io.citadel.mef;

import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.PskCredential;
import io.citadel.mef.coap.CoapsMefServer;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
import io.citadel.mef.http.MefServer;
import io.citadel.mef.http.ReenrolmentServer;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.CertificateAuthority;
import io.citadel.tls.PemKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code citadel mef ...}: the M2M Enrolment Function as its own process.
 *
 * <ul>
 *   <li>{@code mef device add --kpm-id ID --ae-id C.. --cse-id /id-in | --node-cse-id /id-mn1 [--lifetime P30D]
 *       [--assurance 4]}:
 *       generates the device's bootstrap key (Kpm) and one-time challenge password, stores the key encrypted and
 *       the policy, and prints both once, for the factory to provision into the device;
 *   <li>{@code mef device list}, {@code mef device revoke ID} (its certificate joins the CRL {@code crl.pem}, it
 *       cannot enrol again), {@code mef device remove ID};
 *   <li>{@code mef serve [--host 127.0.0.1] [--port 8443] [--cert-port 8444] [--fqdn mef.<sp>] [--device-trust PEM]
 *       [--target-trust PEM] [--coaps-port P]}: EST and the enrolment exchange (Ke) over TLS-PSK (and, with
 *       {@code --coaps-port}, over CoAP on DTLS-PSK: EST per RFC 9148); re-enrolment, device-certificate
 *       enrolment and fetchCredentials for enrolment targets (CSE certificates under {@code --target-trust}) over
 *       certificate TLS; MEF client registration and commands ({@code /mef/clients}) on both
 *       ({@code [--client-lifetime P30D] [--command-retry PT5M]}); with {@code --ocsp-port P} an OCSP responder
 *       (plain HTTP, signed answers); with {@code --maf-fqdn maf.<sp>} the master keys (Km, SUID 21) of its
 *       enrolees at that MAF, fetched by the MAF (its certificate under {@code --target-trust}); prints
 *       {@code Citadel MEF ready}.
 *   <li>{@code mef command add|list}: the command queue of MEF clients ({@link CommandCli});
 *       {@code mef firmware add|list|remove}: the firmware the integrity validation knows.
 * </ul>
 *
 * All take {@code --data-dir DIR} (default {@code ./mef-data}, 0700) and {@code --sp DOMAIN} (default
 * {@code citadel.example}). The CA is made at first use ({@code ca/ca.key} 0600).
 */
public final class MefCli {
    private static final SecureRandom RANDOM = new SecureRandom();

    private MefCli() {}

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("usage: citadel mef serve|device|command|firmware [options]");
            return 2;
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> opts;
        try {
            opts = ServiceFiles.options(args.subList(1, args.size()), positional);
            Path dataDir = Path.of(opts.getOrDefault("data-dir", "./mef-data"));
            String sp = opts.getOrDefault("sp", "citadel.example");
            switch (args.get(0)) {
                case "serve" -> {
                    return serve(dataDir, sp, opts, out);
                }
                case "device" -> {
                    return device(dataDir, sp, positional, opts, out, err);
                }
                case "firmware" -> {
                    return firmware(dataDir, positional, opts, out, err);
                }
                case "command" -> {
                    return CommandCli.run(dataDir, sp, positional, opts, enrolments(dataDir), out, err);
                }
                default -> {
                    err.println("citadel mef: unknown command '" + args.get(0)
                            + "'; try: serve, device, command, firmware");
                    return 2;
                }
            }
        } catch (IllegalArgumentException | IllegalStateException | DateTimeParseException e) {
            err.println("citadel mef: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("citadel mef: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int serve(Path dataDir, String sp, Map<String, String> opts, PrintStream out)
            throws IOException, InterruptedException {
        String host = opts.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(opts.getOrDefault("port", "8443"));
        CertificateAuthority ca = ServiceFiles.authority(dataDir, sp, opts);
        Enrolments enrolments = enrolments(dataDir);
        EstService est = new EstService(ca, enrolments, firmware(dataDir), Clock.systemUTC());
        publishCrl(ca, enrolments, dataDir);
        enrolments.onRevocation(
                serials -> { // a renewal supersedes a certificate: on the CRL at once
                    try {
                        publishCrl(ca, enrolments, dataDir);
                    } catch (IOException | RuntimeException e) {
                        System.getLogger("citadel.mef")
                                .log(System.Logger.Level.ERROR, "cannot publish the CRL: " + e.getMessage());
                    }
                });
        java.util.concurrent.ScheduledExecutorService crlRefresh =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "mef-crl");
                    t.setDaemon(true);
                    return t;
                });
        crlRefresh.scheduleAtFixedRate(
                () -> {
                    try {
                        publishCrl(ca, enrolments, dataDir);
                    } catch (IOException | RuntimeException e) {
                        System.getLogger("citadel.mef")
                                .log(System.Logger.Level.ERROR, "cannot publish the CRL: " + e.getMessage());
                    }
                },
                1,
                1,
                java.util.concurrent.TimeUnit.DAYS);
        HandshakeThrottle throttle = new HandshakeThrottle(
                10, Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofHours(1), 100_000, Clock.systemUTC());
        int certPort = Integer.parseInt(opts.getOrDefault("cert-port", "8444"));
        String fqdn = opts.getOrDefault("fqdn", "mef." + sp);
        Path serverKey = ServiceFiles.serverCertificate(dataDir, fqdn, ca);
        io.citadel.mef.keys.EnrolmentKeys enrolmentKeys = new io.citadel.mef.keys.EnrolmentKeys(
                ServiceFiles.sealedStore(dataDir, "enrolment-keys"),
                ServiceFiles.privateDirectory(dataDir).resolve("enrolment-key-bindings.json"),
                enrolments,
                fqdn,
                opts.get("maf-fqdn"),
                Clock.systemUTC());
        io.citadel.mef.http.ClientRoutes clientRoutes = new io.citadel.mef.http.ClientRoutes(
                CommandCli.clients(
                        dataDir,
                        Duration.parse(opts.getOrDefault("client-lifetime", "P30D")),
                        Duration.parse(opts.getOrDefault("command-retry", "PT5M"))),
                enrolments,
                fqdn);
        io.citadel.maf.KeyProcedureRoutes procedures = new io.citadel.maf.KeyProcedureRoutes(
                new io.citadel.maf.MafKeys(
                        ServiceFiles.privateDirectory(dataDir).resolve("mef-keys.json"),
                        ServiceFiles.sealedStore(dataDir, "mef-key-values"),
                        fqdn,
                        Clock.systemUTC(),
                        Duration.parse(opts.getOrDefault("max-key-lifetime", "P1D")),
                        64,
                        io.citadel.maf.MafKeys.Uses.MEF),
                "/mef/keys",
                fqdn,
                "sourceMefClientID",
                System.getLogger("citadel.mef"));
        io.citadel.mef.http.KeyRoutes keys = new io.citadel.mef.http.KeyRoutes(
                enrolmentKeys,
                "https://" + fqdn + ":" + port + "/.well-known/est",
                clientRoutes,
                procedures,
                enrolments);
        EncryptedFilePskStore bootstrap = bootstrapKeys(dataDir);
        java.security.PrivateKey mefKey = PemKeys.privateKey(serverKey.resolveSibling("server.key"));
        List<java.security.cert.X509Certificate> mefChain = PemKeys.chain(serverKey);
        List<java.security.cert.X509Certificate> deviceAnchors =
                opts.containsKey("device-trust") ? PemKeys.chain(Path.of(opts.get("device-trust"))) : List.of();
        List<java.security.cert.X509Certificate> targetAnchors =
                opts.containsKey("target-trust") ? PemKeys.chain(Path.of(opts.get("target-trust"))) : List.of();
        // the CoAPS listener checks client certificates as the certificate listener does
        CoapsMefServer.Certificates certificates = new CoapsMefServer.Certificates(
                new io.citadel.client.coap.DtlsCertificates(
                        mefKey,
                        mefChain,
                        io.citadel.tls.CertificateTlsHandler.Settings.of(
                                        mefKey,
                                        mefChain,
                                        ReenrolmentServer.clientAnchors(ca.certificate(), deviceAnchors, targetAnchors))
                                .clientTrust(),
                        null),
                new io.citadel.mef.http.CertificateEnrolees(enrolments, ca.certificate(), targetAnchors));
        try (MefServer mef = new MefServer(
                        new InetSocketAddress(InetAddress.getByName(host), port),
                        est,
                        keys,
                        bootstrap,
                        throttle,
                        10_000);
                CoapsMefServer coaps = opts.containsKey("coaps-port")
                        ? coaps(
                                host,
                                Integer.parseInt(opts.get("coaps-port")),
                                fqdn,
                                est,
                                new io.citadel.mef.http.KeyRoutes(
                                        enrolmentKeys,
                                        "coaps://" + fqdn + ":" + opts.get("coaps-port") + "/.well-known/est",
                                        clientRoutes,
                                        procedures,
                                        enrolments),
                                certificates,
                                bootstrap,
                                throttle)
                        : null;
                ReenrolmentServer reenrol = new ReenrolmentServer(
                        new InetSocketAddress(InetAddress.getByName(host), certPort),
                        est,
                        enrolments,
                        mefKey,
                        mefChain,
                        ca.certificate(),
                        deviceAnchors,
                        keys,
                        targetAnchors,
                        10_000);
                io.citadel.mef.http.ServiceListener ocsp = opts.containsKey("ocsp-port")
                        ? new io.citadel.mef.http.ServiceListener(
                                new InetSocketAddress(
                                        InetAddress.getByName(host), Integer.parseInt(opts.get("ocsp-port"))),
                                ch -> new io.netty.channel.ChannelInboundHandlerAdapter(), // signed answers: plain HTTP
                                worker -> new io.citadel.mef.ocsp.OcspHttpHandler(
                                        new io.citadel.mef.ocsp.OcspResponder(ca, enrolments, Clock.systemUTC()),
                                        worker))
                        : null) {
            if (ocsp != null) {
                out.println("Citadel MEF: OCSP over HTTP on http://" + host + ":" + ocsp.port() + "/ocsp");
            }
            out.println("Citadel MEF: EST over TLS-PSK listening on https://" + host + ":" + mef.port()
                    + "/.well-known/est/ data=" + dataDir.toAbsolutePath());
            out.println("Citadel MEF: EST re-enrolment and fetchCredentials over certificate TLS on port "
                    + reenrol.port());
            if (coaps != null) {
                out.println(
                        "Citadel MEF: EST over CoAPS (DTLS with bootstrap keys or certificates) listening on coaps://"
                                + host + ":" + coaps.port() + "/.well-known/est/");
            }
            out.println("Citadel MEF ready");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "mef-shutdown"));
            stop.await();
        }
        return 0;
    }

    /**
     * {@code --coaps-port P}: EST over CoAP (RFC 9148), the enrolment exchange, MEF client registration and the key
     * procedures over DTLS, with the same bootstrap keys and guard against guessing as the TLS-PSK listener and the
     * same certificate checks as the certificate listener; enrolees are told the {@code coaps://} EST base.
     */
    private static CoapsMefServer coaps(
            String host,
            int port,
            String fqdn,
            EstService est,
            io.citadel.mef.http.KeyRoutes keys,
            CoapsMefServer.Certificates certificates,
            EncryptedFilePskStore bootstrap,
            HandshakeThrottle throttle)
            throws IOException {
        return new CoapsMefServer(
                new InetSocketAddress(InetAddress.getByName(host), port),
                est,
                keys,
                bootstrap,
                certificates,
                throttle,
                Clock.systemUTC());
    }

    private static int device(
            Path dataDir,
            String sp,
            List<String> positional,
            Map<String, String> opts,
            PrintStream out,
            PrintStream err)
            throws IOException {
        String sub = positional.isEmpty() ? "list" : positional.get(0);
        Enrolments enrolments = enrolments(dataDir);
        switch (sub) {
            case "add" -> {
                if (opts.containsKey("device-cert")) {
                    return addDeviceCertificate(dataDir, sp, opts, enrolments, out);
                }
                String kpmId = ServiceFiles.required(opts, "kpm-id");
                EnrolmentSubject subject = subject(opts, sp);
                byte[] kpm = new byte[32];
                RANDOM.nextBytes(kpm);
                String password = challengePassword();
                EnrolmentPolicy policy = EnrolmentPolicy.withPassword(
                                kpmId, subject, Duration.parse(opts.getOrDefault("lifetime", "P30D")), password)
                        .with(integrity(opts, subject))
                        .withHardwareKey(hardwareKey(opts));
                List<String> bound = List.of(subject.id()); // the identity the enrolled device will use
                bootstrapKeys(dataDir).put(new PskCredential(kpmId, bound, null), kpm);
                enrolments.put(policy);
                out.println(
                        "device " + kpmId + " may enrol as " + subject.name().getName());
                out.println("bootstrap key (Kpm, hex, shown once): "
                        + HexFormat.of().formatHex(kpm));
                out.println("challenge password (shown once): " + password);
                java.util.Arrays.fill(kpm, (byte) 0);
                return 0;
            }
            case "remove" -> {
                if (positional.size() < 2) {
                    err.println("usage: citadel mef device remove KPM-ID");
                    return 2;
                }
                boolean removed = enrolments.remove(positional.get(1));
                bootstrapKeys(dataDir).revoke(positional.get(1));
                publishCrl(
                        ServiceFiles.authority(dataDir, sp, opts),
                        enrolments,
                        dataDir); // its certificate, if any, is revoked
                out.println(removed ? "device " + positional.get(1) + " removed" : "no device " + positional.get(1));
                return removed ? 0 : 1;
            }
            case "revoke" -> {
                if (positional.size() < 2) {
                    err.println("usage: citadel mef device revoke KPM-ID");
                    return 2;
                }
                String kpmId = positional.get(1);
                if (!enrolments.revoke(kpmId)) {
                    err.println("citadel mef: no device " + kpmId);
                    return 1;
                }
                bootstrapKeys(dataDir).revoke(kpmId);
                publishCrl(ServiceFiles.authority(dataDir, sp, opts), enrolments, dataDir);
                out.println("device " + kpmId + " revoked; CRL "
                        + dataDir.resolve(CRL_FILE).toAbsolutePath() + " lists "
                        + enrolments.revokedSerials().size() + " certificate(s)");
                return 0;
            }
            case "list" -> {
                for (EnrolmentPolicy p : enrolments.policies()) {
                    out.println(p.enrolee() + "\t" + p.subject().name().getName() + "\t" + p.lifetime() + "\t"
                            + state(enrolments, p.enrolee()) + (p.hardwareKey() ? "\tassurance 4" : ""));
                }
                return 0;
            }
            default -> {
                err.println("usage: citadel mef device add|list|revoke|remove");
                return 2;
            }
        }
    }

    /**
     * {@code device add --device-cert idevid.pem ...}: a device that enrols with its manufacturer's certificate (the
     * certificate RSPF); it is known by its key's RFC 6920 identifier, and only the challenge password is made.
     */
    private static int addDeviceCertificate(
            Path dataDir, String sp, Map<String, String> opts, Enrolments enrolments, PrintStream out) {
        List<java.security.cert.X509Certificate> chain = PemKeys.chain(Path.of(opts.get("device-cert")));
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("--device-cert holds no certificate");
        }
        String enrolee = io.citadel.mef.http.CertificateEnrolees.deviceEnrolee(chain.get(0));
        String password = challengePassword();
        EnrolmentSubject subject = subject(opts, sp);
        EnrolmentPolicy policy = EnrolmentPolicy.withPassword(
                        enrolee, subject, Duration.parse(opts.getOrDefault("lifetime", "P30D")), password)
                .with(integrity(opts, subject))
                .withHardwareKey(hardwareKey(opts));
        enrolments.put(policy);
        out.println(
                "device " + enrolee + " may enrol as " + policy.subject().name().getName());
        out.println("challenge password (shown once): " + password);
        return 0;
    }

    /**
     * {@code --assurance 4}: the operator vouches that the device keeps its key in hardware, and its certificates say
     * so (level of assurance 4 at CSEs that trust this MEF's CA for it); {@code 3}, the default, vouches nothing.
     */
    private static boolean hardwareKey(Map<String, String> opts) {
        String level = opts.getOrDefault("assurance", "3");
        return switch (level) {
            case "3" -> false;
            case "4" -> true;
            default ->
                throw new IllegalArgumentException(
                        "--assurance is 3 (a certificate) or 4 (a certificate for a key in hardware)");
        };
    }

    private static EnrolmentSubject subject(Map<String, String> opts, String sp) {
        return opts.containsKey("node-cse-id")
                ? new EnrolmentSubject(EnrolmentSubject.Type.CSE_ID, opts.get("node-cse-id"), null, sp)
                : new EnrolmentSubject(
                        EnrolmentSubject.Type.AE_ID,
                        ServiceFiles.required(opts, "ae-id"),
                        ServiceFiles.required(opts, "cse-id"),
                        sp);
    }

    private static String challengePassword() {
        byte[] secret = new byte[18];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static String state(Enrolments enrolments, String enrolee) {
        if (enrolments.isRevoked(enrolee)) {
            return "revoked";
        }
        return enrolments
                .current(enrolee)
                .map(s -> "enrolled serial=" + s.toString(16))
                .orElse("not enrolled");
    }

    /** Where the MEF publishes its CRL; CSEs read it with {@code --tls-crl} (re-read when it changes). */
    static final String CRL_FILE = "crl.pem";

    /** Writes the CRL of every revoked certificate, valid 7 days (a running MEF re-publishes it daily). */
    static void publishCrl(CertificateAuthority ca, Enrolments enrolments, Path dataDir) throws IOException {
        java.security.cert.X509CRL crl = ca.crl(enrolments.revocations(), Duration.ofDays(7));
        Path target = dataDir.resolve(CRL_FILE);
        Path tmp = Files.createTempFile(dataDir, ".crl", ".tmp");
        Files.writeString(tmp, CertificateAuthority.pem(crl), StandardCharsets.US_ASCII);
        Files.move(
                tmp,
                target,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * {@code --integrity required [--restricted-ae-id C..]}: the device must present firmware evidence; on restricted
     * firmware it enrols as the restricted AE-ID (same CSE). Without {@code --integrity}: no evidence needed.
     */
    private static EnrolmentPolicy.Integrity integrity(Map<String, String> opts, EnrolmentSubject subject) {
        String mode = opts.get("integrity");
        if (mode == null) {
            if (opts.containsKey("restricted-ae-id")) {
                throw new IllegalArgumentException("--restricted-ae-id comes with --integrity required");
            }
            return EnrolmentPolicy.Integrity.NONE;
        }
        if (!mode.equals("required")) {
            throw new IllegalArgumentException("--integrity takes required");
        }
        String restricted = opts.get("restricted-ae-id");
        if (restricted != null && subject.type() != EnrolmentSubject.Type.AE_ID) {
            throw new IllegalArgumentException("--restricted-ae-id is for a device enrolling as an AE");
        }
        return new EnrolmentPolicy.Integrity(
                true,
                restricted == null
                        ? null
                        : new EnrolmentSubject(
                                EnrolmentSubject.Type.AE_ID, restricted, subject.cseId(), subject.spDomain()));
    }

    private static io.citadel.mef.est.FirmwareTrust firmware(Path dataDir) throws IOException {
        return io.citadel.mef.est.FirmwareTrust.open(
                ServiceFiles.privateDirectory(dataDir).resolve("firmware.json"));
    }

    /** {@code firmware add --name N --version V --sha256 H [--restricted true]}, {@code list}, {@code remove ...}. */
    private static int firmware(
            Path dataDir, List<String> positional, Map<String, String> opts, PrintStream out, PrintStream err)
            throws IOException {
        io.citadel.mef.est.FirmwareTrust trust = firmware(dataDir);
        String sub = positional.isEmpty() ? "list" : positional.get(0);
        switch (sub) {
            case "list" -> {
                trust.list().forEach(k -> out.println(k.firmware() + "\t" + k.verdict()));
                return 0;
            }
            case "add", "remove" -> {
                io.citadel.mef.est.FirmwareEvidence fw = new io.citadel.mef.est.FirmwareEvidence(
                        ServiceFiles.required(opts, "name"),
                        ServiceFiles.required(opts, "version"),
                        ServiceFiles.required(opts, "sha256").toLowerCase(java.util.Locale.ROOT));
                if (sub.equals("remove")) {
                    boolean removed = trust.remove(fw);
                    out.println(removed ? "firmware " + fw + " forgotten" : "no such firmware");
                    return removed ? 0 : 1;
                }
                io.citadel.mef.est.FirmwareTrust.Verdict verdict = Boolean.parseBoolean(opts.get("restricted"))
                        ? io.citadel.mef.est.FirmwareTrust.Verdict.RESTRICTED
                        : io.citadel.mef.est.FirmwareTrust.Verdict.TRUSTED;
                trust.put(fw, verdict);
                out.println("firmware " + fw + " is " + verdict);
                return 0;
            }
            default -> {
                err.println("citadel mef firmware: unknown command '" + sub + "'; try: add, list, remove");
                return 2;
            }
        }
    }

    private static Enrolments enrolments(Path dataDir) throws IOException {
        return Enrolments.open(ServiceFiles.privateDirectory(dataDir).resolve("enrolments.json"));
    }

    /** The bootstrap keys, encrypted with a password generated at first use into {@code bootstrap/store.pass}. */
    private static EncryptedFilePskStore bootstrapKeys(Path dataDir) throws IOException {
        return ServiceFiles.secretStore(dataDir, "bootstrap");
    }
}
