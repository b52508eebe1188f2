package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.tls.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MAF-based security association (TS-0003 §8.2.2.3) end to end, the MAF in its own process: an AE opens its MAF
 * handshake with OpenSSL ({@code s_client -psk} with its Km), registers a key for its CSE without a value, so the
 * key is Kc exported from that session ({@code -keymatexport EXPORTER-oneM2M-Connection}), and connects to the CSE
 * with {@code psk_identity} = {@code hex(KcID)@MAF-FQDN}; the CSE retrieves Kc from the MAF with its certificate on
 * first sight and binds the session to the AE. Refusals first: a key for another CSE, a key for another use, a
 * retrieval by a non-target, malformed registrations; then the AE registers, and de-registering the key at the MAF
 * ends its session while another AE's goes on.
 */
class MafSaefTest {
    static final String SP = "citadel.example";
    static final String MAF = "maf." + SP;

    @TempDir
    static Path dir;

    static CseProcess maf;
    static TestCse cse;
    static int mafCertPort;
    static int csePskPort;
    static String km1;
    static String km2;
    static LogWatch security;

    @BeforeAll
    static void start() throws Exception {
        CertificateAuthority lab = CertificateAuthority.create(SP, Duration.ofDays(1));
        lab.save(dir.resolve("lab"));
        CertificateAuthority.save(lab.issueCse("/id-in", SP, Duration.ofDays(1)), dir.resolve("lab"), "cse-in");
        CertificateAuthority.save(lab.issueCse("/id-mn9", SP, Duration.ofDays(1)), dir.resolve("lab"), "cse-mn9");
        Path data = dir.resolve("maf");
        km1 = addClient(data, "ae1", "Cae1");
        km2 = addClient(data, "ae2", "Cae2");
        maf = CseProcess.launch(List.of(
                "maf",
                "serve",
                "--data-dir",
                data.toString(),
                "--port",
                "0",
                "--cert-port",
                "0",
                "--client-trust",
                dir.resolve("lab/ca.pem").toString()));
        mafCertPort = Integer.parseInt(
                maf.awaitAnnounced(Pattern.compile("key procedures over certificate TLS on port (\\d+)")));
        security = LogWatch.of("citadel.security");
        cse = TestCse.in(dir.resolve("cse"))
                .psk()
                .flags(
                        "--tls-cert",
                        dir.resolve("lab/cse-in.pem").toString(),
                        "--tls-key",
                        dir.resolve("lab/cse-in.key").toString(),
                        "--tls-trust",
                        dir.resolve("lab/ca.pem").toString(),
                        "--key-broker",
                        "maf:" + MAF + "=https://127.0.0.1:" + mafCertPort,
                        "--key-broker-trust",
                        data.resolve("ca/ca.pem").toString(),
                        "--key-broker-hold",
                        "PT2S",
                        "--psk-failures-allowed",
                        "1000")
                .start();
        csePskPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cse != null) {
            cse.close();
        }
        if (security != null) {
            security.close();
        }
        maf.close();
    }

    static String addClient(Path data, String name, String aeId) throws Exception {
        String added = MefEnrolmentTest.cli(
                "maf",
                "client",
                "add",
                "--data-dir",
                data.toString(),
                "--km-id",
                name + "@" + MAF,
                "--ae-id",
                aeId,
                "--cse-id",
                "/id-in");
        assertThat(MefEnrolmentTest.cli("maf", "client", "list", "--data-dir", data.toString()))
                .contains(name + "@" + MAF)
                .doesNotContain(MefEnrolmentTest.find(added, "\\(Km, hex, shown once\\): ([0-9a-f]{64})"));
        return MefEnrolmentTest.find(added, "\\(Km, hex, shown once\\): ([0-9a-f]{64})");
    }

    /** What an AE knows after registering its session's key: the key identifier and Kc (hex). */
    record Registered(String answer, String keyId, String kc) {}

    /** One request to the MAF in a fresh MAF handshake session of {@code client}; the raw answer and the export. */
    static Registered toMaf(String client, String km, String method, String path, String json) throws Exception {
        Path request = Files.createTempFile(dir, "maf", ".http");
        Files.writeString(
                request,
                method + " " + path + " HTTP/1.1\r\nHost: " + MAF + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + json.length() + "\r\nConnection: close\r\n\r\n" + json);
        String out = MefEnrolmentTest.run(
                request,
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + maf.port(),
                "-psk_identity",
                client + "@" + MAF,
                "-psk",
                km,
                "-keymatexport",
                "EXPORTER-oneM2M-Connection",
                "-keymatexportlen",
                "48",
                "-ign_eof");
        java.util.regex.Matcher m =
                Pattern.compile("Keying material: ([0-9A-F]{96})").matcher(out);
        if (!m.find()) {
            return new Registered(out, null, null);
        }
        byte[] exported = HexFormat.of().parseHex(m.group(1));
        return new Registered(
                out,
                HexFormat.of().formatHex(exported, 0, 16) + "@" + MAF,
                HexFormat.of().formatHex(exported, 16, 48));
    }

    static Registered register(String client, String km, int suid, String target) throws Exception {
        return toMaf(client, km, "POST", "/maf/keys", "{\"suid\":" + suid + ",\"targetIDs\":[\"" + target + "\"]}");
    }

    static String toCse(String identity, String keyHex, String request) throws Exception {
        Path file = Files.createTempFile(dir, "cse", ".http");
        Files.writeString(file, request);
        return MefEnrolmentTest.run(
                file,
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + csePskPort,
                "-psk_identity",
                identity,
                "-psk",
                keyHex,
                "-quiet",
                "-ign_eof");
    }

    @Test
    void malformed_registrations_and_non_target_retrievals_are_refused() throws Exception {
        assertThat(toMaf("ae1", km1, "POST", "/maf/keys", "not json").answer()).contains("HTTP/1.1 400");
        assertThat(toMaf("ae1", km1, "POST", "/maf/keys", "{\"suid\":32,\"targetIDs\":[\"/id-in\",\"/id-mn9\"]}")
                        .answer())
                .contains("HTTP/1.1 400")
                .contains("exactly one target");
        assertThat(toMaf("ae1", km1, "GET", "/maf/keys", "").answer()).contains("HTTP/1.1 405");
        assertThat(toMaf("ae1", km1, "GET", "/maf/other", "").answer()).contains("HTTP/1.1 404");
        assertThat(toMaf("ae1", "00".repeat(32), "POST", "/maf/keys", "{}").answer())
                .as("a wrong Km: no session")
                .doesNotContain("HTTP/1.1");

        Registered key = register("ae1", km1, 32, "/id-in");
        assertThat(key.answer()).contains("HTTP/1.1 201").contains("\"keyID\":\"" + key.keyId() + "\"");
        String rel = key.keyId().substring(0, key.keyId().indexOf('@'));
        String byOther = MefEnrolmentTest.run(
                null,
                "curl",
                "-sS",
                "-i",
                "--cacert",
                dir.resolve("maf/ca/ca.pem").toString(),
                "--cert",
                dir.resolve("lab/cse-mn9.pem").toString(),
                "--key",
                dir.resolve("lab/cse-mn9.key").toString(),
                "--resolve",
                MAF + ":" + mafCertPort + ":127.0.0.1",
                "https://" + MAF + ":" + mafCertPort + "/maf/keys/" + rel);
        assertThat(byOther).contains("HTTP/1.1 403").doesNotContain("keyValue");
        assertThat(toMaf("ae2", km2, "DELETE", "/maf/keys/" + rel, "").answer())
                .as("only the source de-registers")
                .contains("HTTP/1.1 403");
    }

    @Test
    void keys_for_another_cse_or_another_use_open_no_session() throws Exception {
        Registered elsewhere = register("ae1", km1, 32, "/id-mn9");
        assertThat(toCse(elsewhere.keyId(), elsewhere.kc(), retrieve("Cae1"))).doesNotContain("HTTP/1.1");
        Registered esprim = register("ae1", km1, 33, "/id-in");
        assertThat(toCse(esprim.keyId(), esprim.kc(), retrieve("Cae1"))).doesNotContain("HTTP/1.1");
        assertThat(security.await(
                        m -> m.contains(esprim.keyId()) && m.contains("not for a security association"), 1, 30))
                .isTrue();
        assertThat(toCse("00112233445566778899aabbccddeeff@" + MAF, esprim.kc(), retrieve("Cae1")))
                .doesNotContain("HTTP/1.1");
    }

    @Test
    void an_ae_connects_with_its_maf_key_and_loses_the_session_when_the_key_is_de_registered() throws Exception {
        Registered key = register("ae1", km1, 32, "/id-in");
        assertThat(toCse(key.keyId(), key.kc(), registration("Cother"))).contains("X-M2M-RSC: 4106");
        assertThat(toCse(key.keyId(), key.kc(), registration("Cae1")))
                .contains("X-M2M-RSC: 2001")
                .contains("\"aei\":\"Cae1\"");

        Registered other = register("ae2", km2, 32, "/id-in");
        try (LiveTlsSession survivor = LiveTlsSession.openPsk(csePskPort, other.keyId(), other.kc(), "Cae2");
                LiveTlsSession live = LiveTlsSession.openPsk(csePskPort, key.keyId(), key.kc(), "Cae1")) {
            String rel = key.keyId().substring(0, key.keyId().indexOf('@'));
            assertThat(toMaf("ae1", km1, "DELETE", "/maf/keys/" + rel, "").answer())
                    .contains("HTTP/1.1 200");
            assertThat(live.awaitEnd(30))
                    .as("the de-registered key's session ended")
                    .isTrue();
            assertThat(security.await(m -> m.contains("key " + other.keyId() + " fetched"), 2, 30))
                    .isTrue();
            survivor.request("Cae2", "2");
            assertThat(survivor.awaitAnswers(2, 30)).as(survivor.output()).isTrue();
        }
        assertThat(toCse(key.keyId(), key.kc(), retrieve("Cae1"))).doesNotContain("HTTP/1.1");
    }

    static String retrieve(String originator) {
        return MefProvisionedKeyTest.retrieve(originator);
    }

    static String registration(String originator) {
        return MefProvisionedKeyTest.register(originator);
    }
}
