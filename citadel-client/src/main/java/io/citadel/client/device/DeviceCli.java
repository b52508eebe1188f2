package io.citadel.client.device;

import io.citadel.client.OneM2mClient;
import io.citadel.protocol.ResponsePrimitive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code citadel device run}: a small device built on {@link DeviceEnrolment}. It enrols when its state directory
 * holds no credentials, registers its AE (the AE-ID of its certificate) with its CSE over certificate TLS
 * ({@code --cse https://host:port}, or CoAP over DTLS with {@code coaps://host:port}) or with the MEF-provisioned key
 * over TLS-PSK ({@code --cse-psk host:port}) or DTLS-PSK ({@code --cse-coaps host:port}), creates
 * a container and a contentInstance, prints {@code Citadel device ready: <AE-ID>}, then renews its certificate
 * when due and, as a MEF client ({@link MefCommands}), polls the MEF for commands (at once, then after the
 * retryDuration the MEF answers) until it is stopped (SIGTERM). {@code --mef-commands off} leaves the MEF client out.
 * With {@code --node <address>} it follows the management objects under its {@code <node>} ({@link NodeFollower},
 * every {@code --node-poll} seconds): trust anchors, its authentication profile (both {@code --cse} and
 * {@code --cse-psk} given, it can switch between them), its MEF, and firmware signed by a key of
 * {@code --firmware-keys}, installed into {@code --firmware-dir} (default {@code <state-dir>/firmware}). With
 * {@code --pkcs11-library} its private key is made and kept in that PKCS#11 token (PIN from {@code --pkcs11-pin-file}
 * or {@code CITADEL_DEVICE_PIN}), never in its state.
 */
public final class DeviceCli {
    /** The line printed once the device is registered and has written its first contentInstance. */
    public static final String READY = "Citadel device ready: ";

    public static final String USAGE = """
            Usage: citadel device run --mef-fqdn F --kpm-id ID --kpm-file FILE --challenge-file FILE
                                      [--cse https://host:port|coaps://host:port]
                                      [--cse-psk host:port | --cse-coaps host:port] --cse-id /id-in --state-dir DIR
                                      [--mef-host 127.0.0.1] [--mef-port 8443] [--mef-cert-port 8444]
                                      [--cse-trust ca.pem] [--store-password-file FILE] [--mef-commands on|off]
                                      [--node ADDRESS [--node-poll SECONDS] [--firmware-keys keys.pem]
                                       [--firmware NAME;VERSION] [--firmware-dir DIR]] [--address FQDN=IP,...]
                                      [--pkcs11-library LIB [--pkcs11-slot-index 0] [--pkcs11-pin-file FILE]]
            """;

    private static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private DeviceCli() {}

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !args.get(0).equals("run")) {
            err.print(USAGE);
            return 2;
        }
        Map<String, String> opts;
        try {
            opts = options(args.subList(1, args.size()));
            if (!opts.containsKey("cse") && !opts.containsKey("cse-psk") && !opts.containsKey("cse-coaps")) {
                throw new IllegalArgumentException("give --cse https://host:port (or coaps://host:port), and/or"
                        + " --cse-psk host:port or --cse-coaps host:port");
            }
            if (opts.containsKey("cse-psk") && opts.containsKey("cse-coaps")) {
                throw new IllegalArgumentException("give --cse-psk (TLS-PSK) or --cse-coaps (DTLS-PSK), not both");
            }
            if (!List.of("on", "off").contains(opts.getOrDefault("mef-commands", "on"))) {
                throw new IllegalArgumentException("--mef-commands takes on or off");
            }
            if (opts.containsKey("node-poll") && !opts.get("node-poll").matches("[1-9][0-9]{0,4}")) {
                throw new IllegalArgumentException("--node-poll takes 1 to 99999 seconds");
            }
            for (String required : List.of("mef-fqdn", "cse-id", "state-dir")) {
                if (!opts.containsKey(required)) {
                    throw new IllegalArgumentException("--" + required + " is required");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("citadel device: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try {
            return runDevice(opts, out);
        } catch (EnrolmentException | IllegalArgumentException e) {
            err.println("citadel device: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("citadel device: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int runDevice(Map<String, String> opts, PrintStream out) throws IOException, InterruptedException {
        Path state = Path.of(opts.get("state-dir"));
        char[] storePassword = storePassword(opts, state, out);
        DeviceEnrolment.Builder b = DeviceEnrolment.builder()
                .mef(
                        opts.getOrDefault("mef-host", "127.0.0.1"),
                        port(opts.getOrDefault("mef-port", "8443")),
                        opts.get("mef-fqdn"))
                .mefCertificatePort(port(opts.getOrDefault("mef-cert-port", "8444")))
                .store(state, storePassword);
        Arrays.fill(storePassword, '\0');
        for (String pair : opts.getOrDefault("address", "").split(",")) {
            String[] kv = pair.split("=", 2);
            if (pair.isEmpty()) {
                continue;
            }
            if (kv.length != 2 || kv[0].isEmpty() || kv[1].isEmpty()) {
                throw new IllegalArgumentException("--address takes FQDN=IP pairs, separated by commas");
            }
            b.address(kv[0], kv[1]);
        }
        if (opts.containsKey("pkcs11-library")) {
            if (!Files.exists(state, LinkOption.NOFOLLOW_LINKS)) {
                io.citadel.credentials.PrivateFiles.directory(state);
            }
            char[] pin = pin(opts);
            try {
                b.token(
                        opts.get("pkcs11-library"),
                        Integer.parseInt(opts.getOrDefault("pkcs11-slot-index", "0")),
                        pin,
                        state.resolve("pkcs11"));
            } finally {
                Arrays.fill(pin, '\0');
            }
        }
        if (opts.containsKey("firmware")) {
            String[] nv = opts.get("firmware").split(";", 2);
            if (nv.length != 2 || nv[0].isEmpty() || nv[1].isEmpty()) {
                throw new IllegalArgumentException("--firmware takes NAME;VERSION");
            }
            b.firmware(nv[0], nv[1]);
        }
        boolean enrolled = Files.exists(state.resolve(DeviceState.FILE), LinkOption.NOFOLLOW_LINKS);
        if (!enrolled) { // the factory secrets are read only when they are needed
            byte[] kpm = hexKey(required(opts, "kpm-file"));
            b.bootstrapKey(required(opts, "kpm-id").toString(), kpm);
            Arrays.fill(kpm, (byte) 0);
            char[] challenge = text(required(opts, "challenge-file"));
            b.challengePassword(challenge);
            Arrays.fill(challenge, '\0');
        }
        DeviceEnrolment device = b.build();
        if (!device.isEnrolled()) {
            DeviceCredentials c = device.enrol();
            out.println("Citadel device: enrolled as " + c.aeId() + " (certificate serial "
                    + c.certificate().getSerialNumber().toString(16) + ", KeID " + c.keyId() + ")");
        }
        if (device.renewIfDue(Instant.now())) {
            out.println("Citadel device: certificate renewed (serial "
                    + device.credentials().certificate().getSerialNumber().toString(16) + ")");
        }
        DeviceCredentials c = device.credentials();
        String cseId = opts.get("cse-id");
        if (!cseId.equals(c.cseId())) {
            throw new IllegalArgumentException(
                    "this device is enrolled for the CSE " + c.cseId() + ", not " + cseId + " (--cse-id)");
        }
        List<X509Certificate> trust =
                opts.containsKey("cse-trust") ? certificates(Path.of(opts.get("cse-trust"))) : List.of(c.mefCa());
        URI hostPort = null;
        String pskOption = opts.containsKey("cse-coaps") ? "cse-coaps" : "cse-psk";
        if (opts.containsKey(pskOption)) {
            hostPort = URI.create("tls://" + opts.get(pskOption));
            if (hostPort.getHost() == null || hostPort.getPort() < 0) {
                throw new IllegalArgumentException("--" + pskOption + " takes host:port");
            }
        }
        if (opts.containsKey("cse")) {
            URI u = URI.create(opts.get("cse"));
            if (!List.of("https", "coaps").contains(String.valueOf(u.getScheme()))
                    || u.getHost() == null
                    || u.getPort() < 0) {
                throw new IllegalArgumentException("--cse takes https://host:port or coaps://host:port");
            }
        }
        DeviceManagement management = DeviceManagement.of(
                device,
                new DeviceManagement.CseEndpoints(
                        opts.get("cse"),
                        trust,
                        hostPort == null ? null : hostPort.getHost(),
                        hostPort == null ? 0 : hostPort.getPort(),
                        opts.containsKey("cse-coaps")),
                opts.containsKey("firmware-keys")
                        ? UpdateKeys.load(Path.of(opts.get("firmware-keys")), "--firmware-keys")
                        : List.of(),
                new DirectoryInstaller(Path.of(opts.getOrDefault(
                        "firmware-dir", state.resolve("firmware").toString()))),
                state.resolve("downloads"));
        OneM2mClient cse = management.cse();
        try {
            String ae = register(cse, cseId, c.aeId());
            expect(cse.create(ae, 3, Map.of("m2m:cnt", Map.of("rn", "data"))), "create its container", 2001, 4105);
            expect(
                    cse.create(
                            ae + "/data",
                            4,
                            Map.of("m2m:cin", Map.of("cnf", "text/plain:0", "con", "ready at " + Instant.now()))),
                    "create a contentInstance",
                    2001);
        } finally {
            cse.transport().close();
        }
        out.println(READY + c.aeId());
        out.flush();
        NodeFollower node = opts.containsKey("node") ? new NodeFollower(management, opts.get("node")) : null;
        Duration nodePoll = Duration.ofSeconds(Integer.parseInt(opts.getOrDefault("node-poll", "60")));
        return renewUntilStopped(
                device,
                "on".equals(opts.getOrDefault("mef-commands", "on")) ? new MefCommands(device, management) : null,
                node,
                nodePoll,
                out);
    }

    /** Registers the AE (or finds it registered by an earlier run: 4105, 4117); returns its address. */
    private static String register(OneM2mClient cse, String cseId, String aeId) {
        Map<String, Object> ae = new LinkedHashMap<>();
        ae.put("rn", aeId);
        ae.put("api", "Ncitadel-device");
        ae.put("rr", false);
        ae.put("srv", List.of("3"));
        expect(cse.create(cseId, 2, Map.of("m2m:ae", ae)), "register its AE", 2001, 4105, 4117);
        ResponsePrimitive base = expect(cse.retrieve(cseId), "retrieve its CSE", 2000);
        if (base.content() instanceof Map<?, ?> m
                && m.get("m2m:cb") instanceof Map<?, ?> cb
                && cb.get("rn") instanceof String rn) {
            return cseId + "/" + rn + "/" + aeId;
        }
        throw new EnrolmentException("the CSE " + cseId + " did not answer its resource name");
    }

    private static ResponsePrimitive expect(ResponsePrimitive r, String what, int... accepted) {
        int rsc = r.status().code();
        for (int a : accepted) {
            if (rsc == a) {
                return r;
            }
        }
        throw new EnrolmentException("the CSE refused to " + what + ": " + rsc);
    }

    /**
     * Renews when due (checked at the due time, then again) and polls the MEF for commands (if {@code commands} is
     * not null), on one timer thread, until SIGTERM.
     */
    private static int renewUntilStopped(
            DeviceEnrolment device, MefCommands commands, NodeFollower node, Duration nodePoll, PrintStream out)
            throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "device-renewal");
            t.setDaemon(true);
            return t;
        });
        // management (MEF commands, the node's objects, downloads) on its own thread: renewal never waits for it
        ScheduledExecutorService management = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "device-management");
            t.setDaemon(true);
            return t;
        });
        // the JVM halts once its shutdown hooks end: the hook itself stops the timers and says so
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            management.shutdownNow();
                            timer.shutdownNow();
                            try {
                                timer.awaitTermination(5, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            out.println("Citadel device stopped");
                            out.flush();
                            stop.countDown();
                        },
                        "device-shutdown"));
        schedule(timer, device, out, untilDue(device), Duration.ofMinutes(1));
        if (commands != null) {
            poll(management, commands, Duration.ZERO, out, Duration.ofMinutes(1));
        }
        if (node != null) {
            management.scheduleWithFixedDelay(() -> follow(node, out), 0, nodePoll.toMillis(), TimeUnit.MILLISECONDS);
        }
        stop.await();
        return 0;
    }

    /** Checks at {@code delay} whether renewal is due, then again at the next due time (after a failure: backoff). */
    private static void schedule(
            ScheduledExecutorService timer, DeviceEnrolment device, PrintStream out, Duration delay, Duration backoff) {
        timer.schedule(
                () -> {
                    try {
                        if (device.renewIfDue(Instant.now())) {
                            out.println("Citadel device: certificate renewed (serial "
                                    + device.credentials()
                                            .certificate()
                                            .getSerialNumber()
                                            .toString(16) + ")");
                        }
                        schedule(timer, device, out, untilDue(device), Duration.ofMinutes(1));
                    } catch (EnrolmentException e) {
                        out.println("Citadel device: renewal failed, retrying in " + backoff + ": " + e.getMessage());
                        Duration longer = backoff.multipliedBy(2);
                        schedule(timer, device, out, backoff, longer.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : longer);
                    } finally {
                        out.flush();
                    }
                },
                Math.max(1000, delay.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Polls the MEF for commands after {@code delay}, then again after the MEF's retryDuration (after a failure:
     * {@code backoff}, doubled up to an hour).
     */
    private static void poll(
            ScheduledExecutorService timer, MefCommands commands, Duration delay, PrintStream out, Duration backoff) {
        timer.schedule(
                () -> {
                    try {
                        MefCommands.Poll p = commands.poll();
                        for (MefCommands.Executed e : p.executed()) {
                            out.println("Citadel device: MEF command " + e.cmdId() + " (class " + e.cmdClassId()
                                    + ") answered " + e.result().code + " " + e.result() + ": " + e.detail());
                        }
                        poll(timer, commands, p.retryAfter(), out, Duration.ofMinutes(1));
                    } catch (EnrolmentException | IllegalStateException e) {
                        out.println(
                                "Citadel device: MEF commands failed, retrying in " + backoff + ": " + e.getMessage());
                        Duration longer = backoff.multipliedBy(2);
                        poll(timer, commands, backoff, out, longer.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : longer);
                    } finally {
                        out.flush();
                    }
                },
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** One poll of the node's management objects; each outcome printed, a failure printed and tried again later. */
    private static void follow(NodeFollower node, PrintStream out) {
        try {
            for (NodeFollower.Applied a : node.poll()) {
                out.println("Citadel device: management object " + a.source() + " (mgd " + a.mgd() + ") "
                        + (a.outcome().isApplied() ? "applied: " : "refused: ")
                        + a.outcome().action());
            }
        } catch (EnrolmentException | IllegalStateException e) {
            out.println("Citadel device: its management objects could not be read: " + e.getMessage());
        } catch (RuntimeException e) {
            out.println("Citadel device: following its management objects failed ("
                    + e.getClass().getSimpleName() + ")");
        } finally {
            out.flush();
        }
    }

    private static Duration untilDue(DeviceEnrolment device) {
        return Duration.between(Instant.now(), device.credentials().renewalDue());
    }

    /**
     * The state's password: {@code --store-password-file}, else env {@code CITADEL_DEVICE_PASSWORD}, else one
     * generated once into {@code state-dir/store.pass} (0600; protects against copies of the store alone).
     */
    private static char[] storePassword(Map<String, String> opts, Path state, PrintStream out) throws IOException {
        if (opts.containsKey("store-password-file")) {
            return text(Path.of(opts.get("store-password-file")));
        }
        String env = System.getenv("CITADEL_DEVICE_PASSWORD");
        if (env != null && !env.isEmpty()) {
            return env.toCharArray();
        }
        if (Files.exists(state, LinkOption.NOFOLLOW_LINKS)) {
            DeviceState.checkPrivate(state);
        } else {
            io.citadel.credentials.PrivateFiles.directory(state);
        }
        Path file = state.resolve("store.pass");
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            io.citadel.credentials.PrivateFiles.write(
                    file, Base64.getUrlEncoder().withoutPadding().encode(random));
            out.println("Citadel device: the state's password was generated into " + file
                    + " (give --store-password-file or CITADEL_DEVICE_PASSWORD to keep it elsewhere)");
        }
        DeviceState.checkPrivate(file);
        return text(file);
    }

    /** The token's user PIN: {@code --pkcs11-pin-file}, else env {@code CITADEL_DEVICE_PIN}; never a flag. */
    private static char[] pin(Map<String, String> opts) throws IOException {
        if (opts.containsKey("pkcs11-pin-file")) {
            return text(Path.of(opts.get("pkcs11-pin-file")));
        }
        String env = System.getenv("CITADEL_DEVICE_PIN");
        if (env == null || env.isEmpty()) {
            throw new IllegalArgumentException(
                    "--pkcs11-library needs the token's PIN: --pkcs11-pin-file FILE or CITADEL_DEVICE_PIN");
        }
        return env.toCharArray();
    }

    private static Path required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required to enrol (no credentials in the state yet)");
        }
        return Path.of(v);
    }

    private static byte[] hexKey(Path file) throws IOException {
        String hex = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] key;
        try {
            key = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the bootstrap key in " + file + " is not hex");
        }
        if (key.length < 16) {
            throw new IllegalArgumentException("the bootstrap key in " + file + " is shorter than 16 bytes");
        }
        return key;
    }

    private static char[] text(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        try {
            String s = new String(raw, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) {
                throw new IllegalArgumentException(file + " is empty");
            }
            return s.toCharArray();
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static List<X509Certificate> certificates(Path pem) throws IOException {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(pem + " holds no certificate");
            }
            return out;
        } catch (CertificateException e) {
            throw new IllegalArgumentException(pem + " is not a PEM certificate bundle");
        }
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: " + s);
        }
    }

    private static Map<String, String> options(List<String> args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || i + 1 >= args.size()) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            opts.put(a.substring(2), args.get(++i));
        }
        List<String> known = List.of(
                "mef-host",
                "mef-port",
                "mef-cert-port",
                "mef-fqdn",
                "kpm-id",
                "kpm-file",
                "challenge-file",
                "cse",
                "cse-psk",
                "cse-coaps",
                "cse-id",
                "cse-trust",
                "state-dir",
                "store-password-file",
                "mef-commands",
                "node",
                "node-poll",
                "firmware-keys",
                "firmware",
                "firmware-dir",
                "address",
                "pkcs11-library",
                "pkcs11-slot-index",
                "pkcs11-pin-file");
        for (String k : opts.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k);
            }
        }
        return opts;
    }
}
