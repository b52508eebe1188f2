package io.citadel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each acco element: matching, not matching, not evaluable. */
class AccessContextTest {
    private static final OriginatorIds IDS = new OriginatorIds("/id-in", "//sp.example");
    // Wednesday 2026-11-25 10:30:15 UTC
    private static final Instant WED_1030 = Instant.parse("2026-11-25T10:30:15Z");

    private static boolean permits(Map<String, Object> acco, String peer, Instant when, LocationSource where) {
        List<AccessControlRule> rules = AccessControlRule.parseSet(
                Map.of("acr", List.of(Map.of("acor", List.of("Cx"), "acop", 2L, "acco", List.of(acco)))), IDS);
        AccessDecider decider = new AccessDecider("/id-in/CAdmin", "//sp.example", where, GroupMembership.NONE);
        AccessRequest r = new AccessRequest("/id-in/Cx", false, 2, null, null, 3, Set.of(), peer, when, Set.of());
        return decider.decide(r, new GoverningPolicy.Rules(List.of(new GoverningPolicy.NamedRules("acp", rules))))
                .permitted();
    }

    private static boolean permits(Map<String, Object> acco, String peer, Instant when) {
        return permits(acco, peer, when, LocationSource.UNKNOWN);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "* * 8-18 * * 1-5 *        | true",
                "* * 8-18 * * 1,2 *        | false",
                "* * 11-18 * * * *         | false",
                "* 30 10 25 11 3 2026      | true",
                "* 30 10 25 11 * 2027      | false",
                "*/15 * * * * * *          | true",
                "0-14 * * * * * *          | false",
                "* * * * * 0,6 *           | false",
                "* * 0-23/2 * * * *        | true",
                "* * 1-23/2 * * * *        | false"
            })
    void time_windows_are_utc_seven_field_expressions(String window, boolean expected) {
        assertThat(permits(Map.of("actw", List.of(window.trim())), "10.0.0.1", WED_1030))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "* * * * *",
                "* * 25 * * * *",
                "* * * * 13 * *",
                "a * * * * * *",
                "* * 5-3 * * * *",
                "* * * * * 8 *",
                "* * */0 * * * *"
            })
    void malformed_time_windows_are_defects(String window) {
        assertThatThrownBy(() -> ScheduleExpression.parse(window)).isInstanceOf(IllegalArgumentException.class);
        assertThat(permits(Map.of("actw", List.of(window)), "10.0.0.1", WED_1030))
                .isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ipv4 | 10.0.0.0/8      | 10.1.2.3        | true",
                "ipv4 | 10.0.0.0/8      | 11.1.2.3        | false",
                "ipv4 | 192.0.2.7       | 192.0.2.7       | true",
                "ipv4 | 192.0.2.7       | 192.0.2.8       | false",
                "ipv4 | 0.0.0.0/0       | 203.0.113.9     | true",
                "ipv4 | 10.0.0.0/8      | ::ffff:10.0.0.1 | true",
                "ipv4 | 10.0.0.0/8      | 2001:db8::1     | false",
                "ipv6 | 2001:db8::/32   | 2001:db8:1::5   | true",
                "ipv6 | 2001:db8::/32   | 2001:db9::5     | false",
                "ipv6 | ::1/128         | [::1]           | true",
                "ipv6 | 2001:db8::/32   | 10.0.0.1        | false",
                "ipv4 | 10.0.0.0/8      | unknown-host    | false",
                "ipv4 | 10.0.0.0/8      | ''              | false"
            })
    void ip_ranges_match_the_transport_peer(String family, String prefix, String peer, boolean expected) {
        assertThat(permits(Map.of("acip", Map.of(family, List.of(prefix))), peer.isEmpty() ? null : peer, WED_1030))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ipv4 | 10.0.0.0/33", "ipv4 | 10.0.0.1/8", "ipv4 | 300.0.0.0/8", "ipv4 | example.com",
                "ipv4 | 2001:db8::/32", "ipv6 | 10.0.0.0/8", "ipv6 | 2001:db8::/129", "ipv6 | localhost"
            })
    void malformed_prefixes_are_refused(String family, String prefix) {
        assertThatThrownBy(() -> IpPrefix.parse(prefix, family.equals("ipv6")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(permits(Map.of("acip", Map.of(family, List.of(prefix))), "10.0.0.1", WED_1030))
                .isFalse();
    }

    @Test
    void location_circle_and_countries() {
        LocationSource berlin = (o, p) -> Optional.of(new GeoLocation(52.52, 13.405, "DE"));
        LocationSource countryOnly = (o, p) -> Optional.of(new GeoLocation(null, null, "FR"));
        Map<String, Object> nearBerlin = Map.of("aclr", Map.of("accr", List.of(52.5, 13.4, 5000)));
        Map<String, Object> nearParis = Map.of("aclr", Map.of("accr", List.of(48.85, 2.35, 50_000)));
        Map<String, Object> germany = Map.of("aclr", Map.of("accc", List.of("de", "AT")));
        assertThat(permits(nearBerlin, "10.0.0.1", WED_1030, berlin)).isTrue();
        assertThat(permits(nearParis, "10.0.0.1", WED_1030, berlin)).isFalse();
        assertThat(permits(germany, "10.0.0.1", WED_1030, berlin)).isTrue();
        assertThat(permits(germany, "10.0.0.1", WED_1030, countryOnly)).isFalse();
        // not evaluable: no coordinates, unknown location, failing source
        assertThat(permits(nearParis, "10.0.0.1", WED_1030, countryOnly)).isFalse();
        assertThat(permits(germany, "10.0.0.1", WED_1030, LocationSource.UNKNOWN))
                .isFalse();
        assertThat(permits(germany, "10.0.0.1", WED_1030, (o, p) -> {
                    throw new IllegalStateException("location service down");
                }))
                .isFalse();
        assertThat(permits(Map.of("aclr", Map.of("accr", List.of(91, 0, 10))), "10.0.0.1", WED_1030, berlin))
                .isFalse();
        assertThat(permits(Map.of("aclr", Map.of("accc", List.of("DEU"))), "10.0.0.1", WED_1030, berlin))
                .isFalse();
    }

    @Test
    void all_elements_of_one_context_must_hold_and_any_context_may() {
        Map<String, Object> officeHoursFromLan =
                Map.of("actw", List.of("* * 8-18 * * 1-5 *"), "acip", Map.of("ipv4", List.of("10.0.0.0/8")));
        assertThat(permits(officeHoursFromLan, "10.0.0.1", WED_1030)).isTrue();
        assertThat(permits(officeHoursFromLan, "192.0.2.1", WED_1030)).isFalse();
        assertThat(permits(officeHoursFromLan, "10.0.0.1", Instant.parse("2026-11-28T10:00:00Z")))
                .isFalse();
        List<AccessControlRule> rules = AccessControlRule.parseSet(
                Map.of(
                        "acr",
                        List.of(Map.of(
                                "acor",
                                List.of("Cx"),
                                "acop",
                                2L,
                                "acco",
                                List.of(
                                        Map.of("acip", Map.of("ipv4", List.of("10.0.0.0/8"))),
                                        Map.of("acip", Map.of("ipv4", List.of("192.0.2.0/24"))))))),
                IDS);
        AccessDecider decider = new AccessDecider("/id-in/CAdmin");
        AccessRequest r =
                new AccessRequest("/id-in/Cx", false, 2, null, null, 3, Set.of(), "192.0.2.1", WED_1030, Set.of());
        assertThat(decider.decide(r, new GoverningPolicy.Rules(List.of(new GoverningPolicy.NamedRules("a", rules))))
                        .permitted())
                .isTrue();
    }
}
