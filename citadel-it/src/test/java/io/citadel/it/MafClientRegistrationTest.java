package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.client.tls.PskHttpConnection;
import io.citadel.credentials.KeyDerivation;
import io.citadel.credentials.PrivateFiles;
import io.citadel.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MAF client registration with a master key the MEF provisioned (TS-0003 §8.8.2, SUID 21), the MEF and the MAF in
 * their own processes: a device's enrolment exchange gives it Ke; its Km for the MAF is the usage-constrained key of
 * Ke for SUID 21 and the MAF's FQDN; it opens a MAF session with {@code psk_identity} = its KeID, the MAF fetches Km
 * from the MEF (its FQDN certificate under the MEF's {@code --target-trust}) and, at registration, assigns a KmID of
 * its own (assignedSymmKeyID) for the same Km. Refusals first: a wrong key, an unknown KeID, a second registration,
 * malformed requests, another client's registration; de-registration ends the assigned key.
 */
class MafClientRegistrationTest {
    static final String SP = "citadel.example";
    static final String MEF = "mef." + SP;
    static final String MAF = "maf." + SP;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static CseProcess mef;
    static CseProcess maf;
    static String km2;

    @BeforeAll
    static void start() throws Exception {
        Path mafData = dir.resolve("maf");
        PrivateFiles.directory(mafData);
        PrivateFiles.directory(mafData.resolve("ca"));
        CertificateAuthority.create(SP, Duration.ofDays(1)).save(mafData.resolve("ca"));
        Path mefData = dir.resolve("mef");
        for (String dev : List.of("dev1", "dev2")) {
            String added = MefEnrolmentTest.cli(
                    "mef",
                    "device",
                    "add",
                    "--data-dir",
                    mefData.toString(),
                    "--kpm-id",
                    dev + "@" + MEF,
                    "--ae-id",
                    "C" + dev,
                    "--cse-id",
                    "/id-in");
            java.nio.file.Files.writeString(
                    dir.resolve(dev + ".kpm"),
                    MefEnrolmentTest.find(added, "bootstrap key \\(Kpm, hex, shown once\\): ([0-9a-f]{64})"));
        }
        mef = CseProcess.launch(List.of(
                "mef",
                "serve",
                "--data-dir",
                mefData.toString(),
                "--port",
                "0",
                "--cert-port",
                "0",
                "--maf-fqdn",
                MAF,
                "--target-trust",
                mafData.resolve("ca/ca.pem").toString()));
        int mefCertPort = Integer.parseInt(mef.awaitAnnounced(Pattern.compile("over certificate TLS on port (\\d+)")));
        km2 = MafSaefTest.addClient(mafData, "ae2", "Cae2");
        maf = CseProcess.launch(List.of(
                "maf",
                "serve",
                "--data-dir",
                mafData.toString(),
                "--port",
                "0",
                "--cert-port",
                "0",
                "--client-trust",
                mafData.resolve("ca/ca.pem").toString(),
                "--key-broker",
                MEF + "=https://127.0.0.1:" + mefCertPort,
                "--key-broker-trust",
                mefData.resolve("ca/ca.pem").toString(),
                "--key-broker-hold",
                "PT2S"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (maf != null) {
            maf.close();
        }
        if (mef != null) {
            mef.close();
        }
    }

    /** What the device holds after its enrolment exchange: its KeID and its Km for the MAF. */
    record Enrolled(String keyId, byte[] km) {}

    static Enrolled enrol(String dev) throws Exception {
        byte[] kpm = HexFormat.of()
                .parseHex(java.nio.file.Files.readString(dir.resolve(dev + ".kpm"))
                        .strip());
        try (PskHttpConnection c = new PskHttpConnection(
                "127.0.0.1",
                mef.port(),
                dev + "@" + MEF,
                kpm,
                Map.of(KeyDerivation.BOOTSTRAP_EXPORTER, KeyDerivation.EXPORT_LENGTH))) {
            PskHttpConnection.Reply r =
                    c.exchange("POST", "/mef/enrolment", Map.of(), new byte[0], Duration.ofSeconds(20));
            assertThat(r.status())
                    .as(new String(r.body(), StandardCharsets.UTF_8))
                    .isEqualTo(200);
            KeyDerivation.ExportedKey ke = KeyDerivation.split(c.exported(KeyDerivation.BOOTSTRAP_EXPORTER));
            String keyId = JSON.readTree(r.body()).path("keID").asText();
            assertThat(keyId).isEqualTo(ke.identifier(MEF));
            return new Enrolled(keyId, KeyDerivation.usageConstrainedKey(ke.key(), 21, MAF));
        }
    }

    record Answer(int status, JsonNode body) {}

    static Answer toMaf(String identity, byte[] key, String method, String path, String json) throws Exception {
        try (PskHttpConnection c = new PskHttpConnection("127.0.0.1", maf.port(), identity, key)) {
            PskHttpConnection.Reply r = c.exchange(
                    method,
                    path,
                    Map.of("Content-Type", "application/json"),
                    json == null ? null : json.getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(20));
            return new Answer(r.status(), r.body().length == 0 ? null : JSON.readTree(r.body()));
        }
    }

    @Test
    void a_mef_provisioned_master_key_registers_a_maf_client_which_is_assigned_a_kmid_of_the_maf() throws Exception {
        Enrolled dev = enrol("dev1");
        byte[] wrong = dev.km().clone();
        wrong[0] ^= 1;
        assertThatThrownBy(() -> toMaf(dev.keyId(), wrong, "POST", "/maf/clients", "{}"))
                .as("a wrong Km opens no session")
                .isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(
                        () -> toMaf("00112233445566778899aabbccddeeff@" + MEF, dev.km(), "POST", "/maf/clients", "{}"))
                .as("a KeID the MEF does not know opens no session")
                .isInstanceOf(java.io.IOException.class);

        Answer malformed = toMaf(dev.keyId(), dev.km(), "POST", "/maf/clients", "{\"expirationTime\":\"tomorrow\"}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().path("errorString").asText()).isEqualTo("expirationTime is not a timestamp");
        assertThat(toMaf(dev.keyId(), dev.km(), "POST", "/maf/clients", "{\"mafFQDN\":\"maf.other.example\"}")
                        .body()
                        .path("errorString")
                        .asText())
                .isEqualTo("mafFQDN names another MAF than " + MAF);
        assertThat(toMaf(dev.keyId(), dev.km(), "POST", "/maf/clients", "{\"keyValue\":\"AA==\"}")
                        .status())
                .isEqualTo(400);

        Answer registered = toMaf(dev.keyId(), dev.km(), "POST", "/maf/clients", "{\"labels\":[\"meter\"]}");
        assertThat(registered.status()).as(String.valueOf(registered.body())).isEqualTo(201);
        String regId = registered.body().path("mafClientRegID").asText();
        String assigned = registered.body().path("assignedSymmKeyID").asText();
        assertThat(registered.body().path("mafClientID").asText()).isEqualTo("/id-in/Cdev1");
        assertThat(assigned).matches("[0-9a-f]{32}@" + Pattern.quote(MAF));

        Answer again = toMaf(dev.keyId(), dev.km(), "POST", "/maf/clients", "{}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().path("mafClientRegID").asText()).isEqualTo(regId);
        Answer foreign = toMaf("ae2@" + MAF, HexFormat.of().parseHex(km2), "GET", "/maf/clients/" + regId, null);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body().path("errorString").asText()).isEqualTo("this registration is another client's");
        assertThat(toMaf("ae2@" + MAF, HexFormat.of().parseHex(km2), "POST", "/maf/clients", "{}")
                        .body()
                        .has("assignedSymmKeyID"))
                .as("a Km of the MAF itself is assigned nothing")
                .isFalse();

        // from now on the device opens MAF sessions with the assigned KmID, the MEF out of the loop
        Answer config = toMaf(assigned, dev.km(), "GET", "/maf/clients/" + regId, null);
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.body().path("assignedSymmKeyID").asText()).isEqualTo(assigned);
        assertThat(config.body().path("labels").toString()).isEqualTo("[\"meter\"]");
        Answer key = toMaf(
                assigned,
                dev.km(),
                "POST",
                "/maf/keys",
                "{\"suid\":32,\"targetIDs\":[\"/id-in\"],\"keyValue\":\"" + "A".repeat(43) + "=\"}");
        assertThat(key.status()).as(String.valueOf(key.body())).isEqualTo(201);
        assertThat(key.body().path("sourceMafClientID").asText()).isEqualTo("/id-in/Cdev1");
        Answer updated = toMaf(assigned, dev.km(), "PUT", "/maf/clients/" + regId, "{\"labels\":[\"gas\"]}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body().toString())
                .isEqualTo("{\"labels\":[\"gas\"],\"assignedSymmKeyID\":\"" + assigned + "\"}");

        assertThat(toMaf(assigned, dev.km(), "DELETE", "/maf/clients/" + regId, null)
                        .status())
                .isEqualTo(204);
        assertThatThrownBy(() -> toMaf(assigned, dev.km(), "GET", "/maf/clients/" + regId, null))
                .as("the assigned KmID went with the registration")
                .isInstanceOf(java.io.IOException.class);
        assertThat(toMaf(dev.keyId(), dev.km(), "GET", "/maf/clients/" + regId, null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void another_key_opens_no_session_and_a_device_revoked_at_the_mef_loses_its_assigned_key() throws Exception {
        Enrolled dev = enrol("dev2");
        byte[] other = KeyDerivation.usageConstrainedKey(dev.km(), 22, MAF); // not Km
        assertThatThrownBy(() -> toMaf(dev.keyId(), other, "POST", "/maf/clients", "{}"))
                .isInstanceOf(java.io.IOException.class);
        Answer registered = toMaf(dev.keyId(), dev.km(), "POST", "/maf/clients", "{}");
        assertThat(registered.status()).isEqualTo(201);
        String regId = registered.body().path("mafClientRegID").asText();
        String assigned = registered.body().path("assignedSymmKeyID").asText();
        assertThat(toMaf(assigned, dev.km(), "GET", "/maf/clients/" + regId, null)
                        .status())
                .isEqualTo(200);

        // the MEF revokes the device: the MAF's next check of the source (every 2 s here) ends the assigned key too
        MefEnrolmentTest.cli(
                "mef",
                "device",
                "revoke",
                "dev2@" + MEF,
                "--data-dir",
                dir.resolve("mef").toString());
        maf.awaitAnnounced(Pattern.compile("MAF client registration (" + regId + ") of /id-in/Cdev2 ended"));
        assertThatThrownBy(() -> toMaf(assigned, dev.km(), "GET", "/maf/clients/" + regId, null))
                .isInstanceOf(java.io.IOException.class);
    }
}
