package io.citadel.client.device;

import static io.citadel.protocol.mef.MmefNames.CERT_PROV_PROTOCOL_ID;
import static io.citadel.protocol.mef.MmefNames.CERT_SUBJECT_ID;
import static io.citadel.protocol.mef.MmefNames.CERT_SUBJECT_TYPE;
import static io.citadel.protocol.mef.MmefNames.CLIENTS_PATH;
import static io.citadel.protocol.mef.MmefNames.CMD_ARGS;
import static io.citadel.protocol.mef.MmefNames.CMD_CLASS_ID;
import static io.citadel.protocol.mef.MmefNames.CMD_DESCRIPTION;
import static io.citadel.protocol.mef.MmefNames.CMD_ID;
import static io.citadel.protocol.mef.MmefNames.CMD_STATUS_CODE;
import static io.citadel.protocol.mef.MmefNames.COMMAND_SUFFIX;
import static io.citadel.protocol.mef.MmefNames.REG_ID;
import static io.citadel.protocol.mef.MmefNames.RETRY_DURATION;
import static io.citadel.protocol.mef.MmefNames.URI;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.protocol.mef.MmefNames;
import io.citadel.protocol.mef.MmefNames.CommandClass;
import io.citadel.protocol.mef.MmefNames.CommandStatus;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An enrolled device as a MEF client (TS-0003 §8.3.5.2, §8.3.9; wire names in {@link MmefNames}), over certificate
 * TLS on the MEF's certificate listener, which knows the device by the certificate it holds: it registers once
 * ({@code POST /mef/clients}; a 409 names its live registration, which it goes on with), then each {@link #poll}
 * retrieves its commands one by one, executes them and reports each result, until the MEF answers
 * NO_MORE_COMMANDS with the time to wait.
 *
 * <p>What it executes: CERT_PROV by EST at the MEF it enrolled with ({@link DeviceEnrolment#renew}: a new key and
 * certificate; 42 malformed arguments, 43 another protocol than EST, another MEF, or another subject than its own
 * AE-ID; 100 the MEF refused or could not be reached, 101 a failure of its own); MO_NODE, when it follows management
 * objects ({@link DeviceManagement}): objectTypeID 1 [authenticationProfile], 2 [trustAnchorCred], 3 [MAFClientRegCfg],
 * the object's attributes as the command's arguments, answered 20, 302 (malformed), 303 (not acceptable) or 305
 * (failed; nothing changed). DEV_CFG (an OMA DM, LwM2M or TR-069 server: this device has none of these clients) and
 * MO_NODE without management are answered 41 CLASS_NOT_SUPPORTED. A cmdID it executed already is answered 40 REPEATED_CMD_ID when ISSUED
 * again, and with the result it had when REISSUED (its report was lost).
 */
public final class MefCommands {
    static final int MAX_JSON = 8 * 1024;
    /** Commands executed in one poll at most; the rest waits for the next. */
    static final int MAX_PER_POLL = 32;
    /** The bounds put on the MEF's retryDuration. */
    static final Duration MIN_RETRY = Duration.ofSeconds(1);

    static final Duration MAX_RETRY = Duration.ofDays(1);
    private static final int REMEMBERED = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One HTTP exchange with the MEF (JSON body or none). */
    interface Transport {
        DeviceEnrolment.Answer exchange(String method, String path, byte[] body);
    }

    /** A command the device answered, and with what. */
    public record Executed(long cmdId, int cmdClassId, CommandStatus result, String detail) {}

    /** What one poll did, and when to poll again (the MEF's retryDuration, bounded). */
    public record Poll(List<Executed> executed, Duration retryAfter) {}

    private final DeviceEnrolment device;
    private final DeviceManagement management;
    private final Transport mef;
    private final Map<Long, CommandStatus> executed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CommandStatus> eldest) {
            return size() > REMEMBERED;
        }
    };
    private String regId;
    /** The MEF ({@code fqdn:port}) {@link #regId} is at. */
    private String regMef;

    /** The device's MEF client over certificate TLS; the device must be enrolled. */
    public MefCommands(DeviceEnrolment device) {
        this(device, (DeviceManagement) null);
    }

    /** The device's MEF client, executing MO_NODE commands with {@code management} (null: 41). */
    public MefCommands(DeviceEnrolment device, DeviceManagement management) {
        this(
                device,
                management,
                (method, path, body) ->
                        device.overCertificate(method, path, body, MAX_JSON, "MEF client " + method + " " + path));
    }

    MefCommands(DeviceEnrolment device, Transport mef) {
        this(device, null, mef);
    }

    MefCommands(DeviceEnrolment device, DeviceManagement management, Transport mef) {
        this.device = device;
        this.management = management;
        this.mef = mef;
    }

    /** The MEFClientRegID, registering first if needed. */
    public synchronized String register() {
        String at = device == null ? "" : device.mefFqdn() + ":" + device.mefPort(); // null: a scripted MEF
        if (regId != null && at.equals(regMef)) {
            return regId;
        }
        DeviceEnrolment.Answer a = mef.exchange("POST", CLIENTS_PATH, "{}".getBytes(StandardCharsets.UTF_8));
        JsonNode answer = a.status() == 201 || a.status() == 409 ? json(a, "MEF client registration") : null;
        String id = answer == null ? null : answer.path(REG_ID).asText(null);
        if (id == null || !id.matches("[0-9a-f]{1,64}")) {
            throw refused("MEF client registration", a);
        }
        regId = id;
        regMef = at;
        return id;
    }

    /** Ends the registration (MEF Client De-Registration); nothing when not registered. */
    public synchronized void deregister() {
        if (regId == null) {
            return;
        }
        DeviceEnrolment.Answer a = mef.exchange("DELETE", CLIENTS_PATH + "/" + regId, null);
        if (a.status() != 204 && a.status() != 404) {
            throw refused("MEF client de-registration", a);
        }
        regId = null;
    }

    /**
     * Retrieves and executes the device's commands, reporting each result, until NO_MORE_COMMANDS (or
     * {@link #MAX_PER_POLL}). A registration the MEF no longer has (expired, 404) is made again once.
     */
    public synchronized Poll poll() {
        register();
        DeviceEnrolment.Answer a = mef.exchange("GET", commandPath(), null);
        if (a.status() == 404) {
            regId = null;
            register();
            a = mef.exchange("GET", commandPath(), null);
        }
        List<Executed> done = new ArrayList<>();
        while (true) {
            if (a.status() != 200) {
                throw refused("MEF client command", a);
            }
            JsonNode command = json(a, "MEF client command");
            JsonNode description = command.path(CMD_DESCRIPTION);
            JsonNode classId = description.path(CMD_CLASS_ID);
            if (!description.isObject() || !classId.isIntegralNumber()) {
                throw new EnrolmentException("the MEF's command has no cmdDescription with a cmdClassID");
            }
            if (classId.asInt() == CommandClass.NO_MORE_COMMANDS.id) {
                return new Poll(done, retry(description.path(CMD_ARGS).path(RETRY_DURATION)));
            }
            if (done.size() >= MAX_PER_POLL) {
                return new Poll(done, MIN_RETRY);
            }
            JsonNode cmdId = command.path(CMD_ID);
            JsonNode status = command.path(CMD_STATUS_CODE);
            if (!cmdId.isIntegralNumber() || !cmdId.canConvertToLong() || !status.isIntegralNumber()) {
                throw new EnrolmentException("the MEF's command has no cmdID or cmdStatusCode");
            }
            Executed e = answer(cmdId.asLong(), status.asInt(), classId.asInt(), description.path(CMD_ARGS));
            done.add(e);
            Map<String, Object> report = new LinkedHashMap<>();
            report.put(CMD_ID, e.cmdId());
            report.put(CMD_STATUS_CODE, e.result().code);
            a = mef.exchange("PUT", commandPath(), bytes(report));
        }
    }

    private String commandPath() {
        return CLIENTS_PATH + "/" + regId + COMMAND_SUFFIX;
    }

    /** The result for one command: executed once; a repeat answered 40, a reissue with the result it had. */
    private Executed answer(long cmdId, int status, int classId, JsonNode args) {
        CommandStatus before = executed.get(cmdId);
        if (before != null) {
            return status == CommandStatus.REISSUED.code
                    ? new Executed(cmdId, classId, before, "reported again")
                    : new Executed(cmdId, classId, CommandStatus.REPEATED_CMD_ID, "executed already");
        }
        Executed e;
        if (classId == CommandClass.CERT_PROV.id) {
            e = certProv(cmdId, args);
        } else if (classId == CommandClass.MO_NODE.id && management != null) {
            e = moNode(cmdId, args);
        } else {
            e = new Executed(cmdId, classId, CommandStatus.CLASS_NOT_SUPPORTED, "not supported by this device");
        }
        executed.put(cmdId, e.result());
        return e;
    }

    private Executed certProv(long cmdId, JsonNode args) {
        int classId = CommandClass.CERT_PROV.id;
        JsonNode protocol = args.path(CERT_PROV_PROTOCOL_ID);
        JsonNode uri = args.path(URI);
        JsonNode type = args.path(CERT_SUBJECT_TYPE);
        JsonNode subject = args.path(CERT_SUBJECT_ID);
        if (!protocol.isIntegralNumber() || !uri.isTextual() || !type.isIntegralNumber() || !subject.isTextual()) {
            return new Executed(cmdId, classId, CommandStatus.BAD_ARGUMENTS, "CERT_PROV arguments missing");
        }
        Optional<String> unacceptable = unacceptable(protocol.asInt(), uri.asText(), type.asInt(), subject.asText());
        if (unacceptable.isPresent()) {
            return new Executed(cmdId, classId, CommandStatus.UNACCEPTABLE_ARGUMENTS, unacceptable.get());
        }
        try {
            device.renew();
            return new Executed(
                    cmdId,
                    classId,
                    CommandStatus.OK,
                    "certificate serial "
                            + device.credentials()
                                    .certificate()
                                    .getSerialNumber()
                                    .toString(16));
        } catch (EnrolmentException e) {
            return new Executed(cmdId, classId, CommandStatus.CERT_PROV_SERVER_ERROR, e.getMessage());
        } catch (RuntimeException e) {
            return new Executed(
                    cmdId,
                    classId,
                    CommandStatus.CERT_PROV_CLIENT_ERROR,
                    e.getClass().getSimpleName());
        }
    }

    /** MO_NODE: the object's attributes are the arguments; the object is known by its objectPath. */
    private Executed moNode(long cmdId, JsonNode args) {
        int classId = CommandClass.MO_NODE.id;
        JsonNode path = args.path(MmefNames.OBJECT_PATH);
        JsonNode type = args.path(MmefNames.OBJECT_TYPE_ID);
        if (!path.isTextual() || path.asText().isEmpty() || !type.isIntegralNumber()) {
            return new Executed(cmdId, classId, CommandStatus.MO_NODE_BAD_ARGS, "objectPath or objectTypeID missing");
        }
        long mgd = switch (type.asInt()) {
            case 1 -> DeviceManagement.AUTHENTICATION_PROFILE;
            case 2 -> DeviceManagement.TRUST_ANCHOR;
            case 3 -> DeviceManagement.MAF_CLIENT_REG_CFG;
            default -> -1;
        };
        if (mgd < 0) {
            return new Executed(cmdId, classId, CommandStatus.MO_NODE_TYPE_CONFLICT, "objectTypeID is not 1, 2 or 3");
        }
        Map<String, Object> attrs = JSON.convertValue(args, new com.fasterxml.jackson.core.type.TypeReference<>() {});
        ManagementOutcome o;
        try {
            o = management.apply(mgd, null, "mo:" + path.asText(), attrs);
        } catch (RuntimeException ex) {
            return new Executed(
                    cmdId,
                    classId,
                    CommandStatus.MO_NODE_EXECUTION_ERROR,
                    ex.getClass().getSimpleName());
        }
        CommandStatus result = switch (o.kind()) {
            case APPLIED -> CommandStatus.OK;
            case BAD_ARGUMENTS -> CommandStatus.MO_NODE_BAD_ARGS;
            case UNACCEPTABLE -> CommandStatus.MO_NODE_UNACCEPTABLE_ARGS;
            case FAILED -> CommandStatus.MO_NODE_EXECUTION_ERROR;
        };
        return new Executed(cmdId, classId, result, o.action());
    }

    private Optional<String> unacceptable(int protocol, String uri, int type, String subject) {
        if (protocol != MmefNames.EST) {
            return Optional.of("this device provisions certificates by EST only");
        }
        try {
            java.net.URI u = new java.net.URI(uri);
            if (!"https".equalsIgnoreCase(u.getScheme()) || !device.mefFqdn().equalsIgnoreCase(u.getHost())) {
                return Optional.of("the EST base URI names another MEF than " + device.mefFqdn());
            }
        } catch (URISyntaxException e) {
            return Optional.of("the EST base URI is not a URI");
        }
        if (type != MmefNames.SUBJECT_AE_ID
                || !subject.equals(device.credentials().aeId())) {
            return Optional.of("this device holds an AE-ID certificate for "
                    + device.credentials().aeId() + " only");
        }
        return Optional.empty();
    }

    private static Duration retry(JsonNode seconds) {
        if (!seconds.isIntegralNumber() || !seconds.canConvertToLong() || seconds.asLong() < 0) {
            throw new EnrolmentException("the MEF's NO_MORE_COMMANDS has no retryDuration");
        }
        Duration d = Duration.ofSeconds(Math.min(seconds.asLong(), MAX_RETRY.toSeconds()));
        return d.compareTo(MIN_RETRY) < 0 ? MIN_RETRY : d;
    }

    private static JsonNode json(DeviceEnrolment.Answer a, String what) {
        if (a.body().length > MAX_JSON) {
            throw new EnrolmentException("the MEF's " + what + " answer is over " + MAX_JSON + " bytes");
        }
        try {
            JsonNode n = JSON.readTree(a.body());
            if (n == null || !n.isObject()) {
                throw new EnrolmentException("the MEF's " + what + " answer is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new EnrolmentException("the MEF's " + what + " answer is not JSON");
        }
    }

    private static EnrolmentException refused(String what, DeviceEnrolment.Answer a) {
        String reason;
        try {
            JsonNode n = JSON.readTree(a.body());
            reason = n != null && n.path("errorString").isTextual()
                    ? EstMessages.reason(n.path("errorString").asText().getBytes(StandardCharsets.UTF_8))
                    : EstMessages.reason(a.body());
        } catch (IOException e) {
            reason = EstMessages.reason(a.body());
        }
        return new EnrolmentException("the MEF refused " + what + " (" + a.status() + "): " + reason);
    }

    private static byte[] bytes(Map<String, Object> body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
