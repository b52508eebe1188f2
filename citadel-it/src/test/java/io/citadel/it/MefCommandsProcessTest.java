package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.client.device.DeviceEnrolment;
import io.citadel.client.device.MefCommands;
import io.citadel.protocol.mef.MmefNames.CommandStatus;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MEF client command queue end to end: the MEF in its own process, commands queued with {@code citadel mef
 * command add} (refusals first: an unknown enrolee, an unknown class, a subject the policy does not certify),
 * OpenSSL's {@code s_client -psk} as a raw client over the bootstrap key (a malformed registration, then register,
 * retrieve, REISSUED, a result for the wrong cmdID, the result, NO_MORE_COMMANDS), and the device SDK executing a
 * CERT_PROV over certificate TLS; {@code command list} shows each result, the MEF's log the audit line.
 */
class MefCommandsProcessTest {
    static final String SP = "citadel.example";
    static final String MEF = "mef." + SP;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path mefData;
    static CseProcess mef;
    static int mefCertPort;
    static final Map<String, String> kpm = new java.util.HashMap<>();
    static final Map<String, String> challenge = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        mefData = dir.resolve("mef");
        for (String dev : List.of("dev1", "dev2")) {
            String added = MefEnrolmentTest.cli(
                    "mef",
                    "device",
                    "add",
                    "--data-dir",
                    mefData.toString(),
                    "--kpm-id",
                    dev + "@" + MEF,
                    "--ae-id",
                    "C" + dev,
                    "--cse-id",
                    "/id-in");
            kpm.put(dev, MefEnrolmentTest.find(added, "bootstrap key \\(Kpm, hex, shown once\\): ([0-9a-f]{64})"));
            challenge.put(dev, MefEnrolmentTest.find(added, "challenge password \\(shown once\\): (\\S+)"));
        }
        mef = CseProcess.launch(List.of(
                "mef",
                "serve",
                "--data-dir",
                mefData.toString(),
                "--port",
                "0",
                "--cert-port",
                "0",
                "--command-retry",
                "PT2S"));
        mefCertPort = Integer.parseInt(mef.awaitAnnounced(Pattern.compile("over certificate TLS on port (\\d+)")));
    }

    @AfterAll
    static void stop() throws Exception {
        mef.close();
    }

    /** {@code citadel mef command ...}: exit code and output. */
    static Result command(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("mef", "command"));
        all.addAll(List.of(args));
        all.addAll(List.of("--data-dir", mefData.toString()));
        Process p = new ProcessBuilder(CitadelCommand.of(all.toArray(String[]::new)))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    record Result(int exit, String output) {}

    record Http(int status, JsonNode body) {}

    /** One request over TLS-PSK with OpenSSL's s_client as {@code dev}, over its bootstrap key. */
    static Http psk(String dev, String method, String path, String json) throws Exception {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        Path request = Files.createTempFile(dir, "mmef", ".http");
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + MEF + "\r\nConnection: close\r\n"
                + (json == null ? "" : "Content-Type: application/json\r\n") + "Content-Length: " + body.length
                + "\r\n\r\n";
        Files.write(request, head.getBytes(StandardCharsets.US_ASCII));
        Files.write(request, body, java.nio.file.StandardOpenOption.APPEND);
        String raw = MefEnrolmentTest.run(
                request,
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + mef.port(),
                "-psk_identity",
                dev + "@" + MEF,
                "-psk",
                kpm.get(dev),
                "-quiet",
                "-ign_eof");
        var status = Pattern.compile("HTTP/1.1 (\\d{3})").matcher(raw);
        assertThat(status.find()).as(raw).isTrue();
        int split = raw.indexOf("\r\n\r\n");
        String text = split < 0 ? "" : raw.substring(split + 4).strip();
        return new Http(Integer.parseInt(status.group(1)), text.isEmpty() ? null : JSON.readTree(text));
    }

    @Test
    void the_operator_queues_a_raw_client_and_the_sdk_answer_and_the_results_are_kept() throws Exception {
        // the CLI refuses what cannot be a command
        Result unknown = command("add", "--enrolee", "nobody@" + MEF, "--class", "CERT_PROV");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.output()).contains("no enrolee nobody@" + MEF);
        Result badClass = command("add", "--enrolee", "dev2@" + MEF, "--class", "REBOOT");
        assertThat(badClass.exit()).isEqualTo(2);
        assertThat(badClass.output()).contains("--class takes CERT_PROV, DEV_CFG or MO_NODE");
        Result otherSubject =
                command("add", "--enrolee", "dev1@" + MEF, "--class", "CERT_PROV", "--cert-subject-id", "Cother");
        assertThat(otherSubject.exit()).isEqualTo(2);
        assertThat(otherSubject.output()).contains("certifies Cdev1 (certSubjectType 3) only");
        assertThat(command("list").output()).isEmpty();

        // a raw client over its bootstrap key: refusals first
        Http malformed = psk("dev2", "POST", "/mef/clients", "{\"labels\":[1]}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().path("errorString").asText()).contains("label");
        Http registered = psk("dev2", "POST", "/mef/clients", "{\"labels\":[\"meter\"]}");
        assertThat(registered.status()).isEqualTo(201);
        String cmdRef = registered.body().path("cmdRef").asText();
        assertThat(cmdRef).matches("/mef/clients/[0-9a-f]{32}/cmd");

        Result queued = command(
                "add",
                "--enrolee",
                "dev2@" + MEF,
                "--class",
                "DEV_CFG",
                "--dev-mgmt-id",
                "3",
                "--uri",
                "coap://dm.citadel.example");
        assertThat(queued.exit()).as(queued.output()).isZero();
        Http issued = psk("dev2", "GET", cmdRef, null);
        assertThat(issued.status()).isEqualTo(200);
        long cmdId = issued.body().path("cmdID").asLong();
        assertThat(issued.body().path("cmdStatusCode").asInt()).isEqualTo(10);
        assertThat(issued.body().path("cmdDescription").path("cmdClassID").asInt())
                .isEqualTo(2);
        assertThat(issued.body()
                        .path("cmdDescription")
                        .path("cmdArgs")
                        .path("devMgmtID")
                        .asInt())
                .isEqualTo(3);
        assertThat(psk("dev2", "GET", cmdRef, null).body().path("cmdStatusCode").asInt())
                .as("retrieved again before its result")
                .isEqualTo(11);
        Http wrong = psk("dev2", "PUT", cmdRef, "{\"cmdID\":" + (cmdId + 100) + ",\"cmdStatusCode\":20}");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body().path("errorString").asText()).contains("not the command issued");
        Http done = psk("dev2", "PUT", cmdRef, "{\"cmdID\":" + cmdId + ",\"cmdStatusCode\":41}");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body().toString())
                .isEqualTo("{\"cmdDescription\":{\"cmdClassID\":0,\"cmdArgs\":{\"retryDuration\":2}}}");

        // the SDK, enrolled, executes a CERT_PROV over certificate TLS
        DeviceEnrolment device = DeviceEnrolment.builder()
                .mef("127.0.0.1", mef.port(), MEF)
                .mefCertificatePort(mefCertPort)
                .bootstrapKey("dev1@" + MEF, HexFormat.of().parseHex(kpm.get("dev1")))
                .challengePassword(challenge.get("dev1").toCharArray())
                .store(dir.resolve("dev1"), "store password".toCharArray())
                .build();
        BigInteger first = device.enrol().certificate().getSerialNumber();
        assertThat(command("add", "--enrolee", "dev1@" + MEF, "--class", "CERT_PROV")
                        .exit())
                .isZero();
        MefCommands.Poll poll = new MefCommands(device).poll();
        assertThat(poll.executed()).hasSize(1);
        assertThat(poll.executed().get(0).result()).isEqualTo(CommandStatus.OK);
        assertThat(poll.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(device.credentials().certificate().getSerialNumber()).isNotEqualTo(first);

        // the operator sees the results; the MEF audited them
        String list = command("list").output();
        assertThat(list)
                .containsPattern("\\tdev2@" + Pattern.quote(MEF) + "\\tDEV_CFG\\tresult 41 CLASS_NOT_SUPPORTED");
        assertThat(list).containsPattern("\\tdev1@" + Pattern.quote(MEF) + "\\tCERT_PROV\\tresult 20 OK");
        assertThat(command("list", "--enrolee", "dev1@" + MEF).output()).doesNotContain("dev2@");
        mef.awaitAnnounced(Pattern.compile(
                "(MEF command \\d+ \\(CERT_PROV\\) for dev1@" + Pattern.quote(MEF) + ": result 20 OK)"));
        assertThat(mef.output()).doesNotContain(challenge.get("dev1")).doesNotContain(kpm.get("dev1"));
    }
}
