package io.citadel.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class LevelOfAssuranceTest {

    @Test
    void only_one_to_four_are_levels() {
        assertThat(LevelOfAssurance.of(0)).isEmpty();
        assertThat(LevelOfAssurance.of(5)).isEmpty();
        assertThat(LevelOfAssurance.of(-1)).isEmpty();
        assertThat(LevelOfAssurance.of(3)).contains(LevelOfAssurance.CERTIFIED);
    }

    @Test
    void a_token_or_nothing_asserts_and_only_a_certificate_certifies() {
        assertThat(LevelOfAssurance.of(Credential.Kind.NONE)).isEqualTo(LevelOfAssurance.ASSERTED);
        assertThat(LevelOfAssurance.of(Credential.Kind.TOKEN)).isEqualTo(LevelOfAssurance.ASSERTED);
        assertThat(LevelOfAssurance.of(Credential.Kind.PSK)).isEqualTo(LevelOfAssurance.SHARED_KEY);
        assertThat(LevelOfAssurance.of(Credential.Kind.RAW_PUBLIC_KEY)).isEqualTo(LevelOfAssurance.SHARED_KEY);
        assertThat(LevelOfAssurance.of(Credential.Kind.END_TO_END)).isEqualTo(LevelOfAssurance.SHARED_KEY);
        assertThat(LevelOfAssurance.of(Credential.Kind.CERTIFICATE)).isEqualTo(LevelOfAssurance.CERTIFIED);
        for (Credential.Kind kind : Credential.Kind.values()) {
            assertThat(LevelOfAssurance.of(kind))
                    .as("level 4 is never a kind's default")
                    .isNotEqualTo(LevelOfAssurance.HARDWARE_KEY);
        }
    }

    @Test
    void levels_are_ordered_and_an_association_carries_one() {
        assertThat(LevelOfAssurance.SHARED_KEY.satisfies(LevelOfAssurance.CERTIFIED))
                .isFalse();
        assertThat(LevelOfAssurance.HARDWARE_KEY.satisfies(LevelOfAssurance.CERTIFIED))
                .isTrue();
        assertThat(LevelOfAssurance.CERTIFIED.satisfies(LevelOfAssurance.CERTIFIED))
                .isTrue();
        SecurityAssociation psk = new SecurityAssociation("12-a@psk", Set.of("/id-in/Ca"), Credential.Kind.PSK);
        assertThat(psk.assurance()).isEqualTo(LevelOfAssurance.SHARED_KEY);
        assertThat(psk.withAssurance(LevelOfAssurance.HARDWARE_KEY).assurance())
                .isEqualTo(LevelOfAssurance.HARDWARE_KEY);
        assertThatThrownBy(() -> new SecurityAssociation("x", Set.of(), Credential.Kind.PSK, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(LevelOfAssurance.describe(null)).isEqualTo("loa=unknown");
        assertThat(LevelOfAssurance.describe(LevelOfAssurance.SHARED_KEY)).isEqualTo("loa=2");
    }
}
