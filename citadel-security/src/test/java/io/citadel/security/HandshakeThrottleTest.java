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
    final HandshakeThrottle throttle = new HandshakeThrottle(3, Duration.ofSeconds(1), Duration.ofSeconds(8),
            Duration.ofHours(1), 4, clock);

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void repeated_failures_shut_an_address_out_for_doubling_times_up_to_the_cap() throws Exception {
        InetAddress attacker = ip("192.0.2.1");
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error")).isZero();
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error")).isZero();
        assertThat(throttle.admits(attacker)).isTrue();
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error")).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.admits(attacker)).isFalse();
        assertThat(throttle.admits(ip("192.0.2.2"))).isTrue(); // another address is not affected
        clock.now = clock.now.plusSeconds(1);
        assertThat(throttle.admits(attacker)).isTrue();
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error")).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error")).isEqualTo(Duration.ofSeconds(4));
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error")).isEqualTo(Duration.ofSeconds(8));
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error")).isEqualTo(Duration.ofSeconds(8));
        // a success clears the count
        throttle.succeeded(attacker);
        assertThat(throttle.admits(attacker)).isTrue();
        assertThat(throttle.failed("TLS-PSK", attacker, "dev@psk", "decrypt_error")).isZero();
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
