package io.citadel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which normalised originators are CSE-IDs (and so need a security association: 4107). */
public class CseIdTest {
    @ParameterizedTest
    @CsvSource({
        "/id-mn, true",
        "//sp.example/id-mn, true",
        "/id-in/Cae, false",
        "/Sae, false",
        "all, false",
        "//sp.example/id-in/Cae, false",
        "//sp.example/Sae, false",
        "/, false",
        "Cae, false",
        "//sp.example, false"
    })
    void recognises_cse_ids(String normalized, boolean expected) {
        assertThat(IdentifyStage.isCseId(normalized)).isEqualTo(expected);
    }
}
