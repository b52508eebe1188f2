package io.citadel.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sealed key store: wrong passwords, tampering and moved entries first, then what survives a restart. */
class SealedFilePskStoreTest {
    static final char[] PASSWORD = "a store password".toCharArray();

    @TempDir
    Path dir;

    static byte[] key(int b) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) b);
        return k;
    }

    static PskCredential credential(String id, Instant until) {
        return new PskCredential(id, List.of("/id-in/Cdev1"), until);
    }

    @Test
    void a_wrong_password_a_tampered_key_or_a_key_moved_to_another_identity_opens_nothing() throws Exception {
        SealedFilePskStore store = SealedFilePskStore.open(dir, PASSWORD);
        store.put(credential("aa@mef.example", null), key(1));
        store.put(credential("bb@mef.example", null), key(2));
        assertThatThrownBy(() -> SealedFilePskStore.open(dir, "wrong".toCharArray()))
                .hasMessageContaining("cannot be read")
                .hasMessageNotContaining("a store password");
        assertThatThrownBy(() -> store.put(credential("cc@mef.example", null), new byte[8]))
                .isInstanceOf(IllegalArgumentException.class);

        Path file = dir.resolve("sealed.json");
        String text = Files.readString(file);
        String sealedB = text.substring(text.lastIndexOf("\"sealed\""));
        String swapped = text.replace("\"bb@mef.example\"", "\"xx@mef.example\"");
        Files.writeString(file, swapped);
        SealedFilePskStore moved = SealedFilePskStore.open(dir, PASSWORD);
        assertThatThrownBy(() -> moved.key("xx@mef.example", Instant.now()))
                .as("the identity is the sealed key's associated data")
                .hasMessageContaining("does not open");
        Files.writeString(file, text.replace("/id-in/Cdev1", "/id-in/Cother"));
        assertThatThrownBy(() -> SealedFilePskStore.open(dir, PASSWORD))
                .as("the originators are bound to the sealed keys")
                .hasMessageContaining("does not open");
        Files.writeString(
                file, text.replace(sealedB, sealedB.replaceFirst("\"sealed\" : \"(.)", "\"sealed\" : \"A$1")));
        assertThatThrownBy(() -> SealedFilePskStore.open(dir, PASSWORD).key("bb@mef.example", Instant.now()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_wrong_password_is_refused_even_for_an_empty_store() {
        SealedFilePskStore.open(dir, PASSWORD);
        assertThatThrownBy(() -> SealedFilePskStore.open(dir, "wrong".toCharArray()))
                .hasMessageContaining("cannot be read");
    }

    @Test
    void keys_survive_a_restart_expired_ones_go_and_changes_are_announced() throws Exception {
        SealedFilePskStore store = SealedFilePskStore.open(dir, PASSWORD);
        List<Credential> announced = new ArrayList<>();
        store.addListener(announced::add);
        store.put(credential("aa@mef.example", null), key(1));
        store.put(credential("old@mef.example", Instant.now().minusSeconds(1)), key(3));
        assertThat(store.lookup("old@mef.example", Instant.now())).isEmpty();
        store.put(credential("aa@mef.example", null), key(4)); // replaced: announced
        assertThat(store.revoke("nothing@mef.example")).isFalse();
        assertThat(announced).extracting(Credential::credentialId).containsExactly("12-aa@mef.example");

        SealedFilePskStore again = SealedFilePskStore.open(dir, PASSWORD);
        assertThat(again.key("aa@mef.example", Instant.now())).get().isEqualTo(key(4));
        assertThat(again.list()).extracting(PskCredential::identity).containsExactly("aa@mef.example");
        assertThat(Files.readString(dir.resolve("sealed.json"), StandardCharsets.UTF_8))
                .doesNotContain(java.util.Base64.getEncoder().encodeToString(key(4)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("sealed.json"))))
                .isEqualTo("rw-------");
        assertThat(again.revoke("aa@mef.example")).isTrue();
        assertThat(SealedFilePskStore.open(dir, PASSWORD).list()).isEmpty();
    }
}
