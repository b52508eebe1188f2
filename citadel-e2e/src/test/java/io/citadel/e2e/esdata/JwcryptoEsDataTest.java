package io.citadel.e2e.esdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ESData against python3-jwcrypto (Debian), both ways, with keys and certificates OpenSSL made: it verifies our ES256
 * signature and opens our ECDH-ES+A128KW JWE (compact, and the JSON serialization for several recipients); we verify
 * its signature, open its JWE (compact, and JSON where we are the second recipient), and refuse its JWE opened with
 * another key. Fails, naming the package, without python3-jwcrypto.
 */
class JwcryptoEsDataTest {
    @TempDir
    static Path dir;

    static TestKeys source;
    static TestKeys target;
    static final String PLAIN = "{\"temperature\":21.5}";

    @BeforeAll
    static void keys() throws Exception {
        source = TestKeys.make(dir, "source");
        target = TestKeys.make(dir, "target");
    }

    static String run(String stdin, String... args) throws Exception {
        Path script = Path.of(
                JwcryptoEsDataTest.class.getResource("/jwcrypto_esdata.py").toURI());
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("python3-jwcrypto (apt-get install python3-jwcrypto): " + err)
                .isZero();
        return out;
    }

    static EsData.Keys side(TestKeys own, String ownKid, TestKeys trusted, String trustedKid) {
        return new EsData.Keys() {
            @Override
            public Optional<KeyPair> decryption(String kid) {
                return kid.equals(ownKid) ? Optional.of(own.pair()) : Optional.empty();
            }

            @Override
            public Optional<PublicKey> verification(String kid) {
                return kid.equals(trustedKid)
                        ? Optional.of(trusted.certificate().getPublicKey())
                        : Optional.empty();
            }
        };
    }

    @Test
    void jwcrypto_refuses_ours_under_another_key_and_we_refuse_its_under_another() throws Exception {
        String toTarget = EsData.encrypt(
                        PLAIN.getBytes(StandardCharsets.UTF_8),
                        List.of(new EsData.CertificateRecipient("target", target.certificate())),
                        false)
                .envelope();
        Process p = new ProcessBuilder(List.of(
                        "/usr/bin/python3",
                        Path.of(getClass().getResource("/jwcrypto_esdata.py").toURI())
                                .toString(),
                        "decrypt",
                        source.keyPem().toString(),
                        "target"))
                .start();
        p.getOutputStream().write(toTarget.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("the source's key does not open what is for the target")
                .isNotZero();
        String theirs = run(PLAIN, "encrypt", target.certPem().toString(), "target");
        try {
            EsData.open(theirs, side(source, "target", source, "source")); // the source's key under the target's kid
            throw new AssertionError("opened with another key");
        } catch (EsDataException e) {
            assertThat(e).hasMessage("the JWE does not open with the key target");
        }
    }

    @Test
    void a_signature_jwcrypto_made_with_its_certificate_chain_is_checked_by_a_party_with_no_key_of_the_source()
            throws Exception {
        String withChain = run(
                PLAIN,
                "sign-x5c",
                source.keyPem().toString(),
                "source",
                source.certPem().toString());
        // refusals first: another party's anchor, and the same JWS with its payload changed
        assertThatThrownBy(() -> new EsDataSignatures(List.of(target.certificate())).verify(withChain, Instant.now()))
                .hasMessage("the signer's certificate is not trusted here or not valid now");
        String[] parts = withChain.split("\\.");
        String changed = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"temperature\":99}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertThatThrownBy(() -> new EsDataSignatures(List.of(source.certificate())).verify(changed, Instant.now()))
                .hasMessage("the signature does not verify with the signer's certificate");
        assertThat(new EsDataSignatures(List.of(source.certificate())).verify(withChain, Instant.now()))
                .isEqualTo(source.certificate());
        // and jwcrypto verifies ours, which carries the chain
        String ours = EsData.sign(
                        PLAIN.getBytes(StandardCharsets.UTF_8),
                        new EsData.CertificateSigner(
                                "source", source.pair().getPrivate(), List.of(source.certificate())))
                .envelope();
        assertThat(run(ours, "verify", source.certPem().toString())).isEqualTo(PLAIN);
    }

    @Test
    void jwcrypto_verifies_and_opens_ours() throws Exception {
        byte[] plain = PLAIN.getBytes(StandardCharsets.UTF_8);
        assertThat(run(
                        EsData.sign(
                                        plain,
                                        new EsData.CertificateSigner(
                                                "source", source.pair().getPrivate()))
                                .envelope(),
                        "verify",
                        source.certPem().toString()))
                .isEqualTo(PLAIN);
        assertThat(run(
                        EsData.encrypt(
                                        plain,
                                        List.of(new EsData.CertificateRecipient("target", target.certificate())),
                                        false)
                                .envelope(),
                        "decrypt",
                        target.keyPem().toString(),
                        "target"))
                .isEqualTo(PLAIN);
        String several = EsData.encrypt(
                        plain,
                        List.of(
                                new EsData.CertificateRecipient("source", source.certificate()),
                                new EsData.CertificateRecipient("target", target.certificate())),
                        false)
                .envelope();
        assertThat(run(several, "decrypt", target.keyPem().toString(), "target"))
                .isEqualTo(PLAIN);
        String nested = EsData.signThenEncrypt(
                        plain,
                        new EsData.CertificateSigner("source", source.pair().getPrivate()),
                        List.of(new EsData.CertificateRecipient("target", target.certificate())))
                .envelope();
        String inner = run(nested, "decrypt", target.keyPem().toString(), "target");
        assertThat(run(inner, "verify", source.certPem().toString())).isEqualTo(PLAIN);
    }

    @Test
    void we_verify_and_open_jwcryptos() throws Exception {
        EsData.Keys targetSide = side(target, "target", source, "source");
        EsData.Opened signed = EsData.open(run(PLAIN, "sign", source.keyPem().toString(), "source"), targetSide);
        assertThat(new String(signed.payload(), StandardCharsets.UTF_8)).isEqualTo(PLAIN);
        assertThat(signed.signer()).isEqualTo("source");
        assertThat(new String(
                        EsData.open(run(PLAIN, "encrypt", target.certPem().toString(), "target"), targetSide)
                                .payload(),
                        StandardCharsets.UTF_8))
                .isEqualTo(PLAIN);
        String flattened = run(PLAIN, "encrypt-json-one", target.certPem().toString(), "target");
        assertThat(flattened).contains("\"header\"").doesNotContain("\"recipients\"");
        assertThat(new String(EsData.open(flattened, targetSide).payload(), StandardCharsets.UTF_8))
                .as("one recipient in the flattened JSON serialization")
                .isEqualTo(PLAIN);
        assertThat(new String(
                        EsData.open(run(PLAIN, "encrypt-json", target.certPem().toString(), "target"), targetSide)
                                .payload(),
                        StandardCharsets.UTF_8))
                .isEqualTo(PLAIN);
    }
}
