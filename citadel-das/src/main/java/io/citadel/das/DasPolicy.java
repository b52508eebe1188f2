package io.citadel.das;

import io.citadel.security.IpPrefix;
import io.citadel.security.WildcardMatcher;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One DAS rule: which originators may do which operations on which targets, from where, for how long, and
 * whether the grant is returned as privileges ({@code dai}), a token, or both.
 *
 * @param originator pattern on the absolute originator ID ({@code *} never crosses {@code /})
 * @param target pattern on the targeted resource ID ({@code trid}, SP-relative)
 * @param operations acop-style bitmask (1 C, 2 R, 4 U, 8 D, 16 N, 32 discovery)
 * @param ipv4 CIDR blocks the originator's address must be in (empty = anywhere)
 */
public record DasPolicy(
        String id,
        String originator,
        String target,
        int operations,
        Duration lifetime,
        Grant grant,
        List<String> ipv4) {

    public enum Grant {
        TOKEN,
        ACP,
        BOTH
    }

    public DasPolicy {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("policy id must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (originator == null || originator.isBlank() || target == null || target.isBlank()) {
            throw new IllegalArgumentException("policy needs an originator and a target pattern");
        }
        if (operations < 1 || operations > 63) {
            throw new IllegalArgumentException("operations must be a bitmask 1..63");
        }
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("lifetime must be positive and at most 7 days");
        }
        ipv4 = List.copyOf(ipv4);
        ipv4.forEach(c -> IpPrefix.parse(c, false));
    }

    boolean matches(String originatorId, String targetId, int operationBit, String originatorIp) {
        if ((operations & operationBit) == 0
                || !WildcardMatcher.matches(originator, originatorId)
                || !WildcardMatcher.matches(target, targetId)) {
            return false;
        }
        if (ipv4.isEmpty()) {
            return true;
        }
        Optional<byte[]> ip = IpPrefix.parseAddress(originatorIp);
        return ip.isPresent()
                && ipv4.stream().anyMatch(c -> IpPrefix.parse(c, false).contains(ip.get()));
    }
}
