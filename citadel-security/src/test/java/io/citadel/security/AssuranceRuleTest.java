package io.citadel.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.credentials.LevelOfAssurance;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code loa} context element: a minimum level of assurance, which an unknown level never meets. */
class AssuranceRuleTest {
    private final OriginatorIds ids = new OriginatorIds("/id-in", "//sp.example");
    private final AccessDecider decider = new AccessDecider("/id-in/CAdmin");

    private static AccessRequest at(LevelOfAssurance level) {
        return new AccessRequest(
                "/id-in/Cx",
                level != null,
                2,
                null,
                null,
                3,
                Set.of("cnt1"),
                "127.0.0.1",
                Instant.now(),
                Set.of(),
                null,
                level);
    }

    private List<AccessControlRule> rule(Object loa) {
        return AccessControlRule.parseSet(
                Map.of("acr", List.of(Map.of("acor", List.of("Cx"), "acop", 63L, "acco", List.of(Map.of("loa", loa))))),
                ids);
    }

    private boolean permits(List<AccessControlRule> rules, AccessRequest request) {
        return decider.decide(request, new GoverningPolicy.Rules(List.of(new GoverningPolicy.NamedRules("acp", rules))))
                .permitted();
    }

    @Test
    void levels_outside_one_to_four_and_other_types_make_the_rule_defective() {
        for (Object bad :
                Arrays.asList(0, 5, -3, 3.0, "3.0", "high", "", List.of(3), Map.of("min", 3), 1L << 33, true)) {
            List<AccessControlRule> rules = rule(bad);
            assertThat(AccessControlRule.firstDefect(rules)).as("loa %s", bad).isPresent();
            assertThat(AccessControlRule.firstDefect(rules).get()).contains("loa");
            assertThat(permits(rules, at(LevelOfAssurance.HARDWARE_KEY))).isFalse();
        }
    }

    @Test
    void an_unknown_level_never_meets_a_minimum_even_the_lowest() {
        assertThat(permits(rule(1), at(null))).isFalse();
        assertThat(permits(rule(3), at(null))).isFalse();
    }

    @Test
    void a_level_below_the_minimum_is_refused_and_one_at_or_above_it_is_permitted() {
        assertThat(permits(rule(3), at(LevelOfAssurance.ASSERTED))).isFalse();
        assertThat(permits(rule(3), at(LevelOfAssurance.SHARED_KEY))).isFalse();
        assertThat(permits(rule(3), at(LevelOfAssurance.CERTIFIED))).isTrue();
        assertThat(permits(rule(3), at(LevelOfAssurance.HARDWARE_KEY))).isTrue();
        assertThat(permits(rule(1), at(LevelOfAssurance.ASSERTED))).isTrue();
        assertThat(permits(rule("4"), at(LevelOfAssurance.CERTIFIED)))
                .as("XML carries the level as text")
                .isFalse();
        assertThat(permits(rule("4"), at(LevelOfAssurance.HARDWARE_KEY))).isTrue();
    }

    @Test
    void the_level_holds_together_with_the_other_context_elements() {
        List<AccessControlRule> rules = AccessControlRule.parseSet(
                Map.of(
                        "acr",
                        List.of(Map.of(
                                "acor",
                                List.of("Cx"),
                                "acop",
                                2L,
                                "acco",
                                List.of(Map.of("loa", 2, "acip", Map.of("ipv4", List.of("10.0.0.0/8"))))))),
                ids);
        assertThat(permits(rules, at(LevelOfAssurance.CERTIFIED)))
                .as("outside the prefix")
                .isFalse();
        AccessRequest inside = new AccessRequest(
                "/id-in/Cx",
                true,
                2,
                null,
                null,
                3,
                Set.of(),
                "10.1.2.3",
                Instant.now(),
                Set.of(),
                null,
                LevelOfAssurance.SHARED_KEY);
        assertThat(permits(rules, inside)).isTrue();
    }

    @Test
    void a_token_rule_that_asks_for_a_level_is_held_to_it_too() {
        AccessToken token = new AccessToken(
                "tk1",
                "//sp.example/das",
                "/id-in/Cx",
                Instant.now().minusSeconds(5),
                Instant.now().plusSeconds(60),
                List.of("/id-in"),
                List.of(new TokenPermission(Set.of("cnt1"), rule(3), Set.of())));
        GoverningPolicy nothing = new GoverningPolicy.Rules(List.of());
        assertThat(decider.decide(at(LevelOfAssurance.SHARED_KEY), nothing, List.of(token))
                        .permitted())
                .isFalse();
        assertThat(decider.decide(at(LevelOfAssurance.CERTIFIED), nothing, List.of(token))
                        .permitted())
                .isTrue();
    }
}
