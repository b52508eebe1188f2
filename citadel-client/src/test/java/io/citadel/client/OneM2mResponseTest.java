package io.citadel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the body of a response as received: a malformed one is named as such, never a ClassCastException. */
class OneM2mResponseTest {

    private static OneM2mResponse json(String body) {
        return new OneM2mResponse(
                200, 2000, Map.of("Content-Type", List.of("application/json")), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_body_that_does_not_parse_is_a_malformed_response() {
        assertThatThrownBy(() -> json("{\"m2m:cnt\": ").content())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("malformed oneM2M response: the body is not JSON");
    }

    @Test
    void a_body_that_is_no_object_is_a_malformed_response() {
        assertThatThrownBy(() -> json("[1, 2]").content())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the body is not an object: [1, 2]");
    }

    @Test
    void an_empty_body_is_an_empty_content_and_an_object_is_read() {
        assertThat(new OneM2mResponse(200, 2000, Map.of(), new byte[0]).content())
                .isEmpty();
        assertThat(json("{\"m2m:cnt\":{\"cni\":2}}").resource("m2m:cnt")).containsKey("cni");
    }
}
