package io.citadel.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessDeciderTest {
    private final OriginatorIds ids = new OriginatorIds("/id-in", "//sp.example");
    private final AccessDecider decider = new AccessDecider("/id-in/CAdmin");

    private AccessRequest request(String originator, int op) {
        return AccessRequest.of(ids.normalize(originator), false, op, null, 3, "127.0.0.1", Instant.now());
    }

    private GoverningPolicy rules(Map<String, Object> setOfAcrs) {
        return new GoverningPolicy.Rules(
                List.of(new GoverningPolicy.NamedRules("acp1", AccessControlRule.parseSet(setOfAcrs, ids))));
    }

    @Test
    void nothing_applies_means_deny() {
        assertThat(decider.decide(request("Cx", 2), new GoverningPolicy.Rules(List.of()))
                        .permitted())
                .isFalse();
        assertThat(decider.decide(request("Cx", 2), rules(Map.of())).permitted())
                .isFalse();
        assertThat(decider.decide(request("Cx", 2), rules(Map.of("acr", "garbage")))
                        .permitted())
                .isFalse();
    }

    @Test
    void operation_bits_are_exact() {
        GoverningPolicy p = rules(Map.of("acr", List.of(Map.of("acor", List.of("Cx"), "acop", 2L))));
        assertThat(decider.decide(request("Cx", 2), p).permitted()).isTrue();
        assertThat(decider.decide(request("Cx", 1), p).permitted()).isFalse();
        assertThat(decider.decide(request("Cx", 32), p).permitted()).isFalse();
        assertThat(decider.decide(request("/id-in/Cx", 2), p).permitted()).isTrue();
        assertThat(decider.decide(request("//sp.example/id-in/Cx", 2), p).permitted())
                .isTrue();
        assertThat(decider.decide(request("//other.example/id-in/Cx", 2), p).permitted())
                .isFalse();
    }

    @Test
    void all_matches_any_originator_but_not_a_missing_one() {
        GoverningPolicy p = rules(Map.of("acr", List.of(Map.of("acor", List.of("all"), "acop", 2L))));
        assertThat(decider.decide(request("Canyone", 2), p).permitted()).isTrue();
        assertThat(decider.decide(request("", 2), p).permitted()).isFalse();
    }

    @Test
    void authentication_flag_needs_an_authenticated_originator() {
        GoverningPolicy p = rules(Map.of("acr", List.of(Map.of("acor", List.of("Cx"), "acop", 63L, "acaf", true))));
        assertThat(decider.decide(request("Cx", 2), p).permitted()).isFalse();
        AccessRequest authenticated = AccessRequest.of("/id-in/Cx", true, 2, null, 3, "127.0.0.1", Instant.now());
        assertThat(decider.decide(authenticated, p).permitted()).isTrue();
    }

    @Test
    void defective_contexts_fail_closed() {
        GoverningPolicy p = rules(Map.of(
                "acr",
                List.of(Map.of(
                        "acor",
                        List.of("Cx"),
                        "acop",
                        63L,
                        "acco",
                        List.of(Map.of("acip", Map.of("ipv4", List.of("127.0.0.0/33"))))))));
        assertThat(decider.decide(request("Cx", 2), p).permitted()).isFalse();
        GoverningPolicy unknownMember = rules(Map.of(
                "acr",
                List.of(Map.of("acor", List.of("Cx"), "acop", 63L, "acco", List.of(Map.of("acui", List.of("u1")))))));
        assertThat(decider.decide(request("Cx", 2), unknownMember).permitted()).isFalse();
    }

    @Test
    void creator_only_and_administrator() {
        assertThat(decider.decide(request("Cx", 8), new GoverningPolicy.CreatorOnly("/id-in/Cx"))
                        .permitted())
                .isTrue();
        assertThat(decider.decide(request("Cy", 8), new GoverningPolicy.CreatorOnly("/id-in/Cx"))
                        .permitted())
                .isFalse();
        assertThat(decider.decide(request("Cy", 8), new GoverningPolicy.CreatorOnly(null))
                        .permitted())
                .isFalse();
        assertThat(decider.decide(request("CAdmin", 8), new GoverningPolicy.AdministratorOnly())
                        .permitted())
                .isTrue();
        assertThat(decider.decide(request("Cx", 2), new GoverningPolicy.CseBaseDefault(true))
                        .permitted())
                .isTrue();
        assertThat(decider.decide(request("Cx", 1), new GoverningPolicy.CseBaseDefault(true))
                        .permitted())
                .isFalse();
        assertThat(decider.decide(request("Cx", 2), new GoverningPolicy.CseBaseDefault(false))
                        .permitted())
                .isFalse();
    }

    @Test
    void object_details_restrict_created_types() {
        GoverningPolicy p = rules(Map.of(
                "acr",
                List.of(Map.of("acor", List.of("Cx"), "acop", 1L, "acod", List.of(Map.of("chty", List.of(4L)))))));
        assertThat(decider.decide(AccessRequest.of("/id-in/Cx", false, 1, 4, 3, null, Instant.now()), p)
                        .permitted())
                .isTrue();
        assertThat(decider.decide(AccessRequest.of("/id-in/Cx", false, 1, 3, 3, null, Instant.now()), p)
                        .permitted())
                .isFalse();
    }

    @Test
    void a_polling_channel_is_its_owners_alone_not_even_the_administrators() {
        GoverningPolicy owner = new GoverningPolicy.OwnerOnly("/id-in/Cowner", "polling channel");

        assertThat(decider.decide(request("Cother", 2), owner).permitted()).isFalse();
        assertThat(decider.decide(request("CAdmin", 2), owner).permitted()).isFalse();
        assertThat(decider.decide(request("Cother", 2), owner).reason())
                .isEqualTo("only /id-in/Cowner may use its polling channel");
        assertThat(decider.decide(request("Cowner", 2), owner).permitted()).isTrue();
    }

    @Test
    void a_cse_may_notify_without_a_policy_but_only_notify_and_anybody_else_needs_the_policy() {
        GoverningPolicy nothing = new GoverningPolicy.Rules(List.of());

        assertThat(decider.decide(request("Cae", 16), new GoverningPolicy.PeerCseNotify(false, nothing))
                        .permitted())
                .isFalse();
        assertThat(decider.decide(request("/id-mn", 2), new GoverningPolicy.PeerCseNotify(true, nothing))
                        .permitted())
                .isFalse();
        assertThat(decider.decide(request("/id-mn", 16), new GoverningPolicy.PeerCseNotify(true, nothing))
                        .permitted())
                .isTrue();
        GoverningPolicy granted = new GoverningPolicy.PeerCseNotify(
                false, rules(Map.of("acr", List.of(Map.of("acor", List.of("Cae"), "acop", 16L)))));
        assertThat(decider.decide(request("Cae", 16), granted).permitted()).isTrue();
    }
}
