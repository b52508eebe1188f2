package io.citadel.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The per-address back-off against online guessing of pre-shared keys (issue 14, defect 15), on a hand-moved clock. */
class HandshakeThrottleTest {
    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final ManualClock clock = new ManualClock();
    final HandshakeThrottle throttle =
            new HandshakeThrottle(3, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofHours(1), 4, clock);

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void an_attacker_holding_a_valid_key_for_one_identity_cannot_reset_its_guesses_at_another() throws Exception {
        InetAddress attacker = ip("192.0.2.10");
        // guess, guess, one good handshake with the key it owns, guess: the third guess shuts the address out
        assertThat(throttle.failed("TLS-PSK", attacker, "victim@psk", "decrypt_error"))
                .isZero();
        assertThat(throttle.failed("TLS-PSK", attacker, "victim@psk", "decrypt_error"))
                .isZero();
        throttle.succeeded(attacker, "owned@psk");
        assertThat(throttle.failures(attacker)).isEqualTo(2);
        assertThat(throttle.failed("TLS-PSK", attacker, "victim@psk", "decrypt_error"))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.admits(attacker)).isFalse();
        // and the cycle goes on getting longer shut-outs, whatever it succeeds with in between
        clock.now = clock.now.plusSeconds(1);
        throttle.succeeded(attacker, "owned@psk");
        assertThat(throttle.failed("TLS-PSK", attacker, "victim@psk", "decrypt_error"))
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void a_success_of_another_identity_from_the_same_address_does_not_clear_failures() throws Exception {
        InetAddress nat = ip("192.0.2.20");
        throttle.failed("DTLS-PSK", nat, "b@psk", "bad_record_mac");
        throttle.failed("DTLS-PSK", nat, "b@psk", "bad_record_mac");
        throttle.succeeded(nat, "c@psk"); // a device behind the same NAT connects
        assertThat(throttle.failures(nat)).isEqualTo(2);
        assertThat(throttle.failed("DTLS-PSK", nat, "b@psk", "bad_record_mac")).isEqualTo(Duration.ofSeconds(1));
        throttle.succeeded(nat, "c@psk");
        assertThat(throttle.admits(nat)).as("a shut-out in force stays").isFalse();
        // b's own success clears b's failures (a device whose key was fixed), and with them the shut-out
        throttle.succeeded(nat, "b@psk");
        assertThat(throttle.failures(nat)).isZero();
        assertThat(throttle.admits(nat)).isTrue();
    }

    @Test
    void a_success_clears_only_its_own_identity_and_a_shut_out_stays_while_others_failures_remain() throws Exception {
        InetAddress nat = ip("192.0.2.21");
        throttle.failed("TLS-PSK", nat, "b@psk", "x");
        throttle.failed("TLS-PSK", nat, "b@psk", "x");
        throttle.failed("TLS-PSK", nat, "c@psk", "x"); // the third failure of the address
        assertThat(throttle.admits(nat)).isFalse();
        throttle.succeeded(nat, "c@psk"); // two of b's remain, below the allowance: this shut-out ends
        assertThat(throttle.failures(nat)).isEqualTo(2);
        assertThat(throttle.admits(nat)).isTrue();
        throttle.failed("TLS-PSK", nat, null, "x"); // no identity offered: lumped, and no success clears it
        throttle.failed("TLS-PSK", nat, null, "x");
        throttle.succeeded(nat, "b@psk");
        assertThat(throttle.failures(nat)).isEqualTo(2);
        assertThat(throttle.failed("TLS-PSK", nat, "d@psk", "x")).isPositive();
    }

