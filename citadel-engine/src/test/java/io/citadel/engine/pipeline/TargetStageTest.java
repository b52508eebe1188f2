package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.engine.resources.Addressing;
import io.citadel.engine.resources.Target;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The target stage resolves {@code To} to a resource of this CSE for the stages behind it (4004 when none). */
class TargetStageTest {
    private final StageFixture fixture = new StageFixture();
    private final StageFixture.Run run =
            new StageFixture.Run(new TargetStage(new Addressing(StageFixture.SETTINGS, fixture.repository)));

    @BeforeEach
    void container() {
        fixture.insert(ResourceType.CONTAINER, "box", Map.of("lbl", List.of("test")));
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private ResponsePrimitive to(String to) {
        return run.handle(StageFixture.retrieve(StageFixture.ADMIN, to).build());
    }

    private Target resolved() {
        assertThat(run.reached).hasSize(1);
        return run.reached.get(0).get(TargetStage.TARGET);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "cse-in/nothing",
                "/id-in/nothing",
                "nothing",
                "cse-in/box/nothing",
                "/id-mn/cse-mn",
                "//other.example/id-in/cse-in"
            })
    void refuses_a_target_that_is_not_here_with_4004(String to) {
        assertThat(to(to).status()).isEqualTo(ResponseStatusCode.NOT_FOUND);
        assertThat(run.reached).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cse-in/../box", "cse-in//box", "cse-in/box#1x", "cse-in/b%6Fx"})
    void refuses_a_malformed_target_with_4000(String to) {
        assertThat(to(to).status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(run.reached).isEmpty();
    }

    @Test
    void resolves_the_cse_base_by_name_by_dash_and_by_cse_id() {
        for (String to : new String[] {"cse-in", "-", "/id-in", "//citadel.example/id-in"}) {
            run.reached.clear();
            assertThat(to(to).status()).as(to).isEqualTo(ResponseStatusCode.OK);
            assertThat(resolved().resource().type()).as(to).isEqualTo(ResourceType.CSE_BASE);
        }
    }

    @Test
    void resolves_a_resource_structured_unstructured_and_absolute_to_the_same_one() {
        for (String to : new String[] {
            "cse-in/box", "-/box", "box", "/id-in/box", "/id-in/cse-in/box", "//citadel.example/id-in/cse-in/box"
        }) {
            run.reached.clear();
            assertThat(to(to).status()).as(to).isEqualTo(ResponseStatusCode.OK);
            Target target = resolved();
            assertThat(target.resource().ri()).as(to).isEqualTo("box");
            assertThat(target.virtual()).isEqualTo(Target.Virtual.NONE);
            assertThat(target.attribute()).isNull();
        }
    }

    @Test
    void resolves_the_latest_and_oldest_of_a_container_and_a_single_attribute() {
        to("cse-in/box/la");
        assertThat(resolved().virtual()).isEqualTo(Target.Virtual.LATEST);
        run.reached.clear();
        to("cse-in/box/ol");
        assertThat(resolved().virtual()).isEqualTo(Target.Virtual.OLDEST);
        run.reached.clear();
        to("cse-in/box#lbl");
        assertThat(resolved().attribute()).isEqualTo("lbl");
        assertThat(resolved().resource().ri()).isEqualTo("box");
    }
}
