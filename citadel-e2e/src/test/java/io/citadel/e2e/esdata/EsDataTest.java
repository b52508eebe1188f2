package io.citadel.e2e.esdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.CompressionAlgorithm;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.AESEncrypter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ESData's three classes (TS-0003 §8.5) with the algorithms the digest allows, refusals first: what is not JOSE, an
 * unsigned or otherwise disallowed algorithm, a compressed JWE, a key this side does not hold, a flipped bit, a signer
 * it does not trust; then encryption-only (A128KW, dir, ECDH-ES+A128KW), several recipients (JSON serialization),
 * signature-only (ES256, HS256) and nested sign-then-encrypt, each opened by the keys of one recipient.
 */
class EsDataTest {
    @TempDir
    static Path dir;

    static TestKeys source;
    static TestKeys target;
    static final byte[] SHARED = new byte[16];
    static final byte[] MIC = new byte[32];
    static final byte[] PLAIN = "{\"temperature\":21.5}".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void keys() throws Exception {
        source = TestKeys.make(dir, "source");
        target = TestKeys.make(dir, "target");
        new SecureRandom().nextBytes(SHARED);
        new SecureRandom().nextBytes(MIC);
    }

    /** The target's side: its key pair, the shared keys, and trust in the source's certificate. */
    static EsData.Keys targetSide() {
        return new EsData.Keys() {
            @Override
            public Optional<byte[]> symmetric(String kid) {
                return switch (kid) {
                    case "14-shared@citadel.example" -> Optional.of(SHARED.clone());
                    case "15-mic@citadel.example" -> Optional.of(MIC.clone());
                    default -> Optional.empty();
                };
            }

            @Override
            public Optional<KeyPair> decryption(String kid) {
                return kid.equals("target") ? Optional.of(target.pair()) : Optional.empty();
            }

            @Override
            public Optional<PublicKey> verification(String kid) {
                return kid.equals("source") ? Optional.of(source.certificate().getPublicKey()) : Optional.empty();
            }
        };
    }