    @Test
    void the_identities_kept_apart_per_address_are_bounded_and_the_rest_are_lumped_together() throws Exception {
        HandshakeThrottle lenient = new HandshakeThrottle(
                1_000, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofHours(1), 4, 16, clock);
        InetAddress attacker = ip("192.0.2.30");
        for (int i = 0; i < 100; i++) {
            lenient.failed("TLS-PSK", attacker, "id" + i + "@psk", "x");
        }
        lenient.failed("TLS-PSK", attacker, "x".repeat(10_000), "x"); // too long to be told apart
        assertThat(lenient.trackedIdentities(attacker)).isEqualTo(16);
        assertThat(lenient.failures(attacker)).isEqualTo(101);
        // an identity beyond the table clears nothing with its success; one in the table clears its own
        lenient.succeeded(attacker, "id99@psk");
        lenient.succeeded(attacker, "x".repeat(10_000));
        assertThat(lenient.failures(attacker)).isEqualTo(101);
        lenient.succeeded(attacker, "id0@psk");
        assertThat(lenient.failures(attacker)).isEqualTo(100);
        assertThat(lenient.trackedIdentities(attacker)).isEqualTo(15);
    }

    @Test
    void a_refusal_during_a_shut_out_is_logged_once_per_shut_out() throws Exception {
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("citadel.security");
        log.addHandler(capture);
        try {
            InetAddress attacker = ip("192.0.2.40");
            assertThat(throttle.admit("TLS-PSK", attacker)).isTrue();
            for (int i = 0; i < 3; i++) {
                throttle.failed("TLS-PSK", attacker, "b@psk", "x");
            }
            for (int i = 0; i < 5; i++) {
                assertThat(throttle.admit("TLS-PSK", attacker)).isFalse();
            }
            clock.now = clock.now.plusSeconds(1);
            assertThat(throttle.admit("TLS-PSK", attacker)).isTrue();
            throttle.failed("TLS-PSK", attacker, "b@psk", "x"); // the next shut-out logs its first refusal again
            assertThat(throttle.admit("TLS-PSK", attacker)).isFalse();
            assertThat(lines.stream().filter(l -> l.startsWith("TLS-PSK: refused a handshake from 192.0.2.40")))
                    .hasSize(2);
        } finally {
            log.removeHandler(capture);
        }
    }

    @Test
    void repeated_failures_shut_an_address_out_for_doubling_times_up_to_the_cap() throws Exception {
        InetAddress attacker = ip("192.0.2.1");
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error"))
                .isZero();
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error"))
                .isZero();
        assertThat(throttle.admits(attacker)).isTrue();
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error"))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.admits(attacker)).isFalse();
        assertThat(throttle.admits(ip("192.0.2.2"))).isTrue(); // another address is not affected
        clock.now = clock.now.plusSeconds(1);
        assertThat(throttle.admits(attacker)).isTrue();
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error"))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error"))
                .isEqualTo(Duration.ofSeconds(4));
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error"))
                .isEqualTo(Duration.ofSeconds(8));
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error"))
                .isEqualTo(Duration.ofSeconds(8));
        // a success clears the count
        throttle.succeeded(attacker, "dev@psk");
        assertThat(throttle.admits(attacker)).isTrue();
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error"))
                .isZero();
        // and so does an hour without failures
        throttle.failed("TLS-PSK", attacker, null, "x");
        clock.now = clock.now.plus(Duration.ofHours(2));
        assertThat(throttle.failed("TLS-PSK", attacker, null, "x")).isZero();
    }

    @Test
    void an_ipv6_host_is_counted_by_its_64_and_a_mapped_ipv4_as_ipv4() throws Exception {
        for (int i = 1; i <= 3; i++) {
            throttle.failed("DTLS", ip("2001:db8:1:2::" + i), null, "x"); // three addresses of one /64
        }
        assertThat(throttle.admits(ip("2001:db8:1:2::ffff"))).isFalse();
        assertThat(throttle.admits(ip("2001:db8:1:3::1"))).isTrue();
        for (int i = 0; i < 3; i++) {
            throttle.failed("DTLS", ip("::ffff:198.51.100.7"), null, "x");
        }
        assertThat(throttle.admits(ip("198.51.100.7"))).isFalse();
    }

    @Test
    void the_table_is_bounded() throws Exception {
        for (int i = 0; i < 100; i++) {
            throttle.failed("TLS-PSK", ip("10.0.0." + i), null, "x");
        }
        assertThat(throttle.tracked()).isEqualTo(4);
    }
}
