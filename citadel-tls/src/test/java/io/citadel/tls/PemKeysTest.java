package io.citadel.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Public keys for the raw-key credential store, read from PEM files (moved from the store's test with the store). */
class PemKeysTest {
    @TempDir
    Path dir;

    @Test
    void publicKeysAreReadFromPemKeysCertificatesAndKeyPairs() throws Exception {
        var pair = generator().generateKeyPair();
        Path pub = dir.resolve("pub.pem");
        Files.writeString(
                pub,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        assertThat(PemKeys.subjectPublicKeyInfo(pub)).isEqualTo(pair.getPublic().getEncoded());
        Path priv = dir.resolve("key.pem");
        Files.writeString(
                priv,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        assertThat(PemKeys.subjectPublicKeyInfo(priv))
                .isEqualTo(pair.getPublic().getEncoded());
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "hello");
        assertThatThrownBy(() -> PemKeys.subjectPublicKeyInfo(junk)).isInstanceOf(IllegalArgumentException.class);
    }

    private static KeyPairGenerator generator() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g;
    }
}
