package io.citadel.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRawPublicKeyStoreTest {
    @TempDir
    Path dir;

    @Test
    void malformedIdentifiersAreRefusedWithAReason() {
        for (String bad : List.of(
                "",
                "sha-256;abc",
                "ni:///md5;AAAA",
                "ni:///sha-256;",
                "ni:///sha-256;AAAA",
                "ni:///sha-256;" + "A".repeat(43) + "?ct=text",
                "ni:///sha-256-96;" + "A".repeat(16),
                "ni:///sha-256;" + "+".repeat(43))) {
            assertThatThrownBy(() -> RawPublicKeyId.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sha-256");
        }
    }

    @Test
    void identifierRoundTripsAndTruncatedFormsMatchTheSameKey() throws Exception {
        byte[] spki = newKey();
        RawPublicKeyId id = RawPublicKeyId.of(spki);
        assertThat(RawPublicKeyId.parse(id.toString())).isEqualTo(id);
        assertThat(RawPublicKeyId.parse("ni://example.com/" + id.toString().substring(6)))
                .isEqualTo(id);
        assertThat(id.matches(spki)).isTrue();
        assertThat(id.matches(newKey())).isFalse();
        RawPublicKeyId short120 = new RawPublicKeyId("sha-256-120", Arrays.copyOf(id.digest(), 15));
        assertThat(short120.matches(spki)).isTrue();
        assertThat(short120.toString()).startsWith("ni:///sha-256-120;");
        assertThat(id.credentialId()).startsWith("30-").matches("30-[A-Za-z0-9._@-]+");
    }

    @Test
    void storeFindsKeysByAnyTrustedDigestLengthAndForgetsRevokedAndExpiredOnes() throws Exception {
        FileRawPublicKeyStore store = FileRawPublicKeyStore.open(dir);
        byte[] full = newKey();
        byte[] truncated = newKey();
        byte[] expired = newKey();
        byte[] unknown = newKey();
        Instant now = Instant.now();
        store.put(new RawPublicKeyCredential(RawPublicKeyId.of(full), List.of("Csensor"), null));
        store.put(new RawPublicKeyCredential(
                new RawPublicKeyId(
                        "sha-256-128",
                        Arrays.copyOf(RawPublicKeyId.of(truncated).digest(), 16)),
                List.of("Cother"),
                null));
        store.put(new RawPublicKeyCredential(RawPublicKeyId.of(expired), List.of("Cold"), now.minusSeconds(1)));

        FileRawPublicKeyStore reopened = FileRawPublicKeyStore.open(dir);
        assertThat(reopened.association(full, now, s -> "/sp/" + s))
                .get()
                .satisfies(a -> assertThat(a.identities()).containsExactly("/sp/Csensor"))
                .satisfies(a -> assertThat(a.credentialId())
                        .isEqualTo(RawPublicKeyId.of(full).credentialId()));
        assertThat(reopened.lookup(truncated, now))
                .get()
                .satisfies(c -> assertThat(c.allowed()).containsExactly("Cother"));
        assertThat(reopened.lookup(expired, now)).isEmpty();
        assertThat(reopened.lookup(unknown, now)).isEmpty();

        assertThat(store.revoke(RawPublicKeyId.of(full))).isTrue();
        assertThat(store.revoke(RawPublicKeyId.of(full))).isFalse();
        assertThat(store.lookup(full, now)).isEmpty();
        assertThat(Files.getPosixFilePermissions(dir.resolve("rpk.json")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void listenersHearOfRevocationsAndReplacementsHereAndByAnotherWriter() throws Exception {
        BlockingQueue<Credential> announced = new LinkedBlockingQueue<>();
        CredentialListener listener = announced::add;
        FileRawPublicKeyStore store = FileRawPublicKeyStore.open(dir);
        byte[] key = newKey();
        RawPublicKeyCredential first = new RawPublicKeyCredential(RawPublicKeyId.of(key), List.of("Csensor"), null);
        store.put(first);
        store.addListener(listener);
        try {
            RawPublicKeyCredential second = new RawPublicKeyCredential(RawPublicKeyId.of(key), List.of("Cother"), null);
            store.put(second);
            assertThat(announced.poll()).as("the value that was replaced").isEqualTo(first);
            assertThat(store.revoke(RawPublicKeyId.of(key))).isTrue();
            assertThat(announced.poll()).isEqualTo(second);
            assertThat(announced).isEmpty();

            RawPublicKeyCredential third =
                    new RawPublicKeyCredential(RawPublicKeyId.of(newKey()), List.of("Cthird"), null);
            store.put(third);
            assertThat(FileRawPublicKeyStore.open(dir).revoke(third.id())).isTrue(); // the CLI, say
            assertThat(announced.poll(15, TimeUnit.SECONDS)).isEqualTo(third);
        } finally {
            store.removeListener(listener);
        }
    }

    @Test
    void aDamagedStoreTrustsNothing() throws Exception {
        FileRawPublicKeyStore store = FileRawPublicKeyStore.open(dir);
        byte[] key = newKey();
        store.put(new RawPublicKeyCredential(RawPublicKeyId.of(key), List.of("Csensor"), null));
        Files.writeString(dir.resolve("rpk.json"), "{\"rpk\":[{\"id\":\"not an ni\",\"allowed\":[\"Cx\"]}]}");
        assertThatThrownBy(() -> FileRawPublicKeyStore.open(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot be read");
    }

    private static byte[] newKey() throws Exception {
        return generator().generateKeyPair().getPublic().getEncoded();
    }

    private static KeyPairGenerator generator() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g;
    }
}
