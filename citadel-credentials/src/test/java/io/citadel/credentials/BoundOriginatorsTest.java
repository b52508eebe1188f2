package io.citadel.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Allow-lists of PSK and raw-key credentials hold identifiers only (issue 14, defect 4). Negative cases first. */
class BoundOriginatorsTest {
    private static final List<String> NOT_IDENTIFIERS = List.of(
            "C*",
            "*",
            "/id-in/*",
            "//sp.example/id-in/C*",
            "Cab?",
            "all",
            "",
            " ",
            "Csensor ",
            "id-mn",
            "C",
            "sensor@psk.example",
            "/id-in/C1/x",
            "/id-in/",
            "//",
            "/../id-in",
            "/id-in/../Cx",
            "C\u00e9",
            "Cx\nforged",
            "/id-in/Xfoo",
            "//sp.example",
            "C" + "x".repeat(300));
    private static final List<String> IDENTIFIERS = List.of(
            "Csensor1",
            "Sglobal",
            "C.a_b-c",
            "/id-mn",
            "/Sglobal",
            "/id-mn/Csensor",
            "//sp.example/id-mn",
            "//sp.example/id-mn/Csensor",
            "//sp-1.example/Sfoo");

    /** Held, so the logger the stores write to is the one the handler is on. */
    private static final Logger SECURITY_LOG = Logger.getLogger("citadel.security");

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            warnings.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        SECURITY_LOG.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        SECURITY_LOG.removeHandler(capture);
    }

    @Test
    void patternsAndNonIdentifiersAreRefusedWithAClearMessage() throws Exception {
        for (String bad : NOT_IDENTIFIERS) {
            assertThat(BoundOriginators.problem(bad)).as(bad).isPresent();
            assertThatThrownBy(() -> new PskCredential("dev@psk.example", List.of("Cgood", bad), null))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("AE-ID");
            assertThatThrownBy(() -> new RawPublicKeyCredential(RawPublicKeyId.of(newKey()), List.of(bad), null))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("AE-ID");
        }
        assertThat(BoundOriginators.problem("C*")).get().asString().contains("wildcards are not supported");
        assertThatThrownBy(() -> new PskCredential("dev@psk.example", List.of(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
    }

    @Test
    void aeIdsAndCseIdsInEveryFormAreAccepted() {
        for (String good : IDENTIFIERS) {
            assertThat(BoundOriginators.problem(good)).as(good).isEmpty();
        }
        assertThat(new PskCredential("dev@psk.example", IDENTIFIERS, null).allowed())
                .isEqualTo(IDENTIFIERS);
    }

    @Test
    void aStoredPskWithAWildcardIsNotHonouredButKeptUntilRevoked() throws Exception {
        PskStore store = EncryptedFilePskStore.open(dir, "pw".toCharArray());
        store.put(new PskCredential("legacy@psk.example", List.of("Clegacy"), null), new byte[32]);
        store.put(new PskCredential("good@psk.example", List.of("Cgood"), null), new byte[32]);
        // an older version (or a hand edit) stored a pattern
        Path meta = dir.resolve("psk.json");
        Files.writeString(meta, Files.readString(meta).replace("\"Clegacy\"", "\"C*\""));

        PskStore reopened = EncryptedFilePskStore.open(dir, "pw".toCharArray());
        Instant now = Instant.now();
        assertThat(reopened.lookup("legacy@psk.example", now)).isEmpty();
        assertThat(reopened.key("legacy@psk.example", now)).isEmpty();
        assertThat(reopened.association("legacy@psk.example", now, s -> s)).isEmpty();
        assertThat(reopened.unusable("legacy@psk.example")).get().asString().contains("C*");
        assertThat(warnings)
                .anySatisfy(w -> assertThat(w).contains("legacy@psk.example").contains("not honoured"));
        assertThat(reopened.lookup("good@psk.example", now)).isPresent();

        // another change keeps the entry on disk (the operator's to fix) and still does not honour it
        reopened.put(new PskCredential("other@psk.example", List.of("Cother"), null), new byte[32]);
        assertThat(Files.readString(meta)).contains("legacy@psk.example").contains("C*");
        assertThat(EncryptedFilePskStore.open(dir, "pw".toCharArray()).lookup("legacy@psk.example", now))
                .isEmpty();

        assertThat(reopened.revoke("legacy@psk.example")).isTrue();
        assertThat(Files.readString(meta)).doesNotContain("legacy@psk.example");
        assertThat(reopened.unusable("legacy@psk.example")).isEmpty();
        assertThat(EncryptedFilePskStore.open(dir, "pw".toCharArray()).list())
                .extracting(PskCredential::identity)
                .containsExactlyInAnyOrder("good@psk.example", "other@psk.example");
    }

    @Test
    void aStoredRawKeyWithAWildcardIsNotHonouredButKeptUntilRevoked() throws Exception {
        byte[] legacy = newKey();
        byte[] good = newKey();
        RawPublicKeyStore store = FileRawPublicKeyStore.open(dir);
        store.put(new RawPublicKeyCredential(RawPublicKeyId.of(legacy), List.of("Clegacy"), null));
        store.put(new RawPublicKeyCredential(RawPublicKeyId.of(good), List.of("Cgood"), null));
        Path file = dir.resolve("rpk.json");
        Files.writeString(file, Files.readString(file).replace("\"Clegacy\"", "\"*\""));

        RawPublicKeyStore reopened = FileRawPublicKeyStore.open(dir);
        Instant now = Instant.now();
        assertThat(reopened.lookup(legacy, now)).isEmpty();
        assertThat(reopened.unusable(RawPublicKeyId.of(legacy))).isPresent();
        assertThat(warnings)
                .anySatisfy(w -> assertThat(w)
                        .contains(RawPublicKeyId.of(legacy).toString())
                        .contains("not honoured"));
        assertThat(reopened.lookup(good, now)).isPresent();

        reopened.put(new RawPublicKeyCredential(RawPublicKeyId.of(newKey()), List.of("Cother"), null));
        assertThat(Files.readString(file)).contains(RawPublicKeyId.of(legacy).toString());
        assertThat(FileRawPublicKeyStore.open(dir).lookup(legacy, now)).isEmpty();
        assertThat(reopened.revoke(RawPublicKeyId.of(legacy))).isTrue();
        assertThat(Files.readString(file))
                .doesNotContain(RawPublicKeyId.of(legacy).toString());
    }

    private static byte[] newKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair().getPublic().getEncoded();
    }
}
