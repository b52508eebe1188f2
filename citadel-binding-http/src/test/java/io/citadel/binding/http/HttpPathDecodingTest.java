package io.citadel.binding.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The request path → {@code To} (TS-0009 §6.2.1): encoded separators and empty targets refused with 4000, the path
 * percent-decoded as a path (RFC 3986: a {@code +} is itself, not a space as in a form-encoded query).
 */
class HttpPathDecodingTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "", "/cse-in%2Fae1", "/cse-in%2fae1", "/cse-in%5Cae1", "/cse-in%00", "cse-in"})
    void refuses_encoded_separators_and_paths_naming_no_target_with_4000(String rawPath) {
        OneM2mException e = catchThrowableOfType(OneM2mException.class, () -> HttpRequestDecoder.toParameter(rawPath));
        assertThat(e).as(rawPath).isNotNull();
        assertThat(e.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
    }

    @ParameterizedTest
    @CsvSource({
        "/cse-in/ae1, cse-in/ae1",
        "/~/id-in/cse-in, /id-in/cse-in",
        "/_/sp.example/id-in/cse-in, //sp.example/id-in/cse-in",
        "/cse-in/a%20b, cse-in/a b",
        "/cse-in/gr%C3%B6%C3%9Fe, cse-in/größe",
        "/cse-in/a+b, cse-in/a+b",
        "/cse-in/a%2Bb, cse-in/a+b",
    })
    void maps_and_percent_decodes_the_path(String rawPath, String to) {
        assertThat(HttpRequestDecoder.toParameter(rawPath)).isEqualTo(to);
    }
}
