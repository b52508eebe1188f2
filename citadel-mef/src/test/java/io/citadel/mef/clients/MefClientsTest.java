package io.citadel.mef.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.mef.MutableClock;
import io.citadel.protocol.mef.MmefNames.CommandClass;
import io.citadel.protocol.mef.MmefNames.CommandStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registration store and command queue rules: another client's registration, an update without values, an
 * expired registration, a result for the wrong cmdID, REISSUED on a second retrieval, NO_MORE_COMMANDS; then the
 * queue in order, results kept, the file owner-only and shared by two instances (the MEF and the operator's CLI).
 */
class MefClientsTest {
    static final String DEV1 = "dev1@mef.citadel.example";
    static final String DEV2 = "dev2@mef.citadel.example";
    static final Map<String, Object> EST_ARGS =
            Map.of("certProvProtocolID", 1, "uri", "https://mef.citadel.example:8443/.well-known/est");

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

    MefClients store() {
        return new MefClients(dir.resolve("mef-clients.json"), clock, Duration.ofDays(30), Duration.ofMinutes(5));
    }

    static int status(Runnable r) {
        try {
            r.run();
        } catch (MefClientException e) {
            return e.httpStatus();
        }
        return 0;
    }

    @Test
    void another_clients_registration_is_forbidden_an_unknown_one_not_found() {
        MefClients s = store();
        String id = s.register(DEV1, Optional.empty(), List.of(), null).regId();
        assertThat(status(() -> s.registration(DEV2, id))).isEqualTo(403);
        assertThat(status(() -> s.update(DEV2, id, Optional.empty(), Optional.of(List.of("x")))))
                .isEqualTo(403);
        assertThat(status(() -> s.deregister(DEV2, id))).isEqualTo(403);
        assertThat(status(() -> s.retrieve(DEV2, id))).isEqualTo(403);
        assertThat(status(() -> s.report(DEV2, id, 1, CommandStatus.OK))).isEqualTo(403);
        assertThat(status(() -> s.registration(DEV1, "0".repeat(32)))).isEqualTo(404);
        assertThat(s.registration(DEV1, id).clientId()).isEqualTo(DEV1);
    }

    @Test
    void an_update_without_values_is_refused() {
        MefClients s = store();
        String id = s.register(DEV1, Optional.empty(), List.of("a"), null).regId();
        assertThat(status(() -> s.update(DEV1, id, Optional.empty(), Optional.empty())))
                .isEqualTo(400);
        assertThat(s.registration(DEV1, id).labels()).containsExactly("a");
    }

    @Test
    void a_second_registration_is_a_conflict_until_the_first_expires() {
        MefClients s = store();
        MefClientRegistration first =
                s.register(DEV1, Optional.of(clock.now.plus(Duration.ofHours(1))), List.of(), null);
        assertThatThrownBy(() -> s.register(DEV1, Optional.empty(), List.of(), null))
                .isInstanceOf(MefClientException.class)
                .hasMessageContaining(first.regId())
                .extracting(e -> ((MefClientException) e).httpStatus())
                .isEqualTo(409);
        clock.now = clock.now.plus(Duration.ofHours(1));
        assertThat(status(() -> s.registration(DEV1, first.regId())))
                .as("expired: as good as absent")
                .isEqualTo(404);
        assertThat(status(() -> s.retrieve(DEV1, first.regId()))).isEqualTo(404);
        assertThat(s.registrationOf(DEV1)).isEmpty();
        MefClientRegistration second = s.register(DEV1, Optional.empty(), List.of(), null);
        assertThat(second.regId()).isNotEqualTo(first.regId());
    }

    @Test
    void lifetimes_are_bounded_and_in_the_future() {
        MefClients s = store();
        assertThat(status(() -> s.register(DEV1, Optional.of(clock.now), List.of(), null)))
                .isEqualTo(400);
        MefClientRegistration r = s.register(DEV1, Optional.of(clock.now.plus(Duration.ofDays(400))), List.of(), null);
        assertThat(r.expirationTime())
                .as("shortened to the MEF's maximum")
                .isEqualTo(clock.now.plus(Duration.ofDays(30)));
        MefClientRegistration u =
                s.update(DEV1, r.regId(), Optional.of(clock.now.plus(Duration.ofDays(1))), Optional.empty());
        assertThat(u.expirationTime()).isEqualTo(clock.now.plus(Duration.ofDays(1)));
        assertThatThrownBy(() -> new MefClients(dir.resolve("x.json"), clock, Duration.ZERO, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_result_for_another_cmdID_or_a_command_not_issued_is_refused() {
        MefClients s = store();
        String id = s.register(DEV1, Optional.empty(), List.of(), null).regId();
        MefCommand c1 = s.enqueue(DEV1, CommandClass.CERT_PROV, EST_ARGS, null);
        MefCommand c2 = s.enqueue(DEV1, CommandClass.DEV_CFG, Map.of("devMgmtID", 3), null);
        assertThat(status(() -> s.report(DEV1, id, c1.cmdId(), CommandStatus.OK)))
                .as("queued, never issued")
                .isEqualTo(400);
        s.retrieve(DEV1, id);
        assertThat(status(() -> s.report(DEV1, id, c2.cmdId(), CommandStatus.OK)))
                .as("not the command issued")
                .isEqualTo(400);
        assertThat(status(() -> s.report(DEV1, id, 999, CommandStatus.OK))).isEqualTo(400);
        assertThat(status(() -> s.report(DEV1, id, c1.cmdId(), CommandStatus.REISSUED)))
                .as("the MEF's code, not a result")
                .isEqualTo(400);
        assertThat(s.commands(Optional.of(DEV1)).get(0).status()).isEqualTo(CommandStatus.ISSUED);
    }

    @Test
    void a_command_retrieved_again_before_its_result_is_reissued() {
        MefClients s = store();
        String id = s.register(DEV1, Optional.empty(), List.of(), null).regId();
        MefCommand queued = s.enqueue(DEV1, CommandClass.CERT_PROV, EST_ARGS, "/id-in/Cdev1");
        MefCommand first = s.retrieve(DEV1, id).orElseThrow();
        assertThat(first.cmdId()).isEqualTo(queued.cmdId());
        assertThat(first.status()).isEqualTo(CommandStatus.ISSUED);
        MefCommand again = s.retrieve(DEV1, id).orElseThrow();
        assertThat(again.cmdId()).isEqualTo(queued.cmdId());
        assertThat(again.status()).isEqualTo(CommandStatus.REISSUED);
        assertThat(again.args()).isEqualTo(EST_ARGS);
        assertThat(again.targetId()).isEqualTo("/id-in/Cdev1");
    }

    @Test
    void without_commands_the_answer_is_no_more_commands() {
        MefClients s = store();
        String id = s.register(DEV1, Optional.empty(), List.of(), null).regId();
        assertThat(s.retrieve(DEV1, id)).isEmpty();
        assertThat(s.retryDuration()).isEqualTo(Duration.ofMinutes(5));
        s.enqueue(DEV2, CommandClass.CERT_PROV, EST_ARGS, null);
        assertThat(s.retrieve(DEV1, id)).as("another client's command").isEmpty();
    }

    @Test
    void commands_are_issued_in_order_results_kept_and_the_file_is_owner_only_and_shared() throws Exception {
        MefClients mef = store();
        MefClients operator = store();
        String id = mef.register(DEV1, Optional.empty(), List.of("l"), "admin.citadel.example")
                .regId();
        MefCommand a = operator.enqueue(DEV1, CommandClass.CERT_PROV, EST_ARGS, null);
        MefCommand b =
                operator.enqueue(DEV1, CommandClass.MO_NODE, Map.of("objectPath", "./x", "objectTypeID", 1), null);
        assertThat(mef.retrieve(DEV1, id).orElseThrow().cmdId()).isEqualTo(a.cmdId());
        MefCommand next = mef.report(DEV1, id, a.cmdId(), CommandStatus.OK).orElseThrow();
        assertThat(next.cmdId()).isEqualTo(b.cmdId());
        assertThat(next.status()).isEqualTo(CommandStatus.ISSUED);
        assertThat(mef.report(DEV1, id, b.cmdId(), CommandStatus.CLASS_NOT_SUPPORTED))
                .isEmpty();
        assertThat(operator.commands(Optional.of(DEV1)))
                .extracting(MefCommand::status)
                .containsExactly(CommandStatus.OK, CommandStatus.CLASS_NOT_SUPPORTED);
        assertThat(status(() -> mef.report(DEV1, id, b.cmdId(), CommandStatus.OK)))
                .as("answered already")
                .isEqualTo(400);
        MefCommand c = operator.enqueue(DEV1, CommandClass.DEV_CFG, Map.of("devMgmtID", 1), null);
        assertThat(c.cmdId()).as("IDs are never reused").isGreaterThan(b.cmdId());
        assertThat(Files.getPosixFilePermissions(dir.resolve("mef-clients.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        mef.deregister(DEV1, id);
        assertThat(store().commands(Optional.of(DEV1)))
                .as("the queue outlives the registration")
                .hasSize(3);
    }

    @Test
    void the_queue_is_bounded_and_a_damaged_file_is_refused() throws Exception {
        MefClients s = store();
        for (int i = 0; i < MefClients.MAX_PENDING; i++) {
            s.enqueue(DEV1, CommandClass.DEV_CFG, Map.of("devMgmtID", 1), null);
        }
        assertThatThrownBy(() -> s.enqueue(DEV1, CommandClass.DEV_CFG, Map.of("devMgmtID", 1), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.enqueue(DEV2, CommandClass.NO_MORE_COMMANDS, Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
        Files.writeString(dir.resolve("mef-clients.json"), "{not json");
        assertThatThrownBy(this::store)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("damaged");
    }
}
