package io.citadel.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encrypted PSK store: what it keeps survives a reopen, a damaged or wrongly opened store is refused, files
 * are owner-only, and listeners hear of revocations, replacements, expiry and damage, whoever caused them.
 * Negative cases first.
 */
class EncryptedFilePskStoreTest {
    private static final char[] PASSWORD = "store-password".toCharArray();
    /** Long enough for the once-a-second check on a loaded machine, short enough to fail a broken build fast. */
    private static final long WAIT_SECONDS = 15;

    @TempDir
    Path dir;

    private final BlockingQueue<Credential> announced = new LinkedBlockingQueue<>();

    private static byte[] newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static PskCredential credential(String relative, String... allowed) {
        return new PskCredential(relative + "@psk.example", List.of(allowed), null);
    }

    @Test
    void a_key_of_the_wrong_length_is_refused() {
        EncryptedFilePskStore store = EncryptedFilePskStore.open(dir, PASSWORD);
        assertThatThrownBy(() -> store.put(credential("short", "Cshort"), new byte[15]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 to 64 bytes");
        assertThatThrownBy(() -> store.put(credential("long", "Clong"), new byte[65]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 to 64 bytes");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void a_damaged_store_or_a_wrong_password_is_refused() throws Exception {
        EncryptedFilePskStore.open(dir, PASSWORD).put(credential("dev", "Cdev"), newKey());
        assertThatThrownBy(() -> EncryptedFilePskStore.open(dir, "wrong".toCharArray()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot be read (wrong password or damaged)");
        Files.writeString(dir.resolve("psk.json"), "{\"psk\":[{\"identity\":");
        assertThatThrownBy(() -> EncryptedFilePskStore.open(dir, PASSWORD))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot be read (wrong password or damaged)");
    }

    @Test
    void files_are_owner_only_and_hold_no_key_in_clear() throws Exception {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        EncryptedFilePskStore.open(dir, PASSWORD).put(credential("dev", "Cdev"), key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
        for (String file : List.of("psk.p12", "psk.json")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(file))))
                    .as(file)
                    .isEqualTo("rw-------");
            assertThat(new String(Files.readAllBytes(dir.resolve(file)), StandardCharsets.ISO_8859_1))
                    .as(file)
                    .doesNotContain("0123456789abcdef");
        }
    }

    @Test
    void what_was_put_and_revoked_is_so_after_a_reopen() {
        byte[] key = newKey();
        EncryptedFilePskStore store = EncryptedFilePskStore.open(dir, PASSWORD);
        store.put(credential("keep", "Ckeep"), key);
        store.put(credential("drop", "Cdrop"), newKey());
        store.put(
                new PskCredential(
                        "old@psk.example", List.of("Cold"), Instant.now().minusSeconds(1)),
                newKey());
        assertThat(store.revoke("drop@psk.example")).isTrue();
        assertThat(store.revoke("drop@psk.example")).isFalse();
        assertThat(store.revoke("never@psk.example")).isFalse();

        PskStore reopened = EncryptedFilePskStore.open(dir, PASSWORD);
        Instant now = Instant.now();
        assertThat(reopened.lookup("drop@psk.example", now)).isEmpty();
        assertThat(reopened.lookup("old@psk.example", now)).as("expired").isEmpty();
        assertThat(reopened.key("old@psk.example", now)).isEmpty();
        assertThat(reopened.lookup("keep@psk.example", now)).contains(credential("keep", "Ckeep"));
        assertThat(reopened.key("keep@psk.example", now)).get().isEqualTo(key);
        assertThat(reopened.list())
                .extracting(PskCredential::identity)
                .containsExactlyInAnyOrder("keep@psk.example", "old@psk.example");
        assertThat(reopened.association("keep@psk.example", now, s -> "/id-in/" + s))
                .get()
                .satisfies(a -> assertThat(a.identities()).containsExactly("/id-in/Ckeep"))
                .satisfies(a -> assertThat(a.kind()).isEqualTo(Credential.Kind.PSK));
    }

    @Test
    void listeners_hear_of_revocations_and_replacements_not_of_additions() {
        EncryptedFilePskStore store = EncryptedFilePskStore.open(dir, PASSWORD);
        CredentialListener listener = announced::add;
        store.addListener(listener);
        try {
            store.put(credential("dev", "Cdev"), newKey());
            store.put(credential("other", "Cother"), newKey());
            assertThat(announced).as("a new credential replaces nothing").isEmpty();

            store.put(credential("dev", "Cdev"), newKey()); // rotated: same metadata, new key
            assertThat(announced.poll()).isEqualTo(credential("dev", "Cdev"));
            store.put(credential("dev", "Cdev", "Cmore"), newKey());
            assertThat(announced.poll()).as("the value that was replaced").isEqualTo(credential("dev", "Cdev"));
            assertThat(announced).isEmpty();

            assertThat(store.revoke("dev@psk.example")).isTrue();
            assertThat(announced.poll()).isEqualTo(credential("dev", "Cdev", "Cmore"));
            assertThat(store.revoke("dev@psk.example")).isFalse();
            assertThat(announced).isEmpty();
        } finally {
            store.removeListener(listener);
        }
    }

    @Test
    void a_removed_listener_hears_nothing() {
        EncryptedFilePskStore store = EncryptedFilePskStore.open(dir, PASSWORD);
        CredentialListener listener = announced::add;
        store.addListener(listener);
        store.removeListener(listener);
        store.put(credential("dev", "Cdev"), newKey());
        store.revoke("dev@psk.example");
        assertThat(announced).isEmpty();
    }

    @Test
    void listeners_hear_of_a_revocation_by_another_writer() throws Exception {
        EncryptedFilePskStore listened = EncryptedFilePskStore.open(dir, PASSWORD);
        listened.put(credential("dev", "Cdev"), newKey());
        CredentialListener listener = announced::add;
        listened.addListener(listener);
        try {
            assertThat(EncryptedFilePskStore.open(dir, PASSWORD).revoke("dev@psk.example"))
                    .isTrue(); // the CLI, say
            assertThat(announced.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(credential("dev", "Cdev"));
            assertThat(listened.lookup("dev@psk.example", Instant.now())).isEmpty();
        } finally {
            listened.removeListener(listener);
        }
    }

    @Test
    void listeners_hear_of_expiry() throws Exception {
        EncryptedFilePskStore store = EncryptedFilePskStore.open(dir, PASSWORD);
        PskCredential brief = new PskCredential(
                "brief@psk.example", List.of("Cbrief"), Instant.now().plusMillis(1500));
        store.put(brief, newKey());
        CredentialListener listener = announced::add;
        store.addListener(listener);
        try {
            assertThat(announced.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(brief);
            assertThat(store.lookup("brief@psk.example", Instant.now())).isEmpty();
        } finally {
            store.removeListener(listener);
        }
    }

    @Test
    void a_store_damaged_under_its_listeners_vouches_for_nothing() throws Exception {
        EncryptedFilePskStore store = EncryptedFilePskStore.open(dir, PASSWORD);
        store.put(credential("a", "Ca"), newKey());
        store.put(credential("b", "Cb"), newKey());
        CredentialListener listener = announced::add;
        store.addListener(listener);
        try {
            Files.writeString(dir.resolve("psk.json"), "damaged");
            List<Credential> all = List.of(
                    announced.poll(WAIT_SECONDS, TimeUnit.SECONDS), announced.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            assertThat(all).containsExactlyInAnyOrder(credential("a", "Ca"), credential("b", "Cb"));
            boolean vouched;
            try {
                vouched = store.lookup("a@psk.example", Instant.now()).isPresent();
            } catch (IllegalStateException unreadable) {
                vouched = false;
            }
            assertThat(vouched).as("fail closed").isFalse();
        } finally {
            store.removeListener(listener);
        }
    }
}
