package io.citadel.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Issue 14, defect 12: the admission rules, with remote addresses no test machine could connect from. */
class ConnectionLimiterTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void one_peer_cannot_hold_more_than_its_share() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(100, 3, 10);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire(ip("203.0.113.7"))).isTrue();
        }
        assertThat(limiter.tryAcquire(ip("203.0.113.7"))).isFalse();
        assertThat(limiter.tryAcquire(ip("203.0.113.8")))
                .as("another peer still gets in")
                .isTrue();
        limiter.release(ip("203.0.113.7"));
        assertThat(limiter.tryAcquire(ip("203.0.113.7")))
                .as("a released slot is free again")
                .isTrue();
        assertThat(limiter.open()).isEqualTo(4);
    }

    @Test
    void an_ipv6_peer_is_its_64_prefix() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(100, 2, 10);
        assertThat(limiter.tryAcquire(ip("2001:db8:1:2::1"))).isTrue();
        assertThat(limiter.tryAcquire(ip("2001:db8:1:2::ffff:2"))).isTrue();
        assertThat(limiter.tryAcquire(ip("2001:db8:1:2:abcd::3")))
                .as("same /64")
                .isFalse();
        assertThat(limiter.tryAcquire(ip("2001:db8:1:3::1"))).as("another /64").isTrue();
    }

    @Test
    void remote_peers_cannot_take_the_loopback_reserve() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 10, 3);
        int admitted = 0;
        for (int i = 1; i <= 20; i++) {
            if (limiter.tryAcquire(ip("198.51.100." + i))) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(7);
        assertThat(limiter.tryAcquire(ip("127.0.0.1")))
                .as("the administrator gets in")
                .isTrue();
        assertThat(limiter.tryAcquire(ip("::1"))).isTrue();
        assertThat(limiter.tryAcquire(ip("127.0.0.1"))).isTrue();
        assertThat(limiter.tryAcquire(ip("127.0.0.1")))
                .as("the total still holds")
                .isFalse();
    }

    @Test
    void loopback_is_bounded_per_address_too() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(100, 2, 10);
        assertThat(limiter.tryAcquire(ip("127.0.0.2"))).isTrue();
        assertThat(limiter.tryAcquire(ip("127.0.0.2"))).isTrue();
        assertThat(limiter.tryAcquire(ip("127.0.0.2"))).isFalse();
        assertThat(limiter.tryAcquire(ip("127.0.0.1"))).isTrue();
    }

    @Test
    void a_loopback_address_may_have_its_own_larger_bound() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(100, 2, 5, 10);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire(ip("127.0.0.1"))).isTrue();
        }
        assertThat(limiter.tryAcquire(ip("127.0.0.1"))).isFalse();
        assertThat(limiter.tryAcquire(ip("192.0.2.7"))).isTrue();
        assertThat(limiter.tryAcquire(ip("192.0.2.7"))).isTrue();
        assertThat(limiter.tryAcquire(ip("192.0.2.7"))).isFalse();
    }

    @Test
    void releasing_an_unknown_peer_changes_nothing() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 2, 1);
        limiter.release(ip("192.0.2.1"));
        assertThat(limiter.open()).isZero();
    }
}
