package io.citadel.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each acor kind, and the acod restrictions. */
class OriginatorKindsTest {
    private static final OriginatorIds IDS = new OriginatorIds("/id-in", "//sp.example");
    private static final GroupMembership GROUPS =
            (entry, originator) -> entry.equals("/id-in/grp1") && originator.equals("/id-in/Cmember");
    private static final AccessDecider DECIDER =
            new AccessDecider("/id-in/CAdmin", "//sp.example", LocationSource.UNKNOWN, GROUPS);

    private static boolean permits(String acor, String originator, Set<String> roles) {
        List<AccessControlRule> rules =
                AccessControlRule.parseSet(Map.of("acr", List.of(Map.of("acor", List.of(acor), "acop", 2L))), IDS);
        AccessRequest r = new AccessRequest(
                IDS.normalize(originator), false, 2, null, null, 3, Set.of(), "10.0.0.1", Instant.now(), roles);
        return DECIDER.decide(r, new GoverningPolicy.Rules(List.of(new GoverningPolicy.NamedRules("acp", rules))))
                .permitted();
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "all                       | Canything                    | true",
                "//sp.example              | Cx                           | true",
                "//sp.example              | /id-mn/Cy                    | true",
                "//sp.example              | //other.example/id-in/Cx     | false",
                "//other.example           | //other.example/id-x/Cz      | true",
                "//other.example           | Cx                           | false",
                "//other.example           | //other.example.evil/id/Cz   | false",
                "/id-mn                    | /id-mn                       | true",
                "/id-mn                    | /id-mn/Cx                    | false",
                "//sp.example/id-mn        | /id-mn                       | true",
                "Cx                        | //sp.example/id-in/Cx        | true",
                "Cx                        | Cxy                          | false",
                "C*                        | Cabc                         | true",
                "C*                        | /id-in/Cabc                  | true",
                "C*                        | /id-mn/Cabc                  | false",
                "/id-in/C*                 | /id-in/C1/x                  | false",
                "/*/C1                     | /id-mn/C1                    | true",
                "/*/C1                     | /id-mn/x/C1                  | false",
                "//*/id-in/C1              | //evil.example/id-in/C1      | true",
                "/SmyAE*                   | SmyAE-7                      | true",
                "/SmyAE*                   | CmyAE-7                      | false",
                "grp1                      | Cmember                      | true",
                "grp1                      | Cstranger                    | false",
                "reader@das.example        | Cx                           | false",
                "*                         | Cx                           | true",
                "*                         | /id-mn/Cx                    | false"
            })
    void acor_kinds(String acor, String originator, boolean expected) {
        assertThat(permits(acor, originator, Set.of())).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "reader@das.example | reader@das.example | true",
                "reader@das.example | writer@das.example | false",
                "reader@das.example | reader@das.example.evil | false"
            })
    void role_ids_match_held_roles_exactly(String acor, String role, boolean expected) {
        assertThat(permits(acor, "Cx", Set.of(role))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "'{\"chty\":[4]}'                          | 4  |     | 3  | true",
                "'{\"chty\":[4]}'                          | 3  |     | 3  | false",
                "'{\"ty\":2,\"chty\":[3]}'                 | 3  |     | 3  | false",
                "'{\"ty\":3,\"chty\":[3,4]}'               | 3  |     | 3  | true",
                "'{\"ty\":28,\"spty\":\"org.x\",\"chty\":[28]}' | 28 | org.x | 28 | true",
                "'{\"ty\":28,\"spty\":\"org.x\",\"chty\":[28]}' | 28 | org.y | 28 | false",
                "'{\"ty\":28,\"spty\":\"org.x\",\"chty\":[28]}' | 28 |       | 28 | false",
                "'{\"ty\":3,\"spty\":\"org.x\",\"chty\":[4]}'   | 4  |       | 3  | false",
                "'{\"ty\":14,\"spty\":1022,\"chty\":[13]}'    | 13 | 1022  | 14 | true",
                "'{\"ty\":14,\"spty\":\"1022\",\"chty\":[13]}'  | 13 | 1022  | 14 | true",
                "'{\"spty\":1022,\"chty\":[13]}'            | 13 | 1022  | 14 | true",
                "'{\"spty\":1022,\"chty\":[13]}'            | 13 | 1001  | 14 | false",
                "'{\"spty\":1022,\"chty\":[13]}'            | 13 |       | 14 | false",
                "'{\"ty\":14,\"spty\":1022,\"chty\":[13,23]}' | 13 | 1022  | 14 | false",
                "'{\"ty\":14,\"spty\":-1,\"chty\":[13]}'      | 13 | -1    | 14 | false",
                "'{\"chty\":[]}'                           | 4  |     | 3  | false",
                "'{\"ty\":3}'                              | 4  |     | 3  | false"
            })
    void object_details(String acod, int created, String spty, int parentType, boolean expected) throws Exception {
        Object detail = new com.fasterxml.jackson.databind.ObjectMapper().readValue(acod, Map.class);
        List<AccessControlRule> rules = AccessControlRule.parseSet(
                Map.of("acr", List.of(Map.of("acor", List.of("Cx"), "acop", 1L, "acod", List.of(detail)))), IDS);
        AccessRequest r = new AccessRequest(
                "/id-in/Cx", false, 1, created, spty, parentType, Set.of(), null, Instant.now(), Set.of());
        assertThat(DECIDER.decide(r, new GoverningPolicy.Rules(List.of(new GoverningPolicy.NamedRules("acp", rules))))
                        .permitted())
                .isEqualTo(expected);
    }
}
