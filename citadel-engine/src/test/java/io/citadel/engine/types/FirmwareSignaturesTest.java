package io.citadel.engine.types;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.protocol.OneM2mException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secure firmware updates: every unsigned, wrongly signed or tampered update first, then a signed one. */
class FirmwareSignaturesTest {
    static final String HASH = "0123456789abcdef".repeat(4);
    static final String NODE = "nod123";

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static Map<String, Object> update(KeyPair signer) throws Exception {
        Map<String, Object> attrs = new HashMap<>(Map.of(
                "mgd",
                1001L,
                "fwn",
                "base",
                "vr",
                "1.1",
                "url",
                "https://u.example/b-1.1.bin",
                "fwh",
                HASH,
                "ud",
                true));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(signer.getPrivate());
        s.update(FirmwareSignatures.statement(NODE, "base", "1.1", "https://u.example/b-1.1.bin", HASH)
                .getBytes(StandardCharsets.UTF_8));
        attrs.put("fwsg", Base64.getEncoder().encodeToString(s.sign()));
        return attrs;
    }

    static void refused(FirmwareSignatures f, Map<String, Object> attrs, String message) {
        assertThatThrownBy(() -> f.check(NODE, attrs))
                .isInstanceOf(OneM2mException.class)
                .hasMessageContaining(message);
    }

    @Test
    void unsigned_wrongly_signed_or_tampered_updates_are_refused() throws Exception {
        KeyPair trusted = p256();
        KeyPair other = p256();
        FirmwareSignatures f = new FirmwareSignatures(List.of(trusted.getPublic()));
        refused(FirmwareSignatures.NONE, update(trusted), "no trusted update key");
        Map<String, Object> noHash = update(trusted);
        noHash.remove("fwh");
        refused(f, noHash, "'fwh'");
        Map<String, Object> upper = update(trusted);
        upper.put("fwh", HASH.toUpperCase(java.util.Locale.ROOT));
        refused(f, upper, "'fwh'");
        Map<String, Object> noSignature = update(trusted);
        noSignature.remove("fwsg");
        refused(f, noSignature, "'fwsg'");
        Map<String, Object> garbage = update(trusted);
        garbage.put("fwsg", "!!not base64");
        refused(f, garbage, "'fwsg'");
        Map<String, Object> junk = update(trusted);
        junk.put("fwsg", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
        refused(f, junk, "not signed by a trusted update key");
        refused(f, update(other), "not signed by a trusted update key");
        Map<String, Object> tampered = update(trusted);
        tampered.put("url", "https://evil.example/b-1.1.bin");
        refused(f, tampered, "not signed by a trusted update key");
        assertThatThrownBy(() -> f.check("nod456", update(trusted)))
                .as("signed for another device")
                .hasMessageContaining("not signed by a trusted update key");
    }

    @Test
    void an_update_signed_by_any_trusted_key_is_accepted() throws Exception {
        KeyPair first = p256();
        KeyPair second = p256();
        FirmwareSignatures f = new FirmwareSignatures(List.of(first.getPublic(), second.getPublic()));
        assertThatCode(() -> f.check(NODE, update(second))).doesNotThrowAnyException();
    }
}
