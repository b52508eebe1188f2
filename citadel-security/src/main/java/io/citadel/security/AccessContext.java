package io.citadel.security;

import io.citadel.credentials.LevelOfAssurance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One {@code acco} entry: the circumstances under which a rule applies. Each element that is present must
 * hold; an absent element does not restrict (TS-0003 §7.1.5, as ACME reads it).
 *
 * @param windows {@code actw}: the request time must fall into one of them (empty = no restriction)
 * @param ipPrefixes {@code acip}: the transport peer address must be inside one (null = no restriction)
 * @param region {@code aclr}: the originator location must be inside it (null = no restriction)
 * @param minimumAssurance {@code loa}, a Citadel extension: the originator's level of assurance (TR-0008 §9.1.1)
 *     must be at least this one (null = no restriction); a request whose level is unknown never meets it
 */
public record AccessContext(
        List<ScheduleExpression> windows,
        List<IpPrefix> ipPrefixes,
        LocationRegion region,
        LevelOfAssurance minimumAssurance) {
    private static final Set<String> MEMBERS = Set.of("actw", "acip", "aclr", "loa");

    public AccessContext(List<ScheduleExpression> windows, List<IpPrefix> ipPrefixes, LocationRegion region) {
        this(windows, ipPrefixes, region, null);
    }

    /** Parses one validated acco entry; throws {@link IllegalArgumentException} naming what is wrong. */
    static AccessContext parse(Map<?, ?> acco) {
        if (!MEMBERS.containsAll(acco.keySet())) {
            throw new IllegalArgumentException("acco may hold only actw, acip, aclr and loa; got " + acco.keySet());
        }
        if (acco.isEmpty()) {
            throw new IllegalArgumentException("an acco entry must restrict something (actw, acip, aclr or loa)");
        }
        List<ScheduleExpression> windows = new ArrayList<>();
        if (acco.containsKey("actw")) {
            for (Object w : asList(acco.get("actw"), "actw")) {
                if (!(w instanceof String s)) {
                    throw new IllegalArgumentException("actw entries must be strings");
                }
                windows.add(ScheduleExpression.parse(s));
            }
        }
        List<IpPrefix> prefixes = null;
        if (acco.containsKey("acip")) {
            if (!(acco.get("acip") instanceof Map<?, ?> acip)
                    || acip.isEmpty()
                    || !Set.of("ipv4", "ipv6").containsAll(acip.keySet())) {
                throw new IllegalArgumentException("acip must be {\"ipv4\":[CIDR...], \"ipv6\":[prefix...]}");
            }
            prefixes = new ArrayList<>();
            for (String family : List.of("ipv4", "ipv6")) {
                if (acip.containsKey(family)) {
                    for (Object p : asList(acip.get(family), "acip." + family)) {
                        if (!(p instanceof String s)) {
                            throw new IllegalArgumentException("acip." + family + " entries must be strings");
                        }
                        prefixes.add(IpPrefix.parse(s, family.equals("ipv6")));
                    }
                }
            }
            prefixes = List.copyOf(prefixes);
        }
        LocationRegion region = acco.containsKey("aclr") ? LocationRegion.parse(acco.get("aclr")) : null;
        LevelOfAssurance minimum = acco.containsKey("loa") ? level(acco.get("loa")) : null;
        return new AccessContext(List.copyOf(windows), prefixes, region, minimum);
    }

    /** {@code loa}: 1 to 4, as a number or (XML) its digits. */
    private static LevelOfAssurance level(Object v) {
        Optional<LevelOfAssurance> level = Optional.empty();
        if ((v instanceof Integer || v instanceof Long || v instanceof Short)
                && Math.abs(((Number) v).longValue()) <= 4) {
            level = LevelOfAssurance.of(((Number) v).intValue());
        } else if (v instanceof String s && s.matches("[1-4]")) {
            level = LevelOfAssurance.of(Integer.parseInt(s));
        }
        return level.orElseThrow(() -> new IllegalArgumentException("loa must be a level of assurance from 1 to 4"));
    }

    private static List<?> asList(Object v, String name) {
        if (v instanceof String) {
            return List.of(v); // XML carries a one-element list as a plain value
        }
        if (!(v instanceof List<?> l) || l.isEmpty() || l.size() > 256) {
            throw new IllegalArgumentException(name + " must be a non-empty list");
        }
        return l;
    }

    /** True if every element present holds; unknown peer address, location or level of assurance makes it FALSE. */
    boolean holds(AccessRequest request, Supplier<Optional<GeoLocation>> location) {
        if (minimumAssurance != null
                && (request.assurance() == null || !request.assurance().satisfies(minimumAssurance))) {
            return false;
        }
        if (!windows.isEmpty() && (request.time() == null || !ScheduleExpression.anyMatches(windows, request.time()))) {
            return false;
        }
        if (ipPrefixes != null) {
            Optional<byte[]> peer = IpPrefix.parseAddress(request.peerAddress());
            if (peer.isEmpty() || ipPrefixes.stream().noneMatch(p -> p.contains(peer.get()))) {
                return false;
            }
        }
        if (region != null) {
            Optional<GeoLocation> where = location.get();
            return where.isPresent() && region.contains(where.get());
        }
        return true;
    }
}
