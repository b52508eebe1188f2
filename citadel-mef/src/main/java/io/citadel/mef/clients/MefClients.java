package io.citadel.mef.clients;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.PrivateFiles;
import io.citadel.protocol.mef.MmefNames.CommandClass;
import io.citadel.protocol.mef.MmefNames.CommandStatus;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The MEF's client registrations ({@code <mefClientReg>}) and command queues ({@code <mefClientCmd>}) of TS-0003
 * §8.3.5.2 and §8.3.9, in one owner-only JSON file written whole and moved into place atomically. The serving MEF
 * and the operator's {@code citadel mef command} write it both: every operation reads the file, changes it and
 * writes it under a lock of the file ({@code .lock} beside it) held across processes, so neither loses the other's
 * change.
 *
 * <p>Rules: one live registration per client (the enrolee its MEF handshake proved); only that client sees or
 * changes it; a registration lives at most {@code maxLifetime}, and an expired one is as good as absent. A client's
 * commands are issued one at a time in the order they were queued; the one it holds is REISSUED when retrieved
 * again; a result is accepted only for the command issued, and is kept (the last {@link #MAX_DONE} per client).
 */
public final class MefClients {
    public static final int MAX_LABELS = 16;
    public static final int MAX_LABEL_LENGTH = 64;
    /** Commands queued and not answered, per client. */
    public static final int MAX_PENDING = 64;
    /** Answered commands kept per client, for the operator. */
    public static final int MAX_DONE = 64;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** One writer at a time in this JVM (a file lock is held per process, not per thread). */
    private static final Object JVM_LOCK = new Object();

    private final Path file;
    private final Path lockFile;
    private final Clock clock;
    private final Duration maxLifetime;
    private final Duration retryDuration;

    /**
     * @param maxLifetime   the longest a registration lives (also its lifetime when the client asks for none)
     * @param retryDuration what NO_MORE_COMMANDS tells the client to wait before asking again
     */
    public MefClients(Path file, Clock clock, Duration maxLifetime, Duration retryDuration) {
        if (maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("a MEF client registration lives a positive time");
        }
        if (retryDuration.toSeconds() < 1) {
            throw new IllegalArgumentException("the command retry duration is at least a second");
        }
        this.file = file.toAbsolutePath();
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
        this.clock = clock;
        this.maxLifetime = maxLifetime;
        this.retryDuration = retryDuration;
        transact(s -> null); // a damaged file is refused at start
    }

    public Duration retryDuration() {
        return retryDuration;
    }

    /**
     * MEF Client Registration. {@code expirationTime} empty: the longest allowed; later than that: shortened (the MEF
     * may change values); not in the future: 400. A client with a live registration gets 409 (it retrieves or
     * de-registers that one).
     */
    public MefClientRegistration register(
            String client, Optional<Instant> expirationTime, List<String> labels, String adminFqdn) {
        return transact(s -> {
            Instant now = clock.instant();
            Optional<MefClientRegistration> live = s.registrationOf(client, now);
            if (live.isPresent()) {
                throw new MefClientException(
                        409,
                        "this client is registered already as " + live.get().regId(),
                        live.get().regId());
            }
            byte[] id = new byte[16];
            RANDOM.nextBytes(id);
            MefClientRegistration r = new MefClientRegistration(
                    HexFormat.of().formatHex(id), client, expiry(expirationTime, now), labels, adminFqdn);
            s.registrations.removeIf(old -> old.clientId().equals(client)); // an expired one
            s.registrations.add(r);
            s.changed = true;
            return r;
        });
    }

    /** The live registration of the client, if any (whatever its ID). */
    public Optional<MefClientRegistration> registrationOf(String client) {
        return transact(s -> s.registrationOf(client, clock.instant()));
    }

    /** MEF Client Configuration Retrieval: 404 unknown or expired, 403 another client's. */
    public MefClientRegistration registration(String client, String regId) {
        return transact(s -> s.owned(client, regId, clock.instant()));
    }

    /** MEF Client Registration Update of the given values (at least one); answers the registration as updated. */
    public MefClientRegistration update(
            String client, String regId, Optional<Instant> expirationTime, Optional<List<String>> labels) {
        if (expirationTime.isEmpty() && labels.isEmpty()) {
            throw new MefClientException(400, "an update changes expirationTime or labels");
        }
        return transact(s -> {
            Instant now = clock.instant();
            MefClientRegistration r = s.owned(client, regId, now);
            MefClientRegistration u = new MefClientRegistration(
                    r.regId(),
                    r.clientId(),
                    expirationTime.isPresent() ? expiry(expirationTime, now) : r.expirationTime(),
                    labels.orElse(r.labels()),
                    r.adminFqdn());
            s.registrations.set(s.registrations.indexOf(r), u);
            s.changed = true;
            return u;
        });
    }

    /** MEF Client De-Registration. The client's queued commands stay: they are the operator's, not the session's. */
    public void deregister(String client, String regId) {
        transact(s -> {
            s.registrations.remove(s.owned(client, regId, clock.instant()));
            s.changed = true;
            return null;
        });
    }

    /** Queues a command for {@code enrolee} (the operator's {@code mef command add}); at most {@link #MAX_PENDING}. */
    public MefCommand enqueue(String enrolee, CommandClass cmdClass, Map<String, Object> args, String targetId) {
        if (cmdClass == CommandClass.NO_MORE_COMMANDS) {
            throw new IllegalArgumentException("NO_MORE_COMMANDS is the MEF's answer, not a command");
        }
        return transact(s -> {
            long pending = s.commands.stream()
                    .filter(c -> c.enrolee().equals(enrolee) && c.pending())
                    .count();
            if (pending >= MAX_PENDING) {
                throw new IllegalArgumentException(
                        enrolee + " has " + MAX_PENDING + " commands waiting already; none was queued");
            }
            MefCommand c =
                    new MefCommand(s.nextCmdId++, enrolee, cmdClass, args, targetId, null, clock.instant(), null, null);
            s.commands.add(c);
            s.changed = true;
            return c;
        });
    }

    /** The commands, in the order they were queued, of one enrolee or (empty) all. */
    public List<MefCommand> commands(Optional<String> enrolee) {
        return transact(s -> s.commands.stream()
                .filter(c -> enrolee.isEmpty() || c.enrolee().equals(enrolee.get()))
                .toList());
    }

    /**
     * MEF Client Command Retrieve: the client's first command without a result, now ISSUED (first time) or
     * REISSUED; empty: NO_MORE_COMMANDS.
     */
    public Optional<MefCommand> retrieve(String client, String regId) {
        return transact(s -> {
            s.owned(client, regId, clock.instant());
            return s.issueNext(client, clock.instant());
        });
    }

    /**
     * MEF Client Command Update: the result of the command issued to the client (400 for any other cmdID, or a code
     * that is not a result), kept; then the next command, issued, or empty (NO_MORE_COMMANDS).
     */
    public Optional<MefCommand> report(String client, String regId, long cmdId, CommandStatus result) {
        if (!result.isResult()) {
            throw new MefClientException(400, "cmdStatusCode " + result.code + " is the MEF's, not a result");
        }
        return transact(s -> {
            Instant now = clock.instant();
            s.owned(client, regId, now);
            Optional<MefCommand> held = s.firstPending(client);
            if (held.isEmpty() || held.get().status() == null || held.get().cmdId() != cmdId) {
                throw new MefClientException(400, "cmdID " + cmdId + " is not the command issued to this client");
            }
            MefCommand done = held.get().answered(result, now);
            s.commands.set(s.commands.indexOf(held.get()), done);
            s.trimDone(client);
            System.getLogger("citadel.mef")
                    .log(
                            System.Logger.Level.INFO,
                            "MEF command " + cmdId + " (" + done.cmdClass() + ") for " + client + ": result "
                                    + result.code + " " + result);
            return s.issueNext(client, now);
        });
    }

    private Instant expiry(Optional<Instant> asked, Instant now) {
        Instant longest = now.plus(maxLifetime);
        if (asked.isEmpty()) {
            return longest;
        }
        if (!asked.get().isAfter(now)) {
            throw new MefClientException(400, "expirationTime is not in the future");
        }
        return asked.get().isAfter(longest) ? longest : asked.get();
    }

    /** The file's contents while one operation holds the lock. */
    private static final class State {
        long nextCmdId = 1;
        final List<MefClientRegistration> registrations = new ArrayList<>();
        final List<MefCommand> commands = new ArrayList<>();
        boolean changed;

        Optional<MefClientRegistration> registrationOf(String client, Instant now) {
            return registrations.stream()
                    .filter(r ->
                            r.clientId().equals(client) && r.expirationTime().isAfter(now))
                    .findFirst();
        }

        MefClientRegistration owned(String client, String regId, Instant now) {
            MefClientRegistration r = registrations.stream()
                    .filter(x -> x.regId().equals(regId) && x.expirationTime().isAfter(now))
                    .findFirst()
                    .orElseThrow(() -> new MefClientException(404, "no such MEF client registration, or it expired"));
            if (!r.clientId().equals(client)) {
                throw new MefClientException(403, "this registration is another client's");
            }
            return r;
        }

        Optional<MefCommand> firstPending(String client) {
            return commands.stream()
                    .filter(c -> c.enrolee().equals(client) && c.pending())
                    .findFirst();
        }

        Optional<MefCommand> issueNext(String client, Instant now) {
            Optional<MefCommand> next = firstPending(client);
            next.ifPresent(c -> {
                commands.set(commands.indexOf(c), c.issued(now));
                changed = true;
            });
            return next.map(c -> c.issued(now));
        }

        void trimDone(String client) {
            List<MefCommand> done = commands.stream()
                    .filter(c -> c.enrolee().equals(client) && !c.pending())
                    .toList();
            for (int i = 0; i < done.size() - MAX_DONE; i++) {
                commands.remove(done.get(i));
            }
            changed = true;
        }
    }

    private <T> T transact(Function<State, T> operation) {
        synchronized (JVM_LOCK) {
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel channel = FileChannel.open(
                                lockFile,
                                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                        FileLock lock = channel.lock()) {
                    State s = read();
                    T result = operation.apply(s);
                    if (s.changed) {
                        write(s);
                    }
                    return result;
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot use the MEF client store " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private State read() {
        State s = new State();
        if (!Files.exists(file)) {
            return s;
        }
        try {
            Map<?, ?> all = JSON.readValue(file.toFile(), Map.class);
            s.nextCmdId = ((Number) all.get("nextCmdId")).longValue();
            for (Object o : (List<?>) all.get("registrations")) {
                Map<?, ?> r = (Map<?, ?>) o;
                s.registrations.add(new MefClientRegistration(
                        (String) r.get("regId"),
                        (String) r.get("clientId"),
                        Instant.parse((String) r.get("expirationTime")),
                        ((List<?>) r.get("labels"))
                                .stream().map(String.class::cast).toList(),
                        (String) r.get("adminFqdn")));
            }
            for (Object o : (List<?>) all.get("commands")) {
                Map<?, ?> c = (Map<?, ?>) o;
                Map<String, Object> args = new LinkedHashMap<>();
                ((Map<?, ?>) c.get("args")).forEach((k, v) -> args.put((String) k, v));
                Object status = c.get("status");
                s.commands.add(new MefCommand(
                        ((Number) c.get("cmdId")).longValue(),
                        (String) c.get("enrolee"),
                        CommandClass.of(((Number) c.get("cmdClass")).intValue()).orElseThrow(),
                        args,
                        (String) c.get("targetId"),
                        status == null
                                ? null
                                : CommandStatus.of(((Number) status).intValue()).orElseThrow(),
                        instant(c.get("queuedAt")),
                        instant(c.get("issuedAt")),
                        instant(c.get("resultAt"))));
            }
            return s;
        } catch (IOException | RuntimeException damaged) {
            throw new IllegalStateException("the MEF client store " + file + " cannot be read: it is damaged");
        }
    }

    private static Instant instant(Object o) {
        return o == null ? null : Instant.parse((String) o);
    }

    private void write(State s) throws IOException {
        // expired registrations are dropped whenever the file is written
        Instant now = clock.instant();
        List<Map<String, Object>> regs = new ArrayList<>();
        for (MefClientRegistration r : s.registrations) {
            if (!r.expirationTime().isAfter(now)) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("regId", r.regId());
            row.put("clientId", r.clientId());
            row.put("expirationTime", r.expirationTime().toString());
            row.put("labels", r.labels());
            row.put("adminFqdn", r.adminFqdn());
            regs.add(row);
        }
        List<Map<String, Object>> cmds = new ArrayList<>();
        for (MefCommand c : s.commands) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("cmdId", c.cmdId());
            row.put("enrolee", c.enrolee());
            row.put("cmdClass", c.cmdClass().id);
            row.put("args", c.args());
            row.put("targetId", c.targetId());
            row.put("status", c.status() == null ? null : c.status().code);
            row.put("queuedAt", string(c.queuedAt()));
            row.put("issuedAt", string(c.issuedAt()));
            row.put("resultAt", string(c.resultAt()));
            cmds.add(row);
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("nextCmdId", s.nextCmdId);
        all.put("registrations", regs);
        all.put("commands", cmds);
        PrivateFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
    }

    private static String string(Instant i) {
        return i == null ? null : i.toString();
    }
}
