package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key provisioned by the MEF (TS-0003 §8.3.2.1) used with the CSE, the MEF in its own process: the device runs the
 * enrolment exchange with OpenSSL's {@code s_client} in its bootstrap (TLS-PSK) session, exporting Ke itself; it then
 * connects to the CSE with {@code psk_identity} = KeID and the usage-constrained key it derives; the CSE, which has
 * never seen the key, fetches it from the MEF with its CSE certificate and binds the session to the enrolee's AE-ID.
 * Refusals first: unknown KeIDs, foreign brokers, wrong keys, keys for another CSE, fetches by a non-target; then
 * the device registers, and the operator revokes it at the MEF, which ends its live session.
 */
class MefProvisionedKeyTest {
    static final String SP = "citadel.example";
    static final String MEF = "mef." + SP;

    @TempDir
    static Path dir;

    static CseProcess mef;
    static TestCse cse;
    static int mefCertPort;
    static int csePskPort;
    static int coapsPort;
    static final java.util.Map<String, String> kpm = new java.util.HashMap<>();
    static LogWatch security;

    @BeforeAll
    static void start() throws Exception {
        CertificateAuthority lab = CertificateAuthority.create(SP, Duration.ofDays(1));
        lab.save(dir.resolve("lab"));
        CertificateAuthority.save(lab.issueCse("/id-in", SP, Duration.ofDays(1)), dir.resolve("lab"), "cse-in");
        CertificateAuthority.save(lab.issueCse("/id-mn9", SP, Duration.ofDays(1)), dir.resolve("lab"), "cse-mn9");
        Path mefData = dir.resolve("mef");
        addDevice(mefData, "dev1", "Cdev1", "/id-in");
        addDevice(mefData, "dev2", "Cdev2", "/id-in");
        addDevice(mefData, "dev3", "Cdev3", "/id-mn9"); // registers elsewhere: the CSE /id-in gets no key for it
        addDevice(mefData, "dev4", "Cdev4", "/id-in"); // a CoAP device
        addDevice(mefData, "dev5", "Cdev5", "/id-in"); // ESPrim with its MEF-provisioned key
        mef = CseProcess.launch(List.of(
                "mef",
                "serve",
                "--data-dir",
                mefData.toString(),
                "--port",
                "0",
                "--cert-port",
                "0",
                "--target-trust",
                dir.resolve("lab/ca.pem").toString()));
        mefCertPort = Integer.parseInt(
                mef.awaitAnnounced(Pattern.compile("fetchCredentials over certificate TLS on port (\\d+)")));
        security = LogWatch.of("citadel.security");
        cse = TestCse.in(dir.resolve("cse"))
                .psk()
                .coaps()
                .flags(
                        "--tls-cert",
                        dir.resolve("lab/cse-in.pem").toString(),
                        "--tls-key",
                        dir.resolve("lab/cse-in.key").toString(),
                        "--tls-trust",
                        dir.resolve("lab/ca.pem").toString(),
                        "--key-broker",
                        MEF + "=https://127.0.0.1:" + mefCertPort,
                        "--key-broker-trust",
                        mefData.resolve("ca/ca.pem").toString(),
                        "--key-broker-hold",
                        "PT2S",
                        "--psk-failures-allowed",
                        "1000")
                .start();
        csePskPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
        coapsPort =
                Integer.parseInt(cse.awaitAnnounced(Pattern.compile("CoAP over DTLS listening on udp port (\\d+)")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cse != null) {
            cse.close();
        }
        if (security != null) {
            security.close();
        }
        mef.close();
    }

    static void addDevice(Path mefData, String name, String aeId, String cseId) throws Exception {
        String added = MefEnrolmentTest.cli(
                "mef",
                "device",
                "add",
                "--data-dir",
                mefData.toString(),
                "--kpm-id",
                name + "@" + MEF,
                "--ae-id",
                aeId,
                "--cse-id",
                cseId);
        kpm.put(name, MefEnrolmentTest.find(added, "bootstrap key \\(Kpm, hex, shown once\\): ([0-9a-f]{64})"));
    }

    /** What the device holds after its enrolment exchange: KeID and Ke (exported by OpenSSL, not by us). */
    record Enrolment(String keyId, byte[] ke) {
        /** The usage-constrained key for the CSE {@code targetFqdn} and SUID 22, computed here independently. */
        String keyFor(String targetFqdn) throws Exception {
            return keyFor(22, targetFqdn);
        }

        /** The usage-constrained key for {@code targetFqdn} and {@code suid}, computed here independently. */
        String keyFor(int suid, String targetFqdn) throws Exception {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(ke, "HmacSHA256"));
            return HexFormat.of()
                    .formatHex(mac.doFinal(
                            ("oneM2M Enrolment Key to Usage-Constrained Symmetric Key derivation" + suid + targetFqdn)
                                    .getBytes(StandardCharsets.UTF_8)));
        }
    }

