package io.citadel.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WildcardMatcherTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "/id-in/C*, /id-in/Cabc, true",
        "/id-in/C*, /id-in/C, true",
        "/id-in/C*, /id-in/Cabc/x, false",
        "C*, /cse/C1/x, false",
        "/*/C1, /cse/C1, true",
        "/*/C1, /a/b/C1, false",
        "//*/myCSE*, //sp.example/myCSE7, true",
        "//*/myCSE*, //sp.example/x/myCSE7, false",
        "/id-in/C.*, /id-in/Cabc, false",
        "/id-in/C.*, /id-in/C.anything, true",
        "/id-in/C[a-z]+, /id-in/Cabc, false",
        "abc, abc, true",
        "abc, abcd, false",
        "a*c, abbbc, true",
        "a*c, ab/c, false",
        "**, x, true",
        "*, '', true",
        "'', x, false",
    })
    void star_matches_any_run_except_slash_and_nothing_else_is_special(String pattern, String value, boolean expected) {
        assertThat(WildcardMatcher.matches(pattern, value)).isEqualTo(expected);
    }
}
