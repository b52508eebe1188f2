package io.citadel.mef.est;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The enrolment store: damaged files and failed writes first, then what survives a restart and what never is on disk. */
class EnrolmentsTest {
    static final String PASSWORD = "a challenge password of some length";
    static final EnrolmentSubject CSE =
            new EnrolmentSubject(EnrolmentSubject.Type.CSE_ID, "/id-mn1", null, "citadel.example");

    @TempDir
    Path dir;

    static EnrolmentSubject cse(String id) {
        return new EnrolmentSubject(EnrolmentSubject.Type.CSE_ID, id, null, "citadel.example");
    }

    @Test
    void a_damaged_store_is_refused_naming_it_not_read_as_empty() throws Exception {
        Path file = dir.resolve("enrolments.json");
        Files.writeString(file, "[{\"enrolee\": \"kpm-1\", \"type\": \"NOT_A_TYPE\"}]");
        assertThatThrownBy(() -> Enrolments.open(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("enrolments.json cannot be read");
        Files.writeString(file, "{ not json");
        assertThatThrownBy(() -> Enrolments.open(file)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bad_policies_cannot_be_made() {
        assertThatThrownBy(() -> EnrolmentPolicy.withPassword("kpm-1", CSE, Duration.ofDays(1), "short"))
                .hasMessageContaining("at least 16 characters");
        assertThatThrownBy(() -> EnrolmentPolicy.withPassword("kpm 1", CSE, Duration.ofDays(1), PASSWORD))
                .hasMessageContaining("printable");
        assertThatThrownBy(() -> EnrolmentPolicy.withPassword("kpm-1", CSE, Duration.ofDays(900), PASSWORD))
                .hasMessageContaining("825 days");
        assertThatThrownBy(() -> new EnrolmentPolicy("kpm-1", CSE, Duration.ofDays(1), PASSWORD))
                .hasMessageContaining("hash");
        assertThatThrownBy(() -> new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev", null, "citadel.example"))
                .hasMessageContaining("registrar CSE-ID");
        assertThatThrownBy(() -> new EnrolmentSubject(EnrolmentSubject.Type.CSE_ID, "id-mn1", null, "citadel.example"))
                .hasMessageContaining("slash");
    }

    @Test
    void a_write_that_fails_changes_nothing() throws Exception {
        Path file = dir.resolve("enrolments.json");
        Enrolments store = Enrolments.open(file);
        EnrolmentPolicy policy = EnrolmentPolicy.withPassword("kpm-1", CSE, Duration.ofDays(1), PASSWORD);
        store.put(policy);
        Files.delete(file);
        Files.createDirectories(file.resolve("in-the-way")); // the file's place is taken by a non-empty directory
        assertThatThrownBy(() -> store.advance(policy, null, BigInteger.TEN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot write the enrolment store");
        assertThat(store.current("kpm-1")).as("not recorded, so not handed out").isEmpty();
        assertThatThrownBy(() -> store.remove("kpm-1")).isInstanceOf(IllegalStateException.class);
        assertThat(store.policy("kpm-1")).contains(policy);
    }

    @Test
    void policies_and_serials_survive_a_restart_in_an_owner_only_file_without_the_password() throws Exception {
        Path file = dir.resolve("mef/enrolments.json");
        Enrolments store = Enrolments.open(file);
        EnrolmentPolicy policy = EnrolmentPolicy.withPassword("kpm-1", CSE, Duration.ofDays(3), PASSWORD);
        store.put(policy);
        assertThat(store.advance(policy, null, BigInteger.valueOf(0xabcdef))).isTrue();
        assertThat(store.advance(policy, null, BigInteger.TWO))
                .as("it holds one already")
                .isFalse();

        Enrolments reopened = Enrolments.open(file);
        assertThat(reopened.current("kpm-1")).contains(BigInteger.valueOf(0xabcdef));
        assertThat(reopened.policy("kpm-1")).contains(policy);
        assertThat(reopened.policy("kpm-1").orElseThrow().challengedBy(PASSWORD))
                .isTrue();
        assertThat(reopened.policy("kpm-1").orElseThrow().challengedBy(PASSWORD + "x"))
                .isFalse();
        assertThat(Files.readString(file)).doesNotContain(PASSWORD).contains("pbkdf2-sha256$");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void a_batch_with_a_known_or_repeated_enrolee_adds_nothing_and_a_good_one_survives_a_restart() {
        Path file = dir.resolve("enrolments.json");
        Enrolments store = Enrolments.open(file);
        String hash = ChallengeHash.of(PASSWORD);
        EnrolmentPolicy one = new EnrolmentPolicy("kpm-1", CSE, Duration.ofDays(1), hash);
        EnrolmentPolicy two = new EnrolmentPolicy("kpm-2", cse("/id-mn2"), Duration.ofDays(1), hash);
        store.put(one);
        assertThatThrownBy(() -> store.addAll(java.util.List.of(two, one))).hasMessageContaining("kpm-1");
        assertThatThrownBy(() -> store.addAll(java.util.List.of(two, two))).hasMessageContaining("kpm-2");
        assertThat(store.policies()).containsExactly(one);
        EnrolmentPolicy three = new EnrolmentPolicy("kpm-3", cse("/id-mn3"), Duration.ofDays(1), hash);
        store.addAll(java.util.List.of(two, three));
        assertThat(Enrolments.open(file).policies()).containsExactly(one, two, three);
    }

    @Test
    void no_two_enrolees_may_be_given_one_identity() {
        Enrolments store = Enrolments.open(dir.resolve("enrolments.json"));
        String hash = ChallengeHash.of(PASSWORD);
        EnrolmentSubject ae1 = new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev1", "/id-in", "citadel.example");
        EnrolmentSubject ae2 = new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "Cdev2", "/id-in", "citadel.example");
        store.put(new EnrolmentPolicy("kpm-1", ae1, Duration.ofDays(1), hash));
        assertThatThrownBy(() -> store.put(new EnrolmentPolicy("kpm-2", ae1, Duration.ofDays(1), hash)))
                .hasMessageContaining("is given already, to kpm-1");
        assertThatThrownBy(() -> store.put(new EnrolmentPolicy("kpm-2", ae2, Duration.ofDays(1), hash)
                        .with(new EnrolmentPolicy.Integrity(true, ae1))))
                .as("a restricted identity that is another device's")
                .hasMessageContaining("/id-in/Cdev1");
        store.put(new EnrolmentPolicy("kpm-1", ae1, Duration.ofDays(2), hash)); // the same enrolee may change its own
        assertThat(store.policies()).hasSize(1);
    }

    @Test
    void a_revocation_keeps_its_time_across_a_restart() {
        Path file = dir.resolve("enrolments.json");
        Enrolments store = Enrolments.open(file);
        EnrolmentPolicy policy = new EnrolmentPolicy("kpm-1", CSE, Duration.ofDays(1), ChallengeHash.of(PASSWORD));
        store.put(policy);
        assertThat(store.advance(policy, null, BigInteger.valueOf(77))).isTrue();
        assertThat(store.revoke("kpm-1")).isTrue();
        java.time.Instant at = store.revocations().get(BigInteger.valueOf(77));
        assertThat(at).isNotNull();
        assertThat(Enrolments.open(file).revocations()).containsEntry(BigInteger.valueOf(77), at);
    }
}
