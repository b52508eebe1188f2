package io.citadel.client.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.protocol.mef.MmefNames.CommandStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MefCommands} against a scripted MEF: malformed answers and refusals become our exceptions; a cmdID ISSUED
 * again is answered 40 REPEATED_CMD_ID, REISSUED with the result it had; classes it does not execute 41; the
 * retryDuration is bounded; a registration the MEF lost is made again.
 */
class MefCommandsAnswersTest {
    /** Answers in order; records what the device sent. */
    static final class ScriptedMef implements MefCommands.Transport {
        final Deque<DeviceEnrolment.Answer> answers = new ArrayDeque<>();
        final List<String> sent = new ArrayList<>();

        ScriptedMef then(int status, String json) {
            answers.add(new DeviceEnrolment.Answer(status, json.getBytes(StandardCharsets.UTF_8)));
            return this;
        }

        @Override
        public DeviceEnrolment.Answer exchange(String method, String path, byte[] body) {
            sent.add(method + " " + path + (body == null ? "" : " " + new String(body, StandardCharsets.UTF_8)));
            return answers.removeFirst();
        }
    }

    static final String REG = "{\"mefClientRegID\":\"0123456789abcdef0123456789abcdef\"}";
    static final String CMD = "/mef/clients/0123456789abcdef0123456789abcdef/cmd";

    static String command(long id, int classId, int status) {
        return "{\"cmdID\":" + id + ",\"cmdDescription\":{\"cmdClassID\":" + classId + ",\"cmdArgs\":{}},"
                + "\"cmdStatusCode\":" + status + "}";
    }

    static String none(long seconds) {
        return "{\"cmdDescription\":{\"cmdClassID\":0,\"cmdArgs\":{\"retryDuration\":" + seconds + "}}}";
    }

    @Test
    void refusals_and_malformed_answers_are_our_exceptions() {
        for (ScriptedMef mef : List.of(
                new ScriptedMef().then(403, "{\"errorString\":\"only an enrolee ...\"}"),
                new ScriptedMef().then(201, "not json"),
                new ScriptedMef().then(201, "{}"),
                new ScriptedMef().then(201, REG).then(200, "{\"cmdID\":1}"),
                new ScriptedMef().then(201, REG).then(200, "{\"cmdDescription\":{\"cmdClassID\":0}}"),
                new ScriptedMef().then(201, REG).then(200, "{\"cmdDescription\":{\"cmdClassID\":2}}"),
                new ScriptedMef().then(201, REG).then(200, "x".repeat(MefCommands.MAX_JSON + 1)))) {
            assertThatThrownBy(() -> new MefCommands(null, mef).poll())
                    .isInstanceOf(EnrolmentException.class)
                    .hasMessageStartingWith("the MEF");
        }
        assertThatThrownBy(() -> new MefCommands(null, new ScriptedMef().then(403, "{\"errorString\":\"no\"}")).poll())
                .hasMessage("the MEF refused MEF client registration (403): no");
    }

    @Test
    void a_repeated_cmdID_is_answered_40_a_reissued_one_with_its_result_others_41() {
        ScriptedMef mef = new ScriptedMef()
                .then(201, REG)
                .then(200, command(5, 2, 10))
                .then(200, command(5, 2, 10))
                .then(200, command(5, 2, 11))
                .then(200, command(6, 3, 10))
                .then(200, command(7, 9, 11))
                .then(200, none(0));
        MefCommands.Poll poll = new MefCommands(null, mef).poll();
        assertThat(poll.executed())
                .extracting(MefCommands.Executed::result)
                .containsExactly(
                        CommandStatus.CLASS_NOT_SUPPORTED,
                        CommandStatus.REPEATED_CMD_ID,
                        CommandStatus.CLASS_NOT_SUPPORTED,
                        CommandStatus.CLASS_NOT_SUPPORTED,
                        CommandStatus.CLASS_NOT_SUPPORTED);
        assertThat(poll.retryAfter()).as("bounded below").isEqualTo(MefCommands.MIN_RETRY);
        assertThat(mef.sent)
                .containsExactly(
                        "POST /mef/clients {}",
                        "GET " + CMD,
                        "PUT " + CMD + " {\"cmdID\":5,\"cmdStatusCode\":41}",
                        "PUT " + CMD + " {\"cmdID\":5,\"cmdStatusCode\":40}",
                        "PUT " + CMD + " {\"cmdID\":5,\"cmdStatusCode\":41}",
                        "PUT " + CMD + " {\"cmdID\":6,\"cmdStatusCode\":41}",
                        "PUT " + CMD + " {\"cmdID\":7,\"cmdStatusCode\":41}");
    }

    @Test
    void a_lost_registration_is_made_again_and_the_retry_is_bounded_above() {
        ScriptedMef mef = new ScriptedMef()
                .then(201, REG)
                .then(404, "{\"errorString\":\"no such MEF client registration, or it expired\"}")
                .then(409, "{\"errorString\":\"registered already\",\"mefClientRegID\":\"00ff\"}")
                .then(200, none(10_000_000));
        MefCommands.Poll poll = new MefCommands(null, mef).poll();
        assertThat(poll.retryAfter()).isEqualTo(MefCommands.MAX_RETRY);
        assertThat(mef.sent.get(3)).isEqualTo("GET /mef/clients/00ff/cmd");
        assertThat(new MefCommands(null, new ScriptedMef().then(201, REG).then(200, none(30)))
                        .poll()
                        .retryAfter())
                .isEqualTo(Duration.ofSeconds(30));
    }
}
