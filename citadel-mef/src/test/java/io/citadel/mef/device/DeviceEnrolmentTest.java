package io.citadel.mef.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.client.device.DeviceCredentials;
import io.citadel.client.device.DeviceEnrolment;
import io.citadel.client.device.EnrolmentException;
import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.PskCredential;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
import io.citadel.mef.http.KeyRoutes;
import io.citadel.mef.http.MefServer;
import io.citadel.mef.http.ReenrolmentServer;
import io.citadel.mef.keys.EnrolmentKeys;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.CertificateAuthority;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device SDK ({@code io.citadel.client.device}) against the real MEF in-process: the bootstrap (TLS-PSK) listener
 * and the certificate listener. Refusals first (wrong bootstrap key, wrong challenge password, a second enrolment,
 * open permissions, a wrong store password: clear exceptions of ours, nothing stored), then enrolment, the key the
 * MEF serves the CSE equal to the one the device derived, and renewal at two thirds of the lifetime (the clock
 * injected, no waiting).
 */
class DeviceEnrolmentTest {
    static final String FQDN = "mef.citadel.example";
    static final String PASSWORD = "one-time challenge password";

    @TempDir
    static Path dir;

    static MefServer mef;
    static ReenrolmentServer certificates;
    static Enrolments enrolments;
    static EnrolmentKeys enrolmentKeys;
    static final java.util.Map<String, byte[]> kpm = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("citadel.example", Duration.ofDays(1));
        enrolments = Enrolments.open(dir.resolve("enrolments.json"));
        EncryptedFilePskStore keys = EncryptedFilePskStore.open(dir.resolve("bootstrap"), "pw".toCharArray());
        for (String dev : List.of("dev1", "dev2", "dev3", "dev4")) {
            String aeId = "C" + dev;
            enrolments.put(EnrolmentPolicy.withPassword(
                    dev + "@" + FQDN,
                    new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, aeId, "/id-in", "citadel.example"),
                    Duration.ofDays(30),
                    PASSWORD));
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            kpm.put(dev, key);
            keys.put(new PskCredential(dev + "@" + FQDN, List.of(aeId), null), key.clone());
        }
        enrolmentKeys = new EnrolmentKeys(
                EncryptedFilePskStore.open(dir.resolve("ke"), "pw".toCharArray()), enrolments, FQDN, Clock.systemUTC());
        EstService est = new EstService(ca, enrolments, Clock.systemUTC());
        KeyRoutes routes = new KeyRoutes(enrolmentKeys, "https://" + FQDN + "/.well-known/est");
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        mef = new MefServer(
                any,
                est,
                routes,
                keys,
                new HandshakeThrottle(
                        100, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), 100, Clock.systemUTC()),
                10_000);
        CertificateAuthority.Issued server = ca.issueServer(FQDN, List.of(), Duration.ofDays(1));
        certificates = new ReenrolmentServer(
                any,
                est,
                enrolments,
                server.key(),
                List.of(server.certificate(), server.ca()),
                ca.certificate(),
                List.of(),
                routes,
                List.of(),
                10_000);
    }

    @AfterAll
    static void stop() {
        mef.close();
        certificates.close();
    }

    static DeviceEnrolment device(String dev, byte[] key, String challenge, Path state, String storePassword) {
        return DeviceEnrolment.builder()
                .mef("127.0.0.1", mef.port(), FQDN)
                .mefCertificatePort(certificates.port())
                .bootstrapKey(dev + "@" + FQDN, key)
                .challengePassword(challenge.toCharArray())
                .store(state, storePassword.toCharArray())
                .build();
    }

    static DeviceEnrolment device(String dev, Path state) {
        return device(dev, kpm.get(dev), PASSWORD, state, "store password");
    }

    static boolean nothingStored(Path state) {
        return !Files.exists(state.resolve("device.p12"));
    }

    @Test
    void a_wrong_bootstrap_key_gets_no_session_and_nothing_is_stored() {
        byte[] wrong = kpm.get("dev2").clone();
        wrong[0] ^= 1;
        Path state = dir.resolve("wrong-key");
        DeviceEnrolment d = device("dev2", wrong, PASSWORD, state, "store password");
        assertThatThrownBy(d::enrol)
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("no TLS-PSK session with the MEF");
        assertThat(nothingStored(state)).isTrue();
        assertThat(d.isEnrolled()).isFalse();
        assertThat(enrolments.current("dev2@" + FQDN)).isEmpty();
    }

    @Test
    void a_wrong_challenge_password_is_refused_by_the_mef_and_nothing_is_stored() {
        Path state = dir.resolve("wrong-challenge");
        DeviceEnrolment d = device("dev2", kpm.get("dev2"), "not the password", state, "store password");
        assertThatThrownBy(d::enrol)
                .isInstanceOf(EnrolmentException.class)
                .hasMessage("the MEF refused EST simpleenroll (401): the challenge password is missing or wrong");
        assertThat(nothingStored(state)).isTrue();
        assertThat(enrolments.current("dev2@" + FQDN)).isEmpty();
    }

    @Test
    void a_second_enrolment_is_refused_by_the_mef_and_the_first_state_is_untouched() throws Exception {
        Path first = dir.resolve("dev3");
        device("dev3", first).enrol();
        byte[] before = Files.readAllBytes(first.resolve("device.p12"));
        Path second = dir.resolve("dev3-again");
        assertThatThrownBy(() -> device("dev3", second).enrol())
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("(401)")
                .hasMessageContaining("enrolled already");
        assertThat(nothingStored(second)).isTrue();
        assertThatThrownBy(() -> device("dev3", first).enrol())
                .as("refused locally: it renews instead")
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("enrolled already");
        assertThat(Files.readAllBytes(first.resolve("device.p12"))).isEqualTo(before);
    }

    @Test
    void open_permissions_or_a_wrong_store_password_are_refused() throws Exception {
        Path state = dir.resolve("dev4");
        device("dev4", state).enrol();
        assertThatThrownBy(() -> device("dev4", kpm.get("dev4"), PASSWORD, state, "wrong password"))
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("cannot be read (wrong password or damaged)");
        Files.setPosixFilePermissions(state.resolve("device.p12"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> device("dev4", state))
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("open to other users");
        Files.setPosixFilePermissions(state.resolve("device.p12"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-x---"));
        assertThatThrownBy(() -> device("dev4", state))
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("open to other users");
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> device("dev2", open))
                .as("an empty state directory others can write to")
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("open to other users");
    }

    @Test
    void a_device_enrols_keeps_its_credentials_privately_and_renews_at_two_thirds_of_the_lifetime() throws Exception {
        Path state = dir.resolve("dev1");
        DeviceEnrolment d = device("dev1", state);
        DeviceCredentials c = d.enrol();
        assertThat(c.aeId()).isEqualTo("Cdev1");
        assertThat(c.cseId()).isEqualTo("/id-in");
        assertThat(c.cseFqdn()).isEqualTo("id-in.citadel.example");
        assertThat(c.keyId()).matches("[0-9a-f]{32}@" + FQDN);
        assertThat(c.toString()).doesNotContain(java.util.HexFormat.of().formatHex(c.cseKey()));
        assertThat(enrolments.current("dev1@" + FQDN)).contains(c.certificate().getSerialNumber());
        // the key the MEF serves the CSE is the one the device derived from the same export
        EnrolmentKeys.UsageKey served =
                enrolmentKeys.fetch(c.keyId(), "22", List.of("id-in.citadel.example"), "/id-in");
        assertThat(served.key()).isEqualTo(c.cseKey());
        assertThat(served.enrolee()).isEqualTo("/id-in/Cdev1");
        assertThat(Files.getPosixFilePermissions(state)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(state.resolve("device.p12")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.list(state).map(p -> p.getFileName().toString()).toList())
                .containsExactly("device.p12");

        // a restart finds the same credentials; nothing is due yet
        DeviceEnrolment again = device("dev1", state);
        assertThat(again.credentials().certificate()).isEqualTo(c.certificate());
        assertThat(again.credentials().cseKey()).isEqualTo(c.cseKey());
        assertThat(again.renewIfDue(Instant.now())).isFalse();
        assertThat(again.renewIfDue(c.renewalDue().minusSeconds(1))).isFalse();

        // two thirds of the lifetime later: re-enrolment over certificate TLS, a new key and certificate
        assertThat(again.renewIfDue(c.renewalDue())).isTrue();
        DeviceCredentials renewed = again.credentials();
        BigInteger serial = renewed.certificate().getSerialNumber();
        assertThat(serial).isNotEqualTo(c.certificate().getSerialNumber());
        assertThat(renewed.privateKey()).isNotEqualTo(c.privateKey());
        assertThat(renewed.aeId()).isEqualTo("Cdev1");
        assertThat(renewed.keyId()).isEqualTo(c.keyId());
        assertThat(enrolments.current("dev1@" + FQDN)).contains(serial);
        assertThat(device("dev1", state).credentials().certificate().getSerialNumber())
                .as("replaced on disk")
                .isEqualTo(serial);

        // the first instance still holds the superseded certificate: the MEF refuses it, the state stays
        byte[] stored = Files.readAllBytes(state.resolve("device.p12"));
        assertThatThrownBy(() -> d.renewIfDue(c.renewalDue()))
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("(401)");
        assertThat(Files.readAllBytes(state.resolve("device.p12"))).isEqualTo(stored);
    }
}