    static Enrolment enrol(String device) throws Exception {
        Path request = Files.createTempFile(dir, "enrol", ".http");
        Files.writeString(
                request,
                "POST /mef/enrolment HTTP/1.1\r\nHost: " + MEF + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        String out = MefEnrolmentTest.run(
                request,
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + mef.port(),
                "-psk_identity",
                device + "@" + MEF,
                "-psk",
                kpm.get(device),
                "-keymatexport",
                "EXPORTER-oneM2M-Bootstrap",
                "-keymatexportlen",
                "48",
                "-ign_eof");
        byte[] exported = HexFormat.of().parseHex(MefEnrolmentTest.find(out, "Keying material: ([0-9A-F]{96})"));
        String keyId = MefEnrolmentTest.find(out, "\"keID\":\"([^\"]+)\"");
        assertThat(keyId).isEqualTo(HexFormat.of().formatHex(Arrays.copyOfRange(exported, 0, 16)) + "@" + MEF);
        return new Enrolment(keyId, Arrays.copyOfRange(exported, 16, 48));
    }

    /** One request to the CSE over TLS-PSK with s_client; the raw answer (none when the handshake failed). */
    static String toCse(String identity, String keyHex, String request, String... options) throws Exception {
        Path file = Files.createTempFile(dir, "cse", ".http");
        Files.writeString(file, request);
        List<String> cmd = new java.util.ArrayList<>(List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + csePskPort,
                "-psk_identity",
                identity,
                "-psk",
                keyHex,
                "-quiet",
                "-ign_eof"));
        cmd.addAll(List.of(options));
        return MefEnrolmentTest.run(file, cmd.toArray(String[]::new));
    }

    static String retrieve(String originator) {
        return "GET /cse-in HTTP/1.1\r\nHost: x\r\nX-M2M-Origin: " + originator
                + "\r\nX-M2M-RI: r1\r\nX-M2M-RVI: 3\r\nConnection: close\r\n\r\n";
    }

    static String register(String originator) {
        String body = "{\"m2m:ae\":{\"rn\":\"" + originator + "\",\"api\":\"Ndev\",\"rr\":false,\"srv\":[\"3\"]}}";
        return "POST /cse-in HTTP/1.1\r\nHost: x\r\nX-M2M-Origin: " + originator
                + "\r\nX-M2M-RI: r2\r\nX-M2M-RVI: 3\r\nContent-Type: application/json;ty=2\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body;
    }

    /** {@code GET /fetchCredentials/...} on the MEF with curl and a CSE certificate; the raw answer. */
    static String fetch(String cert, String from, String path) throws Exception {
        return MefEnrolmentTest.run(
                null,
                "curl",
                "-sS",
                "-i",
                "--cacert",
                dir.resolve("mef/ca/ca.pem").toString(),
                "--cert",
                dir.resolve("lab/" + cert + ".pem").toString(),
                "--key",
                dir.resolve("lab/" + cert + ".key").toString(),
                "-H",
                "X-M2M-Origin: " + from,
                "--resolve",
                MEF + ":" + mefCertPort + ":127.0.0.1",
                "https://" + MEF + ":" + mefCertPort + path);
    }

    @Test
    void unknown_or_foreign_identities_wrong_keys_and_keys_for_another_cse_get_no_session() throws Exception {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String anyKey = HexFormat.of().formatHex(random);
        assertThat(toCse("00112233445566778899aabbccddeeff@" + MEF, anyKey, retrieve("Cdev1")))
                .as("a KeID the MEF does not know")
                .doesNotContain("HTTP/1.1");
        assertThat(toCse("00112233445566778899aabbccddeeff@rogue." + SP, anyKey, retrieve("Cdev1")))
                .as("a broker this CSE does not use")
                .doesNotContain("HTTP/1.1");
        Enrolment dev2 = enrol("dev2");
        assertThat(toCse(dev2.keyId(), dev2.keyFor("id-mn9." + SP), retrieve("Cdev2")))
                .as("the key derived for another CSE")
                .doesNotContain("HTTP/1.1");
        Enrolment dev3 = enrol("dev3");
        assertThat(toCse(dev3.keyId(), dev3.keyFor("id-in." + SP), retrieve("Cdev3")))
                .as("a device whose policy names another CSE: the MEF refuses this CSE its key")
                .doesNotContain("HTTP/1.1");
        assertThat(security.await(m -> m.contains("not fetched") && m.contains(dev3.keyId()), 1, 30))
                .isTrue();
    }

