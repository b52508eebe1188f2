package io.citadel.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretStoreTest {
    @TempDir
    Path dir;

    @Test
    void secretsAreEncryptedNamedCaseSensitivelyAndRemovable() throws Exception {
        SecretStore store = SecretStore.open(dir, "pw-1".toCharArray());
        store.put("mqtt-password", "s3cret-value".getBytes(StandardCharsets.UTF_8));
        store.put("MQTT-password", "other".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(
                        SecretStore.open(dir, "pw-1".toCharArray())
                                .get("mqtt-password")
                                .orElseThrow(),
                        StandardCharsets.UTF_8))
                .isEqualTo("s3cret-value");
        assertThat(store.names()).containsExactly("MQTT-password", "mqtt-password");
        assertThat(new String(Files.readAllBytes(dir.resolve("secrets.p12")), StandardCharsets.ISO_8859_1))
                .doesNotContain("s3cret-value");
        assertThat(store.remove("mqtt-password")).isTrue();
        assertThat(store.remove("mqtt-password")).isFalse();
        assertThat(store.get("mqtt-password")).isEmpty();
    }

    @Test
    void aWrongPasswordOrABadNameIsRefused() {
        SecretStore.open(dir, "right".toCharArray()).put("k", new byte[] {1});
        assertThatThrownBy(() -> SecretStore.open(dir, "wrong".toCharArray()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wrong password or damaged");
        SecretStore store = SecretStore.open(dir, "right".toCharArray());
        assertThatThrownBy(() -> store.put("no spaces", new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put("empty", new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
