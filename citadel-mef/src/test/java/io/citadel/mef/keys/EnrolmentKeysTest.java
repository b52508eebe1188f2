package io.citadel.mef.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.mef.MutableClock;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ke recorded per enrolee and the usage-constrained keys derived from it: refusals first. */
class EnrolmentKeysTest {
    static final String MEF = "mef.citadel.example";
    static final List<String> TARGET = List.of("id-in.citadel.example");

    @TempDir
    Path dir;

    Enrolments enrolments;
    EnrolmentKeys keys;
    MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));

    @BeforeEach
    void setUp() {
        enrolments = Enrolments.open(dir.resolve("enrolments.json"));
        enrolments.put(policy("kpm-1@" + MEF, "Cdev1", "/id-in"));
        enrolments.put(policy("kpm-2@" + MEF, "Cdev2", null));
        keys = new EnrolmentKeys(
                EncryptedFilePskStore.open(dir.resolve("ke"), "pw".toCharArray()),
                dir.resolve("ke-bindings.json"),
                enrolments,
                MEF,
                null,
                clock);
    }

    static EnrolmentPolicy policy(String enrolee, String ae, String cse) {
        EnrolmentSubject subject = cse == null
                ? new EnrolmentSubject(EnrolmentSubject.Type.CSE_ID, "/id-mn1", null, "citadel.example")
                : new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, ae, cse, "citadel.example");
        return EnrolmentPolicy.withPassword(enrolee, subject, Duration.ofDays(30), "a long enough password");
    }

    static byte[] export() {
        byte[] b = new byte[48];
        new SecureRandom().nextBytes(b);
        return b;
    }

    static int status(Runnable r) {
        try {
            r.run();
        } catch (EstException e) {
            return e.httpStatus();
        }
        throw new AssertionError("not refused");
    }

    @Test
    void unknown_enrolees_and_short_exports_record_nothing() {
        assertThat(status(() -> keys.record("kpm-9@" + MEF, export()))).isEqualTo(403);
        assertThatThrownBy(() -> keys.record("kpm-1@" + MEF, new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
        enrolments.revoke("kpm-1@" + MEF);
        assertThat(status(() -> keys.record("kpm-1@" + MEF, export()))).isEqualTo(403);
    }

    @Test
    void a_device_that_must_show_firmware_evidence_gets_no_key() {
        enrolments.put(policy("kpm-4@" + MEF, "Cdev4", "/id-in").with(new EnrolmentPolicy.Integrity(true, null)));
        assertThat(status(() -> keys.record("kpm-4@" + MEF, export()))).isEqualTo(403);
    }

    @Test
    void a_fetch_is_refused_to_any_but_the_target_for_the_served_use() {
        String keyId = keys.record("kpm-1@" + MEF, export()).keyId();
        assertThat(status(() -> keys.fetch("00112233445566778899aabbccddeeff@" + MEF, "22", TARGET, "/id-in")))
                .as("unknown KeID")
                .isEqualTo(404);
        assertThat(status(() -> keys.fetch(keyId, "x", TARGET, "/id-in"))).isEqualTo(400);
        assertThat(status(() -> keys.fetch(keyId, "24", TARGET, "/id-in")))
                .as("a use not served (ESData keys)")
                .isEqualTo(403);
        assertThat(status(() -> keys.fetch(keyId, "22", List.of("id-mn9.citadel.example"), "/id-in")))
                .as("another CSE's certificate")
                .isEqualTo(403);
        assertThat(status(() -> keys.fetch(keyId, "22", TARGET, "/id-mn9")))
                .as("From not the target")
                .isEqualTo(403);
        assertThat(keys.fetch(keyId, "22", TARGET, "/id-in").enrolee()).isEqualTo("/id-in/Cdev1");
        assertThat(keys.fetch(keyId, "23", TARGET, "/id-in").enrolee())
                .as("the pairwise ESPrim key goes to the same target")
                .isEqualTo("/id-in/Cdev1");
    }

    @Test
    void a_master_key_for_the_maf_is_served_only_to_the_maf_this_mef_names() {
        byte[] exported = export();
        byte[] ke = java.util.Arrays.copyOfRange(exported, 16, 48);
        String keyId = keys.record("kpm-1@" + MEF, exported).keyId();
        assertThat(status(() -> keys.fetch(keyId, "21", List.of("maf.citadel.example"), "maf.citadel.example")))
                .as("this MEF names no MAF")
                .isEqualTo(403);
        EnrolmentKeys withMaf = new EnrolmentKeys(
                EncryptedFilePskStore.open(dir.resolve("ke"), "pw".toCharArray()),
                dir.resolve("ke-bindings.json"),
                enrolments,
                MEF,
                "maf.citadel.example",
                clock);
        assertThat(status(() -> withMaf.fetch(keyId, "21", List.of("maf.other.example"), "maf.citadel.example")))
                .as("another MAF's certificate")
                .isEqualTo(403);
        assertThat(status(() -> withMaf.fetch(keyId, "21", TARGET, "/id-in")))
                .as("the CSE asking for the MAF's key")
                .isEqualTo(403);
        EnrolmentKeys.UsageKey km = withMaf.fetch(keyId, "21", List.of("maf.citadel.example"), "maf.citadel.example");
        assertThat(km.enrolee()).isEqualTo("/id-in/Cdev1");
        assertThat(km.key())
                .isEqualTo(io.citadel.credentials.KeyDerivation.usageConstrainedKey(ke, 21, "maf.citadel.example"))
                .isNotEqualTo(withMaf.fetch(keyId, "22", TARGET, "/id-in").key());
    }

    @Test
    void a_ke_is_not_inherited_by_a_new_policy_for_the_same_identity_and_its_binding_survives_a_restart() {
        EncryptedFilePskStore store = EncryptedFilePskStore.open(dir.resolve("ke2"), "pw".toCharArray());
        Path bindings = dir.resolve("bindings.json");
        EnrolmentKeys first = new EnrolmentKeys(store, bindings, enrolments, MEF, null, clock);
        String keyId = first.record("kpm-1@" + MEF, export()).keyId();
        EnrolmentKeys restarted = new EnrolmentKeys(store, bindings, enrolments, MEF, null, clock);
        assertThat(restarted.fetch(keyId, "22", TARGET, "/id-in").enrolee()).isEqualTo("/id-in/Cdev1");
        assertThat(status(() -> new EnrolmentKeys(store, null, enrolments, MEF, null, clock)
                        .fetch(keyId, "22", TARGET, "/id-in")))
                .as("no binding known: not served")
                .isEqualTo(403);

        // the device is decommissioned and another one is given its identity: the old Ke must not serve it
        enrolments.remove("kpm-1@" + MEF);
        enrolments.put(policy("kpm-5@" + MEF, "Cdev1", "/id-in"));
        assertThat(status(() -> restarted.fetch(keyId, "22", TARGET, "/id-in"))).isEqualTo(403);
        // nor does the same enrolee's policy made anew (a new challenge password: a new provisioning)
        enrolments.put(policy("kpm-1@" + MEF, "Cdev9", "/id-in"));
        assertThat(status(() -> restarted.fetch(keyId, "22", TARGET, "/id-in"))).isEqualTo(403);
    }

    @Test
    void an_enrolment_without_a_target_cse_serves_no_target() {
        String keyId = keys.record("kpm-2@" + MEF, export()).keyId();
        assertThat(status(() -> keys.fetch(keyId, "22", List.of("id-mn1.citadel.example"), "/id-mn1")))
                .isEqualTo(403);
    }

    @Test
    void a_new_ke_replaces_the_last_and_revocation_and_expiry_end_fetches() {
        String first = keys.record("kpm-1@" + MEF, export()).keyId();
        String second = keys.record("kpm-1@" + MEF, export()).keyId();
        assertThat(status(() -> keys.fetch(first, "22", TARGET, "/id-in"))).isEqualTo(404);
        assertThat(keys.fetch(second, "22", TARGET, "/id-in").key()).hasSize(32);

        clock.now = clock.now.plus(Duration.ofDays(31));
        assertThat(status(() -> keys.fetch(second, "22", TARGET, "/id-in")))
                .as("expired with the enrolment")
                .isEqualTo(404);
        clock.now = clock.now.minus(Duration.ofDays(31));

        enrolments.revoke("kpm-1@" + MEF);
        assertThat(status(() -> keys.fetch(second, "22", TARGET, "/id-in"))).isEqualTo(403);
        enrolments.remove("kpm-1@" + MEF);
        assertThat(status(() -> keys.fetch(second, "22", TARGET, "/id-in"))).isEqualTo(403);
    }
}
