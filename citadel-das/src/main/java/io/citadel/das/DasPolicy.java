package io.citadel.das;

import io.citadel.security.IpPrefix;
import io.citadel.security.WildcardMatcher;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One DAS rule: which originators may do which operations on which targets, from where, for how long, and
 * whether the grant is returned as privileges ({@code dai}), a token, or both.
 *
 * @param originator pattern on the absolute originator ID ({@code *} never crosses {@code /})
 * @param target pattern on the targeted resource ID ({@code trid}, SP-relative)
 * @param operations acop-style bitmask (1 C, 2 R, 4 U, 8 D, 16 N, 32 discovery)
 * @param ipv4 CIDR blocks the originator's address must be in (empty = anywhere)
 * @param minAssurance the level of assurance (TR-0008 §9.1.1, 1 to 4) the originator must have been authenticated
 *     with, or null for none. The grant carries it as an {@code acco} {@code loa} element, so the hosting CSE, which
 *     alone knows the level, enforces it whoever asked for the grant; a level the consultation states below it
 *     matches no grant at all
 */
public record DasPolicy(
        String id,
        String originator,
        String target,
        int operations,
        Duration lifetime,
        Grant grant,
        List<String> ipv4,
        Integer minAssurance) {

    /** A policy that asks for no particular level of assurance. */
    public DasPolicy(
            String id,
            String originator,
            String target,
            int operations,
            Duration lifetime,
            Grant grant,
            List<String> ipv4) {
        this(id, originator, target, operations, lifetime, grant, ipv4, null);
    }

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
        if (minAssurance != null && (minAssurance < 1 || minAssurance > 4)) {
            throw new IllegalArgumentException("a minimum level of assurance is 1 to 4");
        }
    }

    /**
     * The access control rule this policy grants {@code holder} (for {@code dai} privileges and token permissions):
     * its operations, and its minimum level of assurance as an {@code acco} element.
     */
    Map<String, Object> grantedRule(String holder) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("acor", List.of(holder));
        rule.put("acop", operations);
        if (minAssurance != null) {
            rule.put("acco", List.of(Map.of("loa", minAssurance)));
        }
        return rule;
    }

    /**
     * @param statedAssurance the level the consulting CSE stated ({@code loa}, a Citadel extension), or null: only
     *     ever used to refuse, never to grant, since whoever relays the consultation could state any level
     */
    boolean matches(
            String originatorId, String targetId, int operationBit, String originatorIp, Integer statedAssurance) {
        if (minAssurance != null && statedAssurance != null && statedAssurance < minAssurance) {
            return false;
        }
        return matches(originatorId, targetId, operationBit, originatorIp);
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
