package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.security.vault.Pkcs11KeyVault;
import io.citadel.security.vault.Pkcs12KeyVault;
import io.citadel.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secure environment with a real PKCS#11 token (SoftHSM2 from Debian): keys generated inside it are
 * sensitive and never extractable, HMAC/AES-GCM/ECDSA run inside it, and the CSE's TLS key can live there.
 * A missing SoftHSM2 fails loudly (CI installs it).
 */
class SecureEnvironmentTest {
    static final String LIBRARY = SoftHsm.LIBRARY;
    static final String PIN = SoftHsm.PIN;

    @TempDir
    static Path work;

    static Pkcs11KeyVault vault;

    @BeforeAll
    static void token() throws Exception {
        vault = SoftHsm.vault(); // one token per JVM, shared with the other classes that need one
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    @Test
    void secret_keys_made_in_the_token_never_leave_it_and_work_there() throws Exception {
        vault.generateSecretKey("hmac-1", "HmacSHA256", 256);
        vault.generateSecretKey("aes-1", "AES", 128);
        assertThat(vault.keyStore().getKey("aes-1", null).getEncoded())
                .as("non-extractable")
                .isNull();
        byte[] mac = vault.hmacSha256("hmac-1", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(mac).hasSize(32).isEqualTo(vault.hmacSha256("hmac-1", "hello".getBytes(StandardCharsets.UTF_8)));
        byte[] iv = new byte[12];
        byte[] sealed = vault.aesGcmEncrypt("aes-1", iv, "hdr".getBytes(), "secret".getBytes());
        assertThat(vault.aesGcmDecrypt("aes-1", iv, "hdr".getBytes(), sealed)).isEqualTo("secret".getBytes());
        sealed[0] ^= 1;
        assertThatThrownBy(() -> vault.aesGcmDecrypt("aes-1", iv, "hdr".getBytes(), sealed))
                .isInstanceOf(IllegalStateException.class);
        // a third-party view of the token: OpenSC's pkcs11-tool lists the key as sensitive, never extractable
        String objects = run("pkcs11-tool", "--module", LIBRARY, "--login", "--pin", PIN, "--list-objects");
        assertThat(objects).contains("aes-1").contains("sensitive").contains("never extractable");
        assertThat(vault.inventory()).containsKeys("hmac-1", "aes-1");
        assertThat(vault.level()).startsWith("pkcs11");
    }

    @Test
    void the_cse_tls_key_lives_in_the_token_and_signs_there() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", vault.provider());
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        assertThat(kp.getPrivate().getEncoded())
                .as("the private key cannot be read out")
                .isNull();
        CertificateAuthority ca = CertificateAuthority.create("citadel.example", Duration.ofDays(1));
        ca.save(work.resolve("pki"));
        var cert = ca.certifyCse(kp.getPublic(), "/id-in", "citadel.example", Duration.ofDays(1));
        vault.keyStore().setKeyEntry("cse-tls", kp.getPrivate(), null, new Certificate[] {cert, ca.certificate()});
        byte[] sig = vault.signEcdsaSha256("cse-tls", "data".getBytes());
        Signature verify = Signature.getInstance("SHA256withECDSA");
        verify.initVerify(cert.getPublicKey());
        verify.update("data".getBytes());
        assertThat(verify.verify(sig)).isTrue();

        Path pinFile = work.resolve("pin");
        Files.writeString(pinFile, PIN);
        try (CseProcess cse = CseProcess.start(
                work.resolve("data"),
                "--tls-port",
                "0",
                "--key-store",
                "pkcs11",
                "--key-store-pin-file",
                pinFile.toString(),
                "--tls-trust",
                work.resolve("pki/ca.pem").toString())) {
            int port = Integer.parseInt(
                    cse.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
            assertThat(cse.output()).contains("TLS key 'cse-tls' protected by pkcs11");
            assertThat(cse.awaitAnnounced(java.util.regex.Pattern.compile(
                            "key protection: tls-key \\(certificate TLS\\): (PKCS#11 token)")))
                    .isEqualTo("PKCS#11 token");
            String out = run(
                    "curl",
                    "-s",
                    "-i",
                    "--cacert",
                    work.resolve("pki/ca.pem").toString(),
                    "--resolve",
                    "id-in.citadel.example:" + port + ":127.0.0.1",
                    "-H",
                    "X-M2M-Origin: CAdminTest",
                    "-H",
                    "X-M2M-RI: 1",
                    "-H",
                    "X-M2M-RVI: 3",
                    "https://id-in.citadel.example:" + port + "/cse-in");
            assertThat(out).containsPattern("(?i)X-M2M-RSC: 2000");
        }
    }

    @Test
    void the_software_level_is_an_encrypted_pkcs12_file() throws Exception {
        Path file = work.resolve("vault.p12");
        try (Pkcs12KeyVault soft = Pkcs12KeyVault.open(file, "a-long-test-password".toCharArray())) {
            soft.generateSecretKey("psk-wrap", "AES", 256);
            byte[] iv = new byte[12];
            byte[] sealed = soft.aesGcmEncrypt("psk-wrap", iv, null, "k".getBytes());
            assertThat(soft.aesGcmDecrypt("psk-wrap", iv, null, sealed)).isEqualTo("k".getBytes());
            assertThat(soft.level()).startsWith("software");
        }
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThatThrownBy(() -> Pkcs12KeyVault.open(file, "wrong".toCharArray()))
                .isInstanceOf(IllegalStateException.class);
    }
}