    @Test
    void the_mef_serves_a_key_to_its_target_cse_only() throws Exception {
        Enrolment dev2 = enrol("dev2");
        String path = "/fetchCredentials/" + dev2.keyId() + "/22";
        assertThat(fetch("cse-mn9", "/id-mn9", path)).contains("HTTP/1.1 403").contains("\"status\":false");
        assertThat(fetch("cse-in", "/id-mn9", path))
                .as("From not the certificate's CSE")
                .contains("HTTP/1.1 403");
        assertThat(fetch("cse-in", "/id-in", "/fetchCredentials/" + dev2.keyId() + "/24"))
                .as("a use the MEF does not serve (ESData keys)")
                .contains("HTTP/1.1 403");
        String esprim = fetch("cse-in", "/id-in", "/fetchCredentials/" + dev2.keyId() + "/23");
        assertThat(HexFormat.of()
                        .formatHex(java.util.Base64.getDecoder()
                                .decode(MefEnrolmentTest.find(esprim, "\"credential\":\"([^\"]+)\""))))
                .as("the pairwise ESPrim key (SUID 23) is another key than the SAEF key")
                .isEqualTo(dev2.keyFor(23, "id-in." + SP))
                .isNotEqualTo(dev2.keyFor("id-in." + SP));
        assertThat(fetch("cse-in", "/id-in", "/fetchCredentials/00@" + MEF + "/22"))
                .contains("HTTP/1.1 404");
        assertThat(fetch("cse-in", "/id-in", "/fetchCredentials/" + dev2.keyId()))
                .contains("HTTP/1.1 400");
        String served = fetch("cse-in", "/id-in", path);
        assertThat(served).contains("HTTP/1.1 200").contains("\"enroleeID\":\"/id-in/Cdev2\"");
        String key = MefEnrolmentTest.find(served, "\"credential\":\"([^\"]+)\"");
        assertThat(HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(key)))
                .isEqualTo(dev2.keyFor("id-in." + SP));
    }

    @Test
    void an_enrolled_device_registers_with_its_provisioned_key_and_its_revocation_ends_the_session() throws Exception {
        Enrolment dev1 = enrol("dev1");
        String key = dev1.keyFor("id-in." + SP);
        assertThat(toCse(dev1.keyId(), key, register("Cother")))
                .as("the key binds the enrolee's AE-ID only")
                .contains("X-M2M-RSC: 4106");
        assertThat(toCse(dev1.keyId(), key, register("Cdev1")))
                .contains("X-M2M-RSC: 2001")
                .contains("\"aei\":\"Cdev1\"");
        assertThat(toCse(dev1.keyId(), key, retrieve("Cdev1"), "-tls1_2"))
                .as("TLS 1.2: the identity comes in the ClientKeyExchange")
                .contains("X-M2M-RSC: 2000");

        Enrolment dev2 = enrol("dev2");
        try (LiveTlsSession other =
                        LiveTlsSession.openPsk(csePskPort, dev2.keyId(), dev2.keyFor("id-in." + SP), "Cdev2");
                LiveTlsSession live = LiveTlsSession.openPsk(csePskPort, dev1.keyId(), key, "Cdev1")) {
            MefEnrolmentTest.cli(
                    "mef",
                    "device",
                    "revoke",
                    "dev1@" + MEF,
                    "--data-dir",
                    dir.resolve("mef").toString());
            assertThat(live.awaitEnd(30))
                    .as("the revoked device's session ended")
                    .isTrue();
            // dev2's key was asked for again meanwhile, and still vouched for: its session goes on
            assertThat(security.await(m -> m.contains("key " + dev2.keyId() + " fetched"), 2, 30))
                    .isTrue();
            other.request("Cdev2", "2");
            assertThat(other.awaitAnswers(2, 30)).as(other.output()).isTrue();
            assertThat(other.isAlive()).isTrue();
        }
        assertThat(toCse(dev1.keyId(), key, retrieve("Cdev1"))).doesNotContain("HTTP/1.1");
    }

    /**
     * ESPrim with the pairwise key the MEF provisioned (SUID 23, its ID the KeID): the CSE fetches it from the MEF on
     * first sight of the kid and binds it to the enrolee. The SAEF key (SUID 22) does not open an ESPrim object (4115),
     * nor does a KeID the MEF will not give this CSE (4112); the SUID 23 key does.
     */
    @Test
    void a_device_protects_its_requests_end_to_end_with_its_mef_provisioned_esprim_key() throws Exception {
        Enrolment dev5 = enrol("dev5");
        String saefKey = dev5.keyFor("id-in." + SP);
        assertThat(toCse(dev5.keyId(), saefKey, register("Cdev5"))).contains("X-M2M-RSC: 2001");
        io.citadel.client.OneM2mClient hop = new io.citadel.client.OneM2mClient(
                io.citadel.client.HttpTransport.psk(
                        "127.0.0.1", csePskPort, dev5.keyId(), HexFormat.of().parseHex(saefKey)),
                "Cdev5");
        try (io.citadel.client.EsprimClient wrong = esprim(hop, dev5.keyId(), saefKey)) {
            EsprimHierarchyTest.refusedOutside(
                    () -> wrong.send(io.citadel.protocol.Operation.RETRIEVE, "/id-in/cse-in/Cdev5", b -> b),
                    io.citadel.protocol.ResponseStatusCode.ESPRIM_BAD_MAC);
        }
        Enrolment dev3 = enrol("dev3"); // the MEF gives /id-in no key of a device that registers elsewhere
        try (io.citadel.client.EsprimClient foreign = esprim(hop, dev3.keyId(), dev3.keyFor(23, "id-in." + SP))) {
            EsprimHierarchyTest.refusedOutside(
                    () -> foreign.send(io.citadel.protocol.Operation.RETRIEVE, "/id-in/cse-in/Cdev5", b -> b),
                    io.citadel.protocol.ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID);
        }
        try (io.citadel.client.EsprimClient e2e = esprim(hop, dev5.keyId(), dev5.keyFor(23, "id-in." + SP))) {
            io.citadel.protocol.ResponsePrimitive read =
                    e2e.send(io.citadel.protocol.Operation.RETRIEVE, "/id-in/cse-in/Cdev5", b -> b);
            assertThat(read.status())
                    .as(String.valueOf(read.content()))
                    .isEqualTo(io.citadel.protocol.ResponseStatusCode.OK);
            assertThat(String.valueOf(read.content())).contains("Cdev5");
        } finally {
            hop.transport().close();
        }
    }

    static io.citadel.client.EsprimClient esprim(io.citadel.client.OneM2mClient hop, String kid, String keyHex) {
        return new io.citadel.client.EsprimClient(
                hop,
                "/id-in/cse-in",
                "Cdev5",
                kid,
                HexFormat.of().parseHex(keyHex),
                io.citadel.e2e.esprim.SessionKeys.Input.VALUES);
    }

    /**
     * Over CoAP with DTLS-PSK (Scandium as the device's DTLS client): the CSE answers Scandium's key request
     * asynchronously once the key is fetched, so the first handshake with a KeID succeeds; a wrong key does not.
     */
    @Test
    void a_coap_device_uses_its_provisioned_key_over_dtls() throws Exception {
        Enrolment dev4 = enrol("dev4");
        byte[] wrong = HexFormat.of().parseHex(dev4.keyFor("id-mn9." + SP));
        try (io.citadel.client.CoapTransport t =
                io.citadel.client.CoapTransport.psk("127.0.0.1", coapsPort, dev4.keyId(), wrong)) {
            io.citadel.protocol.ResponseStatusCode refused;
            try {
                refused = new io.citadel.client.OneM2mClient(t, "Cdev4")
                        .withTimeout(Duration.ofSeconds(5))
                        .retrieve("cse-in")
                        .status();
            } catch (RuntimeException failed) {
                refused = null;
            }
            assertThat(refused).as("no session with a wrong key").isNull();
        }
        // a new enrolment exchange: a KeID the CSE has never seen, so this handshake waits for the fetch
        Enrolment again = enrol("dev4");
        assertThat(again.keyId()).isNotEqualTo(dev4.keyId());
        byte[] key = HexFormat.of().parseHex(again.keyFor("id-in." + SP));
        try (io.citadel.client.CoapTransport t =
                io.citadel.client.CoapTransport.psk("127.0.0.1", coapsPort, again.keyId(), key)) {
            io.citadel.client.OneM2mClient device = new io.citadel.client.OneM2mClient(t, "Cdev4");
            assertThat(device.create(
                                    "cse-in",
                                    2,
                                    java.util.Map.of(
                                            "m2m:ae",
                                            java.util.Map.of(
                                                    "rn", "Cdev4", "api", "Ndev", "rr", false, "srv", List.of("3"))))
                            .status())
                    .isEqualTo(io.citadel.protocol.ResponseStatusCode.CREATED);
            assertThat(device.as("Cother").retrieve("cse-in").status())
                    .as("the key binds Cdev4 only")
                    .isEqualTo(io.citadel.protocol.ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
        }
    }
}
