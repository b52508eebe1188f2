package io.citadel.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sealed family of credentials: invalid values cannot be made, valid ones say who they are. Negative first. */
class CredentialTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final String FINGERPRINT = "ab".repeat(32);

    @Test
    void a_psk_needs_a_kpsaid_and_an_allow_list() {
        String[] notKpsaIds = {null, "", "sensor", "@psk.example", "sensor@", "sen sor@psk.example", "a@b@c"};
        for (String bad : notKpsaIds) {
            assertThatThrownBy(() -> new PskCredential(bad, List.of("Csensor"), null))
                    .as(String.valueOf(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("KpsaID");
        }
        assertThatThrownBy(() -> new PskCredential("sensor@psk.example", List.of(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> new PskCredential("sensor@psk.example", null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_raw_public_key_id_needs_the_digest_length_its_algorithm_names() {
        assertThatThrownBy(() -> new RawPublicKeyId("sha-256", new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32-byte");
        assertThatThrownBy(() -> new RawPublicKeyId("sha-256-128", new byte[32]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16-byte");
        assertThatThrownBy(() -> new RawPublicKeyId("sha-1", new byte[20]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RawPublicKeyId("sha-256", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RawPublicKeyCredential(null, List.of("Cx"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("identifier");
    }

    @Test
    void certificate_and_token_credentials_need_what_they_describe() {
        assertThatThrownBy(() -> new CertificateCredential(" ", "CN=a", "CN=ca", FINGERPRINT, List.of(), NOW, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Credential-ID");
        assertThatThrownBy(() ->
                        new CertificateCredential("33-sp/cse/Cae", null, "CN=ca", FINGERPRINT, List.of(), NOW, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subject");
        for (String bad : new String[] {"AB".repeat(32), "ab".repeat(20), null}) {
            assertThatThrownBy(
                            () -> new CertificateCredential("33-sp/cse/Cae", "CN=a", "CN=ca", bad, List.of(), NOW, NOW))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fingerprint");
        }
        assertThatThrownBy(() -> new CertificateCredential(
                        "33-sp/cse/Cae", "CN=a", "CN=ca", FINGERPRINT, List.of(), NOW, NOW.minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("validity");
        assertThatThrownBy(() -> new TokenCredential("", "//sp/das", "Cae", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token's ID");
        assertThatThrownBy(() -> new TokenCredential("t1", "//sp/das", " ", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subject");
    }

    @Test
    void an_expired_credential_is_not_valid_from_its_end_on() {
        PskCredential psk = new PskCredential("sensor@psk.example", List.of("Csensor"), NOW);
        assertThat(psk.validAt(NOW)).isFalse();
        assertThat(psk.validAt(NOW.plusSeconds(1))).isFalse();
        assertThat(psk.validAt(NOW.minusMillis(1))).isTrue();
        RawPublicKeyCredential raw =
                new RawPublicKeyCredential(new RawPublicKeyId("sha-256", new byte[32]), List.of("Cx"), NOW);
        assertThat(raw.validAt(NOW)).isFalse();
        assertThat(new TokenCredential("t1", "//sp/das", "Cae", NOW).validAt(NOW))
                .isFalse();
        CertificateCredential cert = new CertificateCredential(
                "33-sp/cse/Cae", "CN=a", "CN=ca", FINGERPRINT, List.of(), NOW.minusSeconds(60), NOW);
        assertThat(cert.validAt(NOW.plusMillis(1))).isFalse();
        assertThat(cert.validAt(NOW.minusSeconds(61))).as("not yet valid").isFalse();
        assertThat(cert.validAt(NOW))
                .as("the last instant is included, as in X509Certificate.checkValidity")
                .isTrue();
        assertThat(new PskCredential("sensor@psk.example", List.of("Csensor"), null).validAt(Instant.MAX))
                .isTrue();
    }

    @Test
    void each_member_names_its_credential_id_kind_and_originators() throws Exception {
        PskCredential psk = new PskCredential("sensor@psk.example", List.of("Csensor", "/id-mn"), null);
        assertThat(psk.credentialId()).isEqualTo("12-sensor@psk.example");
        assertThat(psk.kind()).isEqualTo(Credential.Kind.PSK);
        assertThat(psk.allowed()).containsExactly("Csensor", "/id-mn");

        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        RawPublicKeyId id = RawPublicKeyId.of(g.generateKeyPair().getPublic().getEncoded());
        RawPublicKeyCredential raw = new RawPublicKeyCredential(id, List.of("Cdevice"), null);
        assertThat(raw.credentialId()).isEqualTo(id.credentialId()).startsWith("30-");
        assertThat(raw.kind()).isEqualTo(Credential.Kind.RAW_PUBLIC_KEY);

        CertificateCredential cert = new CertificateCredential(
                "33-sp.example/id-in/Cae",
                "CN=Cae",
                "CN=ca",
                FINGERPRINT,
                List.of("//sp.example/id-in/Cae"),
                NOW,
                NOW.plusSeconds(60));
        assertThat(cert.kind()).isEqualTo(Credential.Kind.CERTIFICATE);
        assertThat(cert.allowed()).containsExactly("//sp.example/id-in/Cae");

        TokenCredential token = new TokenCredential("tok-1", "//sp.example/das", "Cae", null);
        assertThat(token.credentialId()).isEqualTo("tok-1");
        assertThat(token.allowed()).containsExactly("Cae");
        assertThat(token.kind()).isEqualTo(Credential.Kind.TOKEN);

        assertThat(NoCredential.INSTANCE.credentialId()).isEmpty();
        assertThat(NoCredential.INSTANCE.allowed()).isEmpty();
        assertThat(NoCredential.INSTANCE.kind()).isEqualTo(Credential.Kind.NONE);
    }

    @Test
    void an_association_carries_the_normalised_originators_and_the_kind_of_what_proved_it() {
        PskCredential psk = new PskCredential("sensor@psk.example", List.of("Csensor", "/id-mn"), null);
        SecurityAssociation sa = SecurityAssociation.of(psk, s -> s.startsWith("/") ? s : "/id-in/" + s);
        assertThat(sa.credentialId()).isEqualTo("12-sensor@psk.example");
        assertThat(sa.identities()).containsExactlyInAnyOrder("/id-in/Csensor", "/id-mn");
        assertThat(sa.kind()).isEqualTo(Credential.Kind.PSK);
        assertThat(sa.allows("/id-in/Csensor")).isTrue();
        assertThat(sa.allows("Csensor")).as("only normalised originators").isFalse();

        SecurityAssociation topic = new SecurityAssociation("mqtt-topic:Cx", Set.of("/id-in/Cx"));
        assertThat(topic.kind()).as("proved by no credential of the family").isEqualTo(Credential.Kind.NONE);
        assertThatThrownBy(() -> new SecurityAssociation("12-x@y", Set.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
