package io.citadel.mef;

import io.citadel.mef.clients.MefClients;
import io.citadel.mef.clients.MefCommand;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.protocol.mef.MmefNames;
import io.citadel.protocol.mef.MmefNames.CommandClass;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code citadel mef command ...}: the operator's side of the MEF client command queue (TS-0003 §8.3.9).
 *
 * <ul>
 *   <li>{@code command add --enrolee ID --class CERT_PROV [--cert-subject-type 1|2|3] [--cert-subject-id ID]
 *       [--uri URI | --fqdn F --port P] [--cert-prov-protocol-id 1]}: re-run EST; the subject defaults to the
 *       enrolee's policy, the URI to the MEF's EST base {@code https://<fqdn>:<port>/.well-known/est};
 *   <li>{@code command add --enrolee ID --class DEV_CFG --dev-mgmt-id 1-4 --uri URI};
 *   <li>{@code command add --enrolee ID --class MO_NODE --object-path P --object-type-id 1-3 [--suid N]
 *       [--args k=v,k=v]};
 *   <li>all classes: {@code [--target-id ID]} (the CSE or AE on the node the command is for);
 *   <li>{@code command list [--enrolee ID]}: the commands in the order queued, with where they stand or their
 *       result.
 * </ul>
 */
final class CommandCli {
    /** The client registrations and command queues, in the data directory. */
    static final String FILE = "mef-clients.json";

    private static final Set<String> COMMON = Set.of("data-dir", "sp", "enrolee", "class", "target-id");
    private static final Map<CommandClass, Set<String>> OPTIONS = Map.of(
            CommandClass.CERT_PROV,
            Set.of("cert-prov-protocol-id", "uri", "fqdn", "port", "cert-subject-type", "cert-subject-id"),
            CommandClass.DEV_CFG,
            Set.of("dev-mgmt-id", "uri"),
            CommandClass.MO_NODE,
            Set.of("object-path", "object-type-id", "suid", "args"));

    private CommandCli() {}

    /** The store of a MEF's data directory; registrations live at most {@code maxLifetime}. */
    static MefClients clients(Path dataDir, Duration maxLifetime, Duration retry) throws IOException {
        return new MefClients(
                ServiceFiles.privateDirectory(dataDir).resolve(FILE), Clock.systemUTC(), maxLifetime, retry);
    }

    static int run(
            Path dataDir,
            String sp,
            List<String> positional,
            Map<String, String> opts,
            Enrolments enrolments,
            PrintStream out,
            PrintStream err)
            throws IOException {
        String sub = positional.isEmpty() ? "list" : positional.get(0);
        MefClients clients = clients(dataDir, Duration.ofDays(30), Duration.ofMinutes(5));
        switch (sub) {
            case "add" -> {
                String enrolee = ServiceFiles.required(opts, "enrolee");
                EnrolmentPolicy policy = enrolments
                        .policy(enrolee)
                        .orElseThrow(() -> new IllegalArgumentException("no enrolee " + enrolee));
                if (enrolments.isRevoked(enrolee)) {
                    throw new IllegalArgumentException("enrolee " + enrolee + " was revoked");
                }
                CommandClass cmdClass = commandClass(ServiceFiles.required(opts, "class"));
                for (String o : opts.keySet()) {
                    if (!COMMON.contains(o) && !OPTIONS.get(cmdClass).contains(o)) {
                        throw new IllegalArgumentException("--" + o + " is not an option of " + cmdClass);
                    }
                }
                Map<String, Object> args = switch (cmdClass) {
                    case CERT_PROV -> certProv(policy, sp, opts);
                    case DEV_CFG -> devCfg(opts);
                    case MO_NODE -> moNode(opts);
                    case NO_MORE_COMMANDS -> throw new IllegalArgumentException("not a command");
                };
                MefCommand c = clients.enqueue(enrolee, cmdClass, args, opts.get("target-id"));
                out.println("command " + c.cmdId() + " (" + cmdClass + " " + args + ") queued for " + enrolee);
                return 0;
            }
            case "list" -> {
                for (MefCommand c : clients.commands(Optional.ofNullable(opts.get("enrolee")))) {
                    out.println(c.cmdId() + "\t" + c.enrolee() + "\t" + c.cmdClass() + "\t" + state(c) + "\t"
                            + c.args() + (c.targetId() == null ? "" : "\ttarget=" + c.targetId()) + "\tqueued="
                            + c.queuedAt() + (c.resultAt() == null ? "" : "\tanswered=" + c.resultAt()));
                }
                return 0;
            }
            default -> {
                err.println("usage: citadel mef command add|list");
                return 2;
            }
        }
    }

    private static String state(MefCommand c) {
        if (c.status() == null) {
            return "QUEUED";
        }
        return c.status().isResult()
                ? "result " + c.status().code + " " + c.status()
                : c.status().toString();
    }

    private static CommandClass commandClass(String name) {
        try {
            CommandClass c = CommandClass.valueOf(name);
            if (c != CommandClass.NO_MORE_COMMANDS) {
                return c;
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new IllegalArgumentException("--class takes CERT_PROV, DEV_CFG or MO_NODE");
    }

    /** CERT_PROV by EST at this MEF, for the identity the enrolee's policy certifies (the MEF issues no other). */
    private static Map<String, Object> certProv(EnrolmentPolicy policy, String sp, Map<String, String> opts) {
        int protocol = number(opts.getOrDefault("cert-prov-protocol-id", "1"), "--cert-prov-protocol-id", 1, 2);
        if (protocol != MmefNames.EST) {
            throw new IllegalArgumentException("this MEF provisions certificates by EST (1) only");
        }
        EnrolmentSubject subject = policy.subject();
        int ownType =
                subject.type() == EnrolmentSubject.Type.AE_ID ? MmefNames.SUBJECT_AE_ID : MmefNames.SUBJECT_CSE_ID;
        int type = number(opts.getOrDefault("cert-subject-type", String.valueOf(ownType)), "--cert-subject-type", 1, 3);
        String id = opts.getOrDefault("cert-subject-id", subject.id());
        if (type != ownType || !id.equals(subject.id())) {
            throw new IllegalArgumentException("the policy of " + policy.enrolee() + " certifies " + subject.id()
                    + " (certSubjectType " + ownType + ") only");
        }
        String uri = opts.containsKey("uri")
                ? uri(opts.get("uri"))
                : "https://" + opts.getOrDefault("fqdn", "mef." + sp) + ":"
                        + number(opts.getOrDefault("port", "8443"), "--port", 1, 65535) + "/.well-known/est";
        Map<String, Object> args = new LinkedHashMap<>();
        args.put(MmefNames.CERT_PROV_PROTOCOL_ID, protocol);
        args.put(MmefNames.URI, uri);
        args.put(MmefNames.CERT_SUBJECT_TYPE, type);
        args.put(MmefNames.CERT_SUBJECT_ID, id);
        return args;
    }

    private static Map<String, Object> devCfg(Map<String, String> opts) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put(MmefNames.DEV_MGMT_ID, number(ServiceFiles.required(opts, "dev-mgmt-id"), "--dev-mgmt-id", 1, 4));
        args.put(MmefNames.URI, uri(ServiceFiles.required(opts, "uri")));
        return args;
    }

    private static Map<String, Object> moNode(Map<String, String> opts) {
        Map<String, Object> args = new LinkedHashMap<>();
        String path = ServiceFiles.required(opts, "object-path");
        if (!path.matches("[\\x21-\\x7e]{1,256}")) {
            throw new IllegalArgumentException("--object-path is 1 to 256 printable characters");
        }
        args.put(MmefNames.OBJECT_PATH, path);
        args.put(
                MmefNames.OBJECT_TYPE_ID,
                number(ServiceFiles.required(opts, "object-type-id"), "--object-type-id", 1, 3));
        if (opts.containsKey("suid")) {
            args.put(MmefNames.SUID, number(opts.get("suid"), "--suid", 10, 45));
        }
        if (opts.containsKey("args")) {
            for (String pair : opts.get("args").split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2
                        || !kv[0].matches("[A-Za-z][A-Za-z0-9]{0,63}")
                        || args.containsKey(kv[0])
                        || kv[1].length() > 256) {
                    throw new IllegalArgumentException(
                            "--args takes name=value pairs, separated by commas, each name once");
                }
                args.put(kv[0], kv[1]);
            }
        }
        return args;
    }

    private static String uri(String s) {
        try {
            URI u = new URI(s);
            if (u.getScheme() == null || u.getHost() == null) {
                throw new URISyntaxException(s, "no scheme or host");
            }
            return s;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--uri is an absolute URI with a host");
        }
    }

    private static int number(String s, String option, int min, int max) {
        try {
            int n = Integer.parseInt(s);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(option + " takes a number from " + min + " to " + max);
    }
}
