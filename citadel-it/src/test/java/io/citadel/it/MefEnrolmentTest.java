package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-provisioned symmetric key RSPF end to end, with third-party peers only on the device side: the operator
 * adds a device to the MEF (its own process), the device enrols over TLS-PSK with its bootstrap key using
 * {@code openssl req} and {@code openssl s_client -psk}, reads the certificate with {@code openssl pkcs7}, and
 * registers with a CSE that trusts the MEF's CA, with curl and that certificate, as the identity the MEF's policy
 * gave it and no other.
 */
class MefEnrolmentTest {
    static final String SP = "citadel.example";
    static final String KPM_ID = "dev1@mef.citadel.example";
    /** A second device, for the refusals (dev1 is revoked by the other test). */
    static final String KPM_ID2 = "dev2@mef.citadel.example";

    @TempDir
    static Path dir;

    static CseProcess mef;
    static String kpmHex;
    static String password;
    static String kpmHex2;
    static String password3;

    @BeforeAll
    static void start() throws Exception {
        Path mefData = dir.resolve("mef");
        String added = cli(
                "mef",
                "device",
                "add",
                "--data-dir",
                mefData.toString(),
                "--kpm-id",
                KPM_ID,
                "--ae-id",
                "Cdev1",
                "--cse-id",
                "/id-in");
        kpmHex = find(added, "bootstrap key \\(Kpm, hex, shown once\\): ([0-9a-f]{64})");
        password = find(added, "challenge password \\(shown once\\): (\\S+)");
        assertThat(cli("mef", "device", "list", "--data-dir", mefData.toString()))
                .contains(KPM_ID + "\tonem2m://" + SP + "/id-in/Cdev1")
                .contains("not enrolled")
                .doesNotContain(password)
                .doesNotContain(kpmHex);
        String added2 = cli(
                "mef",
                "device",
                "add",
                "--data-dir",
                mefData.toString(),
                "--kpm-id",
                KPM_ID2,
                "--ae-id",
                "Cdev2",
                "--cse-id",
                "/id-in");
        kpmHex2 = find(added2, "bootstrap key \\(Kpm, hex, shown once\\): ([0-9a-f]{64})");
        // a manufacturer's CA and three factory device certificates (IDevID), made by OpenSSL: one with a policy,
        // one without, one from a manufacturer the MEF does not trust
        manufacturer("mfr");
        manufacturer("rogue-mfr");
        idevid("mfr", "idev3");
        idevid("mfr", "idev4");
        idevid("rogue-mfr", "idev5");
        String added3 = cli(
                "mef",
                "device",
                "add",
                "--data-dir",
                mefData.toString(),
                "--device-cert",
                dir.resolve("idev3.pem").toString(),
                "--ae-id",
                "Cdev3",
                "--cse-id",
                "/id-in");
        password3 = find(added3, "challenge password \\(shown once\\): (\\S+)");
        assertThat(added3).contains("device ni:///sha-256;");
        mef = CseProcess.launch(List.of(
                "mef",
                "serve",
                "--data-dir",
                mefData.toString(),
                "--port",
                "0",
                "--cert-port",
                "0",
                "--device-trust",
                dir.resolve("mfr.pem").toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        mef.close();
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    static String cli(String... args) throws Exception {
        Process p = new ProcessBuilder(CitadelCommand.of(args))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    static String run(Path input, String... command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        if (input != null) {
            b.redirectInput(input.toFile());
        }
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** One HTTP exchange over TLS-PSK with OpenSSL's s_client; returns the raw response. */
    static String overPsk(String identity, String keyHex, String method, String path, String type, byte[] body)
            throws Exception {
        return overPsk(dir, mef.port(), identity, keyHex, method, path, type, body);
    }

    /** One EST exchange over TLS-PSK with OpenSSL's s_client to the MEF on {@code port} (files in {@code work}). */
    static String overPsk(
            Path work, int port, String identity, String keyHex, String method, String path, String type, byte[] body)
            throws Exception {
        Path request = Files.createTempFile(work, "est", ".http");
        StringBuilder head = new StringBuilder(
                method + " /.well-known/est/" + path + " HTTP/1.1\r\nHost: mef\r\n" + "Connection: close\r\n");
        if (body != null) {
            head.append("Content-Type: ")
                    .append(type)
                    .append("\r\nContent-Transfer-Encoding: base64\r\n")
                    .append("Content-Length: ")
                    .append(body.length)
                    .append("\r\n");
        }
        head.append("\r\n");
        Files.write(request, head.toString().getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
            Files.write(request, body, java.nio.file.StandardOpenOption.APPEND);
        }
        return run(
                request,
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-psk_identity",
                identity,
                "-psk",
                keyHex,
                "-quiet",
                "-ign_eof");
    }

    static byte[] csr(Path key, String challenge) throws Exception {
        run(null, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        Path cnf = key.resolveSibling(key.getFileName() + ".cnf");
        Files.writeString(
                cnf,
                "[req]\nprompt = no\ndistinguished_name = dn\nattributes = attrs\n[dn]\nCN = device\n"
                        + "[attrs]\nchallengePassword = " + challenge + "\n");
        Path der = key.resolveSibling(key.getFileName() + ".csr");
        run(
                null,
                "openssl",
                "req",
                "-new",
                "-key",
                key.toString(),
                "-config",
                cnf.toString(),
                "-outform",
                "DER",
                "-out",
                der.toString());
        return java.util.Base64.getMimeEncoder().encode(Files.readAllBytes(der));
    }

    @Test
    void a_wrong_bootstrap_key_or_challenge_enrols_nothing() throws Exception {
        String wrongKey = (kpmHex2.charAt(0) == 'a' ? "b" : "a") + kpmHex2.substring(1);
        assertThat(overPsk(KPM_ID2, wrongKey, "GET", "cacerts", null, null)).doesNotContain("HTTP/1.1 200");
        String refused = overPsk(
                KPM_ID2,
                kpmHex2,
                "POST",
                "simpleenroll",
                "application/pkcs10",
                csr(dir.resolve("wrong.key"), "not-the-challenge-password"));
        assertThat(refused).contains("HTTP/1.1 401").contains("the challenge password is missing or wrong");
    }

    @Test
    void the_device_enrols_with_its_bootstrap_key_and_registers_as_the_policy_identity() throws Exception {
        // the device enrols: openssl req for the request, s_client -psk for the transport
        Path key = dir.resolve("dev1.key");
        String answer = overPsk(KPM_ID, kpmHex, "POST", "simpleenroll", "application/pkcs10", csr(key, password));
        assertThat(answer).contains("HTTP/1.1 200").contains("application/pkcs7-mime; smime-type=certs-only");
        certificateIn(answer, "dev1.pem");
        assertThat(run(
                        null,
                        "openssl",
                        "verify",
                        "-CAfile",
                        dir.resolve("mef/ca/ca.pem").toString(),
                        dir.resolve("dev1.pem").toString()))
                .contains("dev1.pem: OK");
        assertThat(cli("mef", "device", "list", "--data-dir", dir.resolve("mef").toString()))
                .contains("enrolled serial=");
        // a replayed enrolment gets nothing
        assertThat(overPsk(
                        KPM_ID,
                        kpmHex,
                        "POST",
                        "simpleenroll",
                        "application/pkcs10",
                        csr(dir.resolve("again.key"), password)))
                .contains("HTTP/1.1 401");

        // the device renews over certificate TLS with the certificate it holds (curl, a new key): /simplereenroll
        int certPort = Integer.parseInt(mef.awaitAnnounced(Pattern.compile("over certificate TLS on port (\\d+)")));
        Path renewedKey = dir.resolve("dev1b.key");
        String renewed = reenrol(certPort, dir.resolve("dev1.pem"), key, csr(renewedKey, "no challenge needed"));
        assertThat(renewed).contains("HTTP/1.1 200").contains("application/pkcs7-mime; smime-type=certs-only");
        certificateIn(renewed, "dev1b.pem");
        // the certificate it renewed is stale now: no second renewal with it
        assertThat(reenrol(certPort, dir.resolve("dev1.pem"), key, csr(dir.resolve("dev1c.key"), "x")))
                .contains("HTTP/1.1 401");
        key = renewedKey;

        // a CSE that trusts the MEF's CA for its clients (its own certificate from the operator's lab CA)
        CertificateAuthority lab = CertificateAuthority.create(SP, Duration.ofDays(1));
        lab.save(dir.resolve("lab"));
        CertificateAuthority.save(lab.issueCse("/id-in", SP, Duration.ofDays(1)), dir.resolve("lab"), "cse-in");
        try (RunningCse cse = TestCse.start(
                dir.resolve("cse"),
                "--tls-port",
                "0",
                "--tls-cert",
                dir.resolve("lab/cse-in.pem").toString(),
                "--tls-key",
                dir.resolve("lab/cse-in.key").toString(),
                "--tls-trust",
                dir.resolve("mef/ca/ca.pem").toString(),
                "--tls-crl",
                dir.resolve("mef/crl.pem").toString(),
                "--tls-crl-required",
                "true")) {
            int port = Integer.parseInt(
                    cse.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
            // the certificate the device renewed is superseded: on the MEF's CRL, refused
            assertThat(register(port, dir.resolve("dev1.pem"), dir.resolve("dev1.key"), "Cdev1"))
                    .doesNotContain("X-M2M-RSC: 2");
            String other = register(port, key, "Cother");
            assertThat(other)
                    .as("the certificate binds the policy's identity only")
                    .contains("X-M2M-RSC: 4106");
            String mine = register(port, key, "Cdev1");
            assertThat(mine).contains("X-M2M-RSC: 2001").contains("\"aei\":\"Cdev1\"");

            // the operator revokes the device: its live session ends, it cannot connect or enrol again
            try (LiveTlsSession live =
                    LiveTlsSession.open(port, dir.resolve("dev1b.pem"), key, dir.resolve("lab/ca.pem"), "Cdev1")) {
                assertThat(cli(
                                "mef",
                                "device",
                                "revoke",
                                KPM_ID,
                                "--data-dir",
                                dir.resolve("mef").toString()))
                        .contains("lists 2 certificate(s)"); // the superseded and the current one
                assertThat(live.awaitEnd(30))
                        .as("the revoked device's live session was closed")
                        .isTrue();
            }
            assertThat(register(port, key, "Cdev1")).doesNotContain("X-M2M-RSC: 2");
            assertThat(cli(
                            "mef",
                            "device",
                            "list",
                            "--data-dir",
                            dir.resolve("mef").toString()))
                    .contains(KPM_ID + "\tonem2m://" + SP + "/id-in/Cdev1\tPT720H\trevoked");
        }
    }

    static void manufacturer(String name) throws Exception {
        run(
                null,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-subj",
                "/O=" + name + "/CN=" + name + " device CA",
                "-keyout",
                dir.resolve(name + ".key").toString(),
                "-out",
                dir.resolve(name + ".pem").toString(),
                "-days",
                "2");
    }

    static void idevid(String manufacturer, String name) throws Exception {
        run(
                null,
                "openssl",
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-subj",
                "/O=" + manufacturer + "/serialNumber=" + name,
                "-keyout",
                dir.resolve(name + ".key").toString(),
                "-out",
                dir.resolve(name + ".csr").toString());
        run(
                null,
                "openssl",
                "x509",
                "-req",
                "-in",
                dir.resolve(name + ".csr").toString(),
                "-CA",
                dir.resolve(manufacturer + ".pem").toString(),
                "-CAkey",
                dir.resolve(manufacturer + ".key").toString(),
                "-CAcreateserial",
                "-days",
                "2",
                "-out",
                dir.resolve(name + ".pem").toString());
    }

    @Test
    void a_device_enrols_with_its_manufacturer_certificate_and_only_such_a_device() throws Exception {
        int certPort = Integer.parseInt(mef.awaitAnnounced(Pattern.compile("over certificate TLS on port (\\d+)")));
        // a manufacturer the MEF does not trust: no session
        assertThat(enrolByCertificate(certPort, "idev5", csr(dir.resolve("d5.key"), password3)))
                .doesNotContain("HTTP/1.1");
        // a trusted manufacturer's device without a policy: 401
        assertThat(enrolByCertificate(certPort, "idev4", csr(dir.resolve("d4.key"), password3)))
                .contains("HTTP/1.1 401")
                .contains("no enrolment policy for this enrolee");
        // the device with a policy, wrong challenge password: 401
        assertThat(enrolByCertificate(certPort, "idev3", csr(dir.resolve("d3x.key"), "not-the-password")))
                .contains("HTTP/1.1 401");
        // and with its password: a certificate with the policy's identity, chained to the MEF's CA
        String issued = enrolByCertificate(certPort, "idev3", csr(dir.resolve("d3.key"), password3));
        assertThat(issued).contains("HTTP/1.1 200");
        certificateIn(issued, "dev3.pem");
        assertThat(run(
                        null,
                        "openssl",
                        "verify",
                        "-CAfile",
                        dir.resolve("mef/ca/ca.pem").toString(),
                        dir.resolve("dev3.pem").toString()))
                .contains("dev3.pem: OK");
        assertThat(run(
                        null,
                        "openssl",
                        "x509",
                        "-in",
                        dir.resolve("dev3.pem").toString(),
                        "-noout",
                        "-ext",
                        "subjectAltName"))
                .contains("URI:onem2m://" + SP + "/id-in/Cdev3");
        // its factory certificate cannot enrol it a second time
        assertThat(enrolByCertificate(certPort, "idev3", csr(dir.resolve("d3y.key"), password3)))
                .contains("HTTP/1.1 401");
    }

    /**
     * The certificate RSPF's enrolment exchange with OpenSSL as the device (TS-0003 §8.3.2.1): {@code s_client} with the
     * factory certificate exports {@code EXPORTER-oneM2M-Bootstrap} itself, and the KeID the MEF answers is the first
     * 16 bytes of it in hex, over TLS 1.3 and 1.2. Refusals first: a manufacturer the MEF does not trust, a device
     * without a policy, a device whose policy requires firmware evidence.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void a_device_certificate_gets_its_ke_in_the_enrolment_exchange(String version) throws Exception {
        int certPort = Integer.parseInt(mef.awaitAnnounced(Pattern.compile("over certificate TLS on port (\\d+)")));
        String rogue = "idev5";
        assertThat(enrolmentExchange(certPort, rogue, version)).doesNotContain("HTTP/1.1");
        assertThat(enrolmentExchange(certPort, "idev4", version))
                .contains("HTTP/1.1 403")
                .contains("no enrolment policy for this device");
        String integrityDevice = version.equals("-tls1_3") ? "idev7" : "idev8";
        idevid("mfr", integrityDevice);
        cli(
                "mef",
                "device",
                "add",
                "--data-dir",
                dir.resolve("mef").toString(),
                "--device-cert",
                dir.resolve(integrityDevice + ".pem").toString(),
                "--ae-id",
                "C" + integrityDevice,
                "--cse-id",
                "/id-in",
                "--integrity",
                "required");
        // the running MEF reads the CLI's change within a second
        assertThat(CseHierarchyTest.awaitValue(
                        () -> enrolmentExchange(certPort, integrityDevice, version),
                        answer -> !answer.contains("no enrolment policy for this device"),
                        "the MEF knows the new device"))
                .contains("HTTP/1.1 403")
                .contains("firmware evidence");

        String out = enrolmentExchange(certPort, "idev3", version);
        assertThat(out).contains("HTTP/1.1 200").contains("Verify return code: 0 (ok)");
        byte[] exported = java.util.HexFormat.of().parseHex(find(out, "Keying material: ([0-9A-F]{96})"));
        assertThat(find(out, "\"keID\":\"([^\"]+)\""))
                .isEqualTo(java.util.HexFormat.of().formatHex(java.util.Arrays.copyOfRange(exported, 0, 16)) + "@mef."
                        + SP);
    }

    /** {@code POST /mef/enrolment} with OpenSSL's s_client and the device certificate {@code idev}; its output. */
    private static String enrolmentExchange(int port, String idev, String version) throws Exception {
        Path request = Files.createTempFile(dir, "exchange", ".http");
        Files.writeString(
                request,
                "POST /mef/enrolment HTTP/1.1\r\nHost: mef." + SP
                        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return run(
                request,
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-servername",
                "mef." + SP,
                "-cert",
                dir.resolve(idev + ".pem").toString(),
                "-key",
                dir.resolve(idev + ".key").toString(),
                "-CAfile",
                dir.resolve("mef/ca/ca.pem").toString(),
                "-verify_return_error",
                "-keymatexport",
                "EXPORTER-oneM2M-Bootstrap",
                "-keymatexportlen",
                "48",
                version,
                "-ign_eof");
    }

    /** {@code /simpleenroll} with curl over certificate TLS, authenticated by the device certificate {@code idev}. */
    private static String enrolByCertificate(int port, String idev, byte[] body) throws Exception {
        Path request = Files.createTempFile(dir, "enrol", ".b64");
        Files.write(request, body);
        return run(
                null,
                "curl",
                "-sS",
                "-i",
                "--cacert",
                dir.resolve("mef/ca/ca.pem").toString(),
                "--cert",
                dir.resolve(idev + ".pem").toString(),
                "--key",
                dir.resolve(idev + ".key").toString(),
                "-H",
                "Content-Type: application/pkcs10",
                "--data-binary",
                "@" + request,
                "--resolve",
                "mef." + SP + ":" + port + ":127.0.0.1",
                "https://mef." + SP + ":" + port + "/.well-known/est/simpleenroll");
    }

    /** Writes the certificate of an EST answer (base64 certs-only CMS after the HTTP head) to {@code name}, by OpenSSL. */
    private static void certificateIn(String httpResponse, String name) throws Exception {
        certificateIn(dir, httpResponse, name);
    }

    /** As above, into {@code dir}. */
    static void certificateIn(Path dir, String httpResponse, String name) throws Exception {
        Path b64 = dir.resolve(name + ".b64");
        Path p7 = dir.resolve(name + ".p7");
        Files.writeString(b64, httpResponse.substring(httpResponse.indexOf("\r\n\r\n") + 4));
        run(null, "openssl", "base64", "-d", "-in", b64.toString(), "-out", p7.toString());
        run(
                null,
                "openssl",
                "pkcs7",
                "-inform",
                "DER",
                "-print_certs",
                "-in",
                p7.toString(),
                "-out",
                dir.resolve(name).toString());
    }

    /** {@code /simplereenroll} with curl over certificate TLS; returns the raw response. */
    private String reenrol(int port, Path cert, Path key, byte[] body) throws Exception {
        Path request = Files.createTempFile(dir, "reenrol", ".b64");
        Files.write(request, body);
        return run(
                null,
                "curl",
                "-sS",
                "-i",
                "--cacert",
                dir.resolve("mef/ca/ca.pem").toString(),
                "--cert",
                cert.toString(),
                "--key",
                key.toString(),
                "-H",
                "Content-Type: application/pkcs10",
                "--data-binary",
                "@" + request,
                "--resolve",
                "mef." + SP + ":" + port + ":127.0.0.1",
                "https://mef." + SP + ":" + port + "/.well-known/est/simplereenroll");
    }

    private String register(int port, Path key, String originator) throws Exception {
        return register(port, dir.resolve("dev1b.pem"), key, originator);
    }

    private String register(int port, Path cert, Path key, String originator) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "curl",
                "-s",
                "-i",
                "--cacert",
                dir.resolve("lab/ca.pem").toString(),
                "--resolve",
                "id-in." + SP + ":" + port + ":127.0.0.1",
                "--cert",
                cert.toString(),
                "--key",
                key.toString(),
                "-X",
                "POST",
                "-H",
                "X-M2M-Origin: " + originator,
                "-H",
                "X-M2M-RI: r1",
                "-H",
                "X-M2M-RVI: 3",
                "-H",
                "Content-Type: application/json;ty=2",
                "-d",
                "{\"m2m:ae\":{\"rn\":\"" + originator + "\",\"api\":\"Ndev\",\"rr\":false,\"srv\":[\"3\"]}}",
                "https://id-in." + SP + ":" + port + "/cse-in"));
        return run(null, cmd.toArray(String[]::new));
    }

    /**
     * Integrity validation with OpenSSL as the device: {@code openssl req} adds the firmware evidence attribute (name,
     * version and the SHA-256 {@code openssl dgst} computed of the image); the operator's firmware list decides.
     */
    @Test
    void a_device_with_unknown_firmware_is_refused_and_one_with_restricted_firmware_enrols_restricted()
            throws Exception {
        String data = dir.resolve("mef").toString();
        String added = cli(
                "mef",
                "device",
                "add",
                "--data-dir",
                data,
                "--kpm-id",
                "dev6@mef.citadel.example",
                "--ae-id",
                "Cdev6",
                "--cse-id",
                "/id-in",
                "--integrity",
                "required",
                "--restricted-ae-id",
                "Cdev6q");
        String kpm6 = find(added, "bootstrap key \\(Kpm, hex, shown once\\): ([0-9a-f]{64})");
        String password6 = find(added, "challenge password \\(shown once\\): (\\S+)");
        Path image = dir.resolve("firmware-1.0.bin");
        Files.writeString(image, "firmware image 1.0");
        String sha = find(run(null, "openssl", "dgst", "-sha256", "-r", image.toString()), "^([0-9a-f]{64})");
        assertThat(cli(
                        "mef",
                        "firmware",
                        "add",
                        "--data-dir",
                        data,
                        "--name",
                        "fw",
                        "--version",
                        "1.0",
                        "--sha256",
                        sha,
                        "--restricted",
                        "true"))
                .contains("RESTRICTED");

        String unknown = overPsk(
                "dev6@mef.citadel.example",
                kpm6,
                "POST",
                "simpleenroll",
                "application/pkcs10",
                evidenceCsr(dir.resolve("dev6a.key"), password6, "fw;2.0;" + sha));
        assertThat(unknown).contains("HTTP/1.1 403").contains("the device's firmware is not trusted");
        String restricted = overPsk(
                "dev6@mef.citadel.example",
                kpm6,
                "POST",
                "simpleenroll",
                "application/pkcs10",
                evidenceCsr(dir.resolve("dev6b.key"), password6, "fw;1.0;" + sha));
        assertThat(restricted).contains("HTTP/1.1 200");
        certificateIn(restricted, "dev6.pem");
        assertThat(run(
                        null,
                        "openssl",
                        "x509",
                        "-in",
                        dir.resolve("dev6.pem").toString(),
                        "-noout",
                        "-ext",
                        "subjectAltName"))
                .contains("URI:onem2m://citadel.example/id-in/Cdev6q");
    }

    /** A request by {@code openssl req} with the challenge password and the firmware evidence attribute. */
    static byte[] evidenceCsr(Path key, String challenge, String evidence) throws Exception {
        run(null, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        Path cnf = key.resolveSibling(key.getFileName() + ".cnf");
        Files.writeString(
                cnf,
                "[req]\nprompt = no\ndistinguished_name = dn\nattributes = attrs\n[dn]\nCN = device\n"
                        + "[attrs]\nchallengePassword = " + challenge + "\n"
                        + "2.25.51640520476670301934320748196930289423 = " + evidence + "\n");
        Path der = key.resolveSibling(key.getFileName() + ".csr");
        run(
                null,
                "openssl",
                "req",
                "-new",
                "-key",
                key.toString(),
                "-config",
                cnf.toString(),
                "-outform",
                "DER",
                "-out",
                der.toString());
        return java.util.Base64.getMimeEncoder().encode(Files.readAllBytes(der));
    }
}
