package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.RequestPrimitive.Handling;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The validate stage refuses what is malformed before anything looks at a resource, and passes the rest on. */
class ValidateStageTest {
    private static final Instant NOW = Instant.now();
    private final StageFixture.Run run = new StageFixture.Run(new ValidateStage());

    private static RequestPrimitive.Builder retrieve() {
        return StageFixture.retrieve("Cae", "/id-in/cse-in");
    }

    private static RequestPrimitive.Builder create(Integer ty) {
        return RequestPrimitive.builder(Operation.CREATE, "/id-in/cse-in")
                .from("Cae")
                .requestId("rqi-1")
                .releaseVersion("3")
                .resourceType(ty)
                .content(Map.of("m2m:cnt", Map.of()));
    }

    private static Arguments refused(String why, RequestPrimitive.Builder request, ResponseStatusCode expected) {
        return Arguments.of(named(why, request.build()), expected);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                refused("missing rqi", retrieve().requestId(null), ResponseStatusCode.BAD_REQUEST),
                refused("empty rqi", retrieve().requestId(""), ResponseStatusCode.BAD_REQUEST),
                refused(
                        "rqi over 256 characters",
                        retrieve().requestId("r".repeat(257)),
                        ResponseStatusCode.BAD_REQUEST),
                refused(
                        "missing rvi (Release 1)",
                        retrieve().releaseVersion(null),
                        ResponseStatusCode.RELEASE_VERSION_NOT_SUPPORTED),
                refused(
                        "unsupported rvi",
                        retrieve().releaseVersion("9"),
                        ResponseStatusCode.RELEASE_VERSION_NOT_SUPPORTED),
                refused(
                        "rqet already past",
                        retrieve().requestExpiration(NOW.minusSeconds(1)),
                        ResponseStatusCode.REQUEST_TIMEOUT),
                refused(
                        "rset already past",
                        retrieve().handling(new Handling(NOW.minusSeconds(1), null, null)),
                        ResponseStatusCode.REQUEST_TIMEOUT),
                refused(
                        "rset before rqet",
                        retrieve()
                                .requestExpiration(NOW.plusSeconds(60))
                                .handling(new Handling(NOW.plusSeconds(30), null, null)),
                        ResponseStatusCode.BAD_REQUEST),
                refused(
                        "oet after rqet",
                        retrieve()
                                .requestExpiration(NOW.plusSeconds(10))
                                .handling(new Handling(null, NOW.plusSeconds(20), null)),
                        ResponseStatusCode.BAD_REQUEST),
                refused(
                        "oet more than 30 s ahead",
                        retrieve().handling(new Handling(null, NOW.plusSeconds(120), null)),
                        ResponseStatusCode.NOT_IMPLEMENTED),
                refused(
                        "ec out of range",
                        retrieve().handling(new Handling(null, null, 5)),
                        ResponseStatusCode.BAD_REQUEST),
                refused("missing From", retrieve().from(null), ResponseStatusCode.BAD_REQUEST),
                refused("From with a space", retrieve().from("C ae"), ResponseStatusCode.BAD_REQUEST),
                refused("CREATE without ty", create(null), ResponseStatusCode.BAD_REQUEST),
                refused(
                        "ty outside CREATE",
                        retrieve().resourceType(ResourceType.CONTAINER.code()),
                        ResponseStatusCode.BAD_REQUEST),
                refused("unknown rcn", retrieve().resultContent(42), ResponseStatusCode.BAD_REQUEST),
                refused(
                        "rcn 7 (original resource) in CREATE",
                        create(ResourceType.CONTAINER.code()).resultContent(7),
                        ResponseStatusCode.BAD_REQUEST),
                refused("rcn 0 (nothing) in RETRIEVE", retrieve().resultContent(0), ResponseStatusCode.BAD_REQUEST));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refuses_a_malformed_request_with_its_status_and_nothing_behind_it_runs(
            RequestPrimitive request, ResponseStatusCode expected) {
        ResponsePrimitive response = run.handle(request);

        assertThat(response.status()).isEqualTo(expected);
        assertThat(response.content())
                .isInstanceOfSatisfying(Map.class, c -> assertThat(c).containsOnlyKeys("m2m:dbg"));
        assertThat(run.reached).isEmpty();
    }

    @Test
    void a_refusal_keeps_the_request_identifier_and_release_version() {
        ResponsePrimitive response = run.handle(retrieve()
                .requestId("keep-me")
                .releaseVersion("4")
                .resultContent(42)
                .build());

        assertThat(response.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(response.requestId()).isEqualTo("keep-me");
        assertThat(response.releaseVersion()).isEqualTo("4");
    }

    @Test
    void lets_a_valid_request_through_unchanged() {
        RequestPrimitive request = retrieve()
                .resultContent(4)
                .requestExpiration(NOW.plusSeconds(60))
                .handling(new Handling(NOW.plusSeconds(90), NOW.plusSeconds(5), 3))
                .build();

        ResponsePrimitive response = run.handle(request);

        assertThat(response.status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(run.reached)
                .singleElement()
                .satisfies(e -> assertThat(e.request()).isSameAs(request));
    }

    @Test
    void lets_an_ae_registration_without_from_through() {
        RequestPrimitive register = RequestPrimitive.builder(Operation.CREATE, "/id-in/cse-in")
                .requestId("reg")
                .releaseVersion("3")
                .resourceType(ResourceType.AE.code())
                .content(Map.of("m2m:ae", Map.of()))
                .build();

        assertThat(run.handle(register).status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(run.reached).hasSize(1);
    }

    @Test
    void lets_every_supported_release_and_a_user_defined_event_category_through() {
        for (String rvi : new String[] {"2a", "3", "4", "5"}) {
            assertThat(run.handle(retrieve()
                                    .releaseVersion(rvi)
                                    .handling(new Handling(null, null, 100))
                                    .build())
                            .status())
                    .as("rvi %s", rvi)
                    .isEqualTo(ResponseStatusCode.OK);
        }
        assertThat(run.reached).hasSize(4);
    }
}
