package io.citadel.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two stores read as one: the first that vouches for an identity answers; writes go to a layer, not through. */
class LayeredPskStoreTest {
    @TempDir
    Path dir;

    @Test
    void the_first_layer_that_vouches_answers_and_writes_go_to_the_layers() throws Exception {
        EncryptedFilePskStore operator = EncryptedFilePskStore.open(dir.resolve("a"), "pw".toCharArray());
        SealedFilePskStore assigned = SealedFilePskStore.open(dir.resolve("b"), "pw".toCharArray());
        LayeredPskStore both = new LayeredPskStore(List.of(operator, assigned));
        Instant now = Instant.now();
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        k2[0] = 2;
        operator.put(new PskCredential("one@maf.example", List.of("/id-in/Cone"), now.plusSeconds(60)), k1);
        assigned.put(new PskCredential("two@maf.example", List.of("/id-in/Ctwo"), now.plusSeconds(60)), k2);
        assigned.put(new PskCredential("old@maf.example", List.of("/id-in/Cold"), now.minusSeconds(1)), k2);

        assertThat(both.lookup("none@maf.example", now)).isEmpty();
        assertThat(both.key("none@maf.example", now)).isEmpty();
        assertThat(both.lookup("old@maf.example", now)).as("expired").isEmpty();
        assertThat(both.key("two@maf.example", now))
                .hasValueSatisfying(k -> assertThat(k).isEqualTo(k2));
        assertThat(both.lookup("one@maf.example", now).orElseThrow().allowed()).containsExactly("/id-in/Cone");
        assertThat(both.list()).extracting(PskCredential::identity).contains("one@maf.example", "two@maf.example");
        assertThatThrownBy(() -> both.put(new PskCredential("x@maf.example", List.of("/id-in/Cx"), null), k1))
                .isInstanceOf(UnsupportedOperationException.class);

        List<String> announced = new ArrayList<>();
        both.addListener(new CredentialListener() {
            @Override
            public void revoked(Credential c) {
                announced.add(c.credentialId());
            }
        });
        assertThat(both.revoke("two@maf.example")).isTrue();
        assertThat(both.lookup("two@maf.example", now)).isEmpty();
        assertThat(announced).contains("12-two@maf.example");
        assertThat(both.revoke("two@maf.example")).isFalse();
    }
}