    static void refused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(EsDataException.class).hasMessage(message);
    }

    @Test
    void what_is_not_allowed_jose_is_refused_with_our_line() throws Exception {
        EsData.Keys keys = targetSide();
        refused(() -> EsData.open("hello", keys), "protected data is not a JWS or a JWE");
        refused(() -> EsData.open("", keys), "protected data is missing or longer than 524288 characters");
        refused(
                () -> EsData.open("eyJhbGciOiJub25lIn0.eyJhIjoxfQ.", keys),
                "protected data is not a JWS in compact serialization");
        JWEObject zipped = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.A128KW, EncryptionMethod.A128GCM)
                        .keyID("14-shared@citadel.example")
                        .compressionAlgorithm(CompressionAlgorithm.DEF)
                        .build(),
                new Payload("x".repeat(1000)));
        zipped.encrypt(new AESEncrypter(SHARED));
        refused(
                () -> EsData.open(zipped.serialize(), keys),
                "compressed JWEs and critical header parameters are not taken");
        JWEObject cbc = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.A128KW, EncryptionMethod.A128CBC_HS256)
                        .keyID("14-shared@citadel.example")
                        .build(),
                new Payload("x"));
        cbc.encrypt(new AESEncrypter(SHARED));
        refused(() -> EsData.open(cbc.serialize(), keys), "enc is not A128GCM, A192GCM or A256GCM");
    }

    @Test
    void a_key_not_held_a_flipped_bit_or_an_untrusted_signer_opens_nothing() {
        EsData.Keys keys = targetSide();
        String forOther = EsData.encrypt(
                        PLAIN, List.of(new EsData.SymmetricRecipient("14-other@citadel.example", SHARED)), false)
                .envelope();
        refused(() -> EsData.open(forOther, keys), "no key 14-other@citadel.example on this side");
        String sealed = EsData.encrypt(
                        PLAIN, List.of(new EsData.SymmetricRecipient("14-shared@citadel.example", SHARED)), false)
                .envelope();
        String[] parts = sealed.split("\\.");
        parts[3] = (parts[3].charAt(0) == 'A' ? "B" : "A") + parts[3].substring(1);
        refused(
                () -> EsData.open(String.join(".", parts), keys),
                "the JWE does not open with the key 14-shared@citadel.example");
        String signed = EsData.sign(
                        PLAIN,
                        new EsData.CertificateSigner("stranger", source.pair().getPrivate()))
                .envelope();
        refused(() -> EsData.open(signed, keys), "no trusted certificate for the signer stranger");
        String byTarget = EsData.sign(
                        PLAIN,
                        new EsData.CertificateSigner("source", target.pair().getPrivate()))
                .envelope();
        refused(() -> EsData.open(byTarget, keys), "the signature of source does not verify");
        refused(
                () -> EsData.encrypt(
                        PLAIN,
                        List.of(new EsData.SymmetricRecipient("a", SHARED), new EsData.SymmetricRecipient("b", SHARED)),
                        true),
                "direct mode takes exactly one symmetric key");
    }

    @Test
    void an_unprotected_recipient_header_cannot_change_how_the_content_is_opened() throws Exception {
        EsData.Keys keys = targetSide();
        String several = EsData.encrypt(
                        PLAIN,
                        List.of(
                                new EsData.CertificateRecipient("target", target.certificate()),
                                new EsData.SymmetricRecipient("14-shared@citadel.example", SHARED)),
                        false)
                .envelope();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode zipped =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(several);
        for (var r : zipped.withArray("recipients")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) r.get("header")).put("zip", "DEF");
        }
        refused(
                () -> EsData.open(zipped.toString(), keys),
                "compressed JWEs and critical header parameters are not taken");
        refused(
                () -> EsData.inspect(zipped.toString()),
                "compressed JWEs and critical header parameters are not taken");
        com.fasterxml.jackson.databind.node.ObjectNode twice =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(several);
        ((com.fasterxml.jackson.databind.node.ObjectNode)
                        twice.withArray("recipients").get(0).get("header"))
                .put("enc", "A256GCM");
        refused(() -> EsData.open(twice.toString(), keys), "the JWE names the header parameter enc twice");
        // a nested MIC is no signature of the source: refused inside a JWE
        JWEObject nestedMic = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.A128KW, EncryptionMethod.A128GCM)
                        .keyID("14-shared@citadel.example")
                        .contentType("JOSE")
                        .build(),
                new Payload(EsData.sign(PLAIN, new EsData.SymmetricSigner("15-mic@citadel.example", MIC))
                        .envelope()));
        nestedMic.encrypt(new AESEncrypter(SHARED));
        refused(
                () -> EsData.open(nestedMic.serialize(), keys),
                "a nested signature is a certificate's (ES256), not a MIC");
    }

    @Test
    void encryption_only_for_one_or_several_recipients_opens_for_each() {
        EsData.Keys keys = targetSide();
        for (EsData.Protected p : List.of(
                EsData.encrypt(
                        PLAIN, List.of(new EsData.SymmetricRecipient("14-shared@citadel.example", SHARED)), false),
                EsData.encrypt(
                        PLAIN, List.of(new EsData.SymmetricRecipient("14-shared@citadel.example", SHARED)), true),
                EsData.encrypt(
                        PLAIN, List.of(new EsData.CertificateRecipient("target", target.certificate())), false))) {
            assertThat(p.contentSecurity()).isEqualTo(1);
            EsData.Opened o = EsData.open(p.envelope(), keys);
            assertThat(o.payload()).isEqualTo(PLAIN);
            assertThat(o.encrypted()).isTrue();
            assertThat(o.signer()).isNull();
        }
        EsData.Protected several = EsData.encrypt(
                PLAIN,
                List.of(
                        new EsData.CertificateRecipient("target", target.certificate()),
                        new EsData.SymmetricRecipient("14-shared@citadel.example", SHARED)),
                false);
        assertThat(several.contentSecurity()).isEqualTo(2);
        assertThat(several.contentInfo("application/json", 0)).isEqualTo("application/json:0:2");
        assertThat(EsData.open(several.envelope(), keys).payload()).isEqualTo(PLAIN);
        EsData.Keys onlyShared = new EsData.Keys() {
            @Override
            public Optional<byte[]> symmetric(String kid) {
                return kid.equals("14-shared@citadel.example") ? Optional.of(SHARED.clone()) : Optional.empty();
            }
        };
        assertThat(EsData.open(several.envelope(), onlyShared).payload()).isEqualTo(PLAIN);
        refused(
                () -> EsData.open(several.envelope(), new EsData.Keys() {}),
                "none of the JWE's recipients is a key of this side");
    }

    @Test
    void signatures_and_nested_sign_then_encrypt_say_who_signed() {
        EsData.Keys keys = targetSide();
        EsData.Opened es = EsData.open(
                EsData.sign(
                                PLAIN,
                                new EsData.CertificateSigner(
                                        "source", source.pair().getPrivate()))
                        .envelope(),
                keys);
        assertThat(es.payload()).isEqualTo(PLAIN);
        assertThat(es.signer()).isEqualTo("source");
        assertThat(es.encrypted()).isFalse();
        EsData.Opened hs = EsData.open(
                EsData.sign(PLAIN, new EsData.SymmetricSigner("15-mic@citadel.example", MIC))
                        .envelope(),
                keys);
        assertThat(hs.signer()).isEqualTo("15-mic@citadel.example");
        EsData.Protected nested = EsData.signThenEncrypt(
                PLAIN,
                new EsData.CertificateSigner("source", source.pair().getPrivate()),
                List.of(new EsData.CertificateRecipient("target", target.certificate())));
        EsData.Opened n = EsData.open(nested.envelope(), keys);
        assertThat(n.payload()).isEqualTo(PLAIN);
        assertThat(n.signer()).isEqualTo("source");
        assertThat(n.encrypted()).isTrue();
        assertThat(Map.of("cnf", nested.contentInfo("application/json", 0)))
                .containsEntry("cnf", "application/json:0:1");
    }
}
