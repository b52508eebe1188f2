package io.citadel.maf;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.mef.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MAF's key procedures and their rules: every refusal first, then the life of a key. */
class MafKeysTest {
    static final String AE = "/id-in/Cae1";
    static final String CSE = "/id-in";

    @TempDir
    Path dir;

    MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    MafKeys keys;

    @BeforeEach
    void setUp() {
        keys = new MafKeys(
                dir.resolve("keys.json"),
                EncryptedFilePskStore.open(dir.resolve("values"), "pw".toCharArray()),
                "maf.citadel.example",
                clock,
                Duration.ofDays(1),
                3);
    }

    static Supplier<byte[]> session() {
        byte[] b = new byte[48];
        new SecureRandom().nextBytes(b);
        return () -> b.clone();
    }

    static MafKeys.Registration saef(List<String> targets) {
        return new MafKeys.Registration(32, targets, null, null, null);
    }

    static int status(Runnable r) {
        try {
            r.run();
        } catch (MafException e) {
            return e.httpStatus();
        }
        throw new AssertionError("not refused");
    }

    @Test
    void malformed_registrations_are_refused_and_store_nothing() {
        Supplier<byte[]> s = session();
        assertThat(status(() -> keys.register(AE, new MafKeys.Registration(null, List.of(CSE), null, null, null), s)))
                .isEqualTo(400);
        assertThat(status(() -> keys.register(AE, new MafKeys.Registration(22, List.of(CSE), null, null, null), s)))
                .as("an RSPF SUID is not a MAF key")
                .isEqualTo(400);
        assertThat(status(() -> keys.register(AE, saef(List.of()), s))).isEqualTo(400);
        assertThat(status(() -> keys.register(AE, saef(List.of(CSE, "/id-mn1")), s)))
                .as("a SAEF key has one target")
                .isEqualTo(400);
        assertThat(status(() -> keys.register(AE, saef(List.of("C*")), s))).isEqualTo(400);
        assertThat(status(() ->
                        keys.register(AE, new MafKeys.Registration(32, List.of(CSE), clock.instant(), null, null), s)))
                .as("expired at once")
                .isEqualTo(400);
        assertThat(status(() -> keys.register(
                        AE,
                        new MafKeys.Registration(
                                32, List.of(CSE), clock.instant().plus(Duration.ofDays(2)), null, null),
                        s)))
                .as("beyond the longest lifetime")
                .isEqualTo(400);
        assertThat(status(() -> keys.register(
                        AE, new MafKeys.Registration(32, List.of(CSE), null, List.of("has space"), null), s)))
                .isEqualTo(400);
        assertThat(status(() ->
                        keys.register(AE, new MafKeys.Registration(32, List.of(CSE), null, null, new byte[8]), s)))
                .as("a short key value")
                .isEqualTo(400);
        assertThat(status(() -> keys.register(AE, saef(List.of(CSE)), () -> null)))
                .as("no value and no session to export from")
                .isEqualTo(400);
        assertThat(keys.list()).isEmpty();
    }

    @Test
    void only_targets_retrieve_only_the_source_changes_and_expired_keys_are_gone() {
        byte[] exported = session().get();
        MafKey key = keys.register(AE, saef(List.of(CSE)), exported::clone);
        assertThat(key.relativeKeyId()).isEqualTo(HexFormat.of().formatHex(exported, 0, 16));
        assertThat(status(() -> keys.register(AE, saef(List.of(CSE)), exported::clone)))
                .as("the session's key is registered once")
                .isEqualTo(409);
        assertThat(status(() -> keys.retrieve("/id-mn9", key.relativeKeyId()))).isEqualTo(403);
        assertThat(status(() -> keys.retrieve(AE, key.relativeKeyId())))
                .as("the source is no target")
                .isEqualTo(403);
        assertThat(status(() -> keys.retrieve(CSE, "00"))).isEqualTo(404);
        MafKeys.Retrieved r = keys.retrieve(CSE, key.relativeKeyId());
        assertThat(HexFormat.of().formatHex(r.value())).isEqualTo(HexFormat.of().formatHex(exported, 16, 48));
        assertThat(r.key().source()).isEqualTo(AE);

        assertThat(status(() ->
                        keys.update(CSE, key.relativeKeyId(), new MafKeys.Update(List.of("/id-mn9"), null, null))))
                .as("a target is not the source")
                .isEqualTo(403);
        assertThat(status(() -> keys.update(AE, key.relativeKeyId(), new MafKeys.Update(null, null, null))))
                .isEqualTo(400);
        assertThat(status(() -> keys.deregister(CSE, key.relativeKeyId()))).isEqualTo(403);
        Instant sooner = clock.instant().plus(Duration.ofHours(1));
        assertThat(keys.update(AE, key.relativeKeyId(), new MafKeys.Update(null, sooner, List.of("renamed")))
                        .expires())
                .isEqualTo(sooner);
        clock.now = sooner;
        assertThat(status(() -> keys.retrieve(CSE, key.relativeKeyId())))
                .as("expired")
                .isEqualTo(404);
    }

    @Test
    void a_client_holds_a_bounded_number_of_keys_and_de_registration_ends_a_key() {
        MafKey first = keys.register(AE, saef(List.of(CSE)), session());
        keys.register(
                AE,
                new MafKeys.Registration(
                        34,
                        List.of(CSE, "/id-mn1"),
                        null,
                        null,
                        "0123456789abcdef".getBytes(StandardCharsets.US_ASCII)),
                null);
        keys.register(AE, saef(List.of(CSE)), session());
        assertThat(status(() -> keys.register(AE, saef(List.of(CSE)), session())))
                .isEqualTo(403);
        keys.deregister(AE, first.relativeKeyId());
        assertThat(status(() -> keys.retrieve(CSE, first.relativeKeyId()))).isEqualTo(404);
        assertThat(keys.register(AE, saef(List.of(CSE)), session())).isNotNull();
    }
}
