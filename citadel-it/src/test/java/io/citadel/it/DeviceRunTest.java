package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mResponse;
import io.citadel.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code citadel device run} end to end: the MEF in its own process (devices added by {@code citadel mef device
 * add}), the device in its own process, a CSE that trusts the MEF's CA for client certificates and fetches
 * MEF-provisioned keys. Refusals first (a wrong challenge password, a wrong bootstrap key: the device exits with our
 * message, nothing stored); then a device enrols, registers over certificate TLS, writes a contentInstance the
 * administrator reads through the CSE, stops on SIGTERM and starts again from its state; another registers over
 * TLS-PSK with the key it derived from Ke.
 */
class DeviceRunTest {
    static final String SP = "citadel.example";
    static final String MEF = "mef." + SP;
    /** The exit status of a JVM stopped by SIGTERM (after its shutdown hooks ran). */
    static final int SIGTERM = 128 + 15;

    @TempDir
    static Path dir;

    static CseProcess mef;
    static TestCse cse;
    static int mefCertPort;
    static int cseTlsPort;
    static int csePskPort;
    static int cseCoapsPort;
    static final Map<String, String> challenge = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        CertificateAuthority lab = CertificateAuthority.create(SP, Duration.ofDays(1));
        lab.save(dir.resolve("lab"));
        CertificateAuthority.save(lab.issueCse("/id-in", SP, Duration.ofDays(1)), dir.resolve("lab"), "cse-in");
        Path mefData = dir.resolve("mef");
        for (String dev : List.of("dev1", "dev2", "dev3", "dev4", "dev5")) {
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
            Files.writeString(
                    dir.resolve(dev + ".kpm"),
                    MefEnrolmentTest.find(added, "bootstrap key \\(Kpm, hex, shown once\\): ([0-9a-f]{64})"));
            challenge.put(dev, MefEnrolmentTest.find(added, "challenge password \\(shown once\\): (\\S+)"));
            Files.writeString(dir.resolve(dev + ".challenge"), challenge.get(dev));
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
                "--target-trust",
                dir.resolve("lab/ca.pem").toString()));
        mefCertPort = Integer.parseInt(mef.awaitAnnounced(Pattern.compile("over certificate TLS on port (\\d+)")));
        cse = TestCse.in(dir.resolve("cse"))
                .psk()
                .coaps()
                .flags(
                        "--tls-port",
                        "0",
                        "--tls-cert",
                        dir.resolve("lab/cse-in.pem").toString(),
                        "--tls-key",
                        dir.resolve("lab/cse-in.key").toString(),
                        "--tls-trust",
                        mefData.resolve("ca/ca.pem").toString(),
                        "--key-broker",
                        MEF + "=https://127.0.0.1:" + mefCertPort,
                        "--key-broker-trust",
                        mefData.resolve("ca/ca.pem").toString())
                .start();
        cseTlsPort = Integer.parseInt(
                cse.awaitAnnounced(Pattern.compile("TLS \\(certificates\\) listening on port (\\d+)")));
        csePskPort = Integer.parseInt(cse.awaitAnnounced(Pattern.compile("TLS-PSK listening on port (\\d+)")));
        cseCoapsPort =
                Integer.parseInt(cse.awaitAnnounced(Pattern.compile("CoAP over DTLS listening on udp port (\\d+)")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cse != null) {
            cse.close();
        }
        mef.close();
    }

    /** {@code citadel device run} for {@code dev}, registering over certificate TLS ({@code psk} false) or TLS-PSK. */
    static List<String> deviceRun(String dev, String kpmFile, String challengeFile, boolean psk) {
        List<String> args = new ArrayList<>(List.of(
                "device",
                "run",
                "--mef-host",
                "127.0.0.1",
                "--mef-port",
                String.valueOf(mef.port()),
                "--mef-cert-port",
                String.valueOf(mefCertPort),
                "--mef-fqdn",
                MEF,
                "--kpm-id",
                dev + "@" + MEF,
                "--kpm-file",
                dir.resolve(kpmFile).toString(),
                "--challenge-file",
                dir.resolve(challengeFile).toString(),
                "--cse-id",
                "/id-in",
                "--state-dir",
                dir.resolve("state-" + dev).toString()));
        if (psk) {
            args.addAll(List.of("--cse-psk", "127.0.0.1:" + csePskPort));
        } else {
            args.addAll(List.of(
                    "--cse",
                    "https://127.0.0.1:" + cseTlsPort,
                    "--cse-trust",
                    dir.resolve("lab/ca.pem").toString()));
        }
        return args;
    }

    /** Runs a device that is expected to fail: its exit code and output. */
    static String failing(List<String> args) throws Exception {
        Process p = new ProcessBuilder(CitadelCommand.of(args.toArray(String[]::new)))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        return out;
    }

    static OneM2mResponse asAdmin(String path) {
        return cse.client().as(CseProcess.ADMIN).retrieve(path);
    }

    @Test
    void a_wrong_challenge_password_or_bootstrap_key_enrols_nothing_and_the_device_says_why() throws Exception {
        Files.writeString(dir.resolve("wrong.challenge"), "not-the-challenge-password");
        assertThat(failing(deviceRun("dev3", "dev3.kpm", "wrong.challenge", false)))
                .contains("citadel device: the MEF refused EST simpleenroll (401): the challenge password is missing"
                        + " or wrong")
                .doesNotContain("Exception")
                .doesNotContain(challenge.get("dev3"));
        assertThat(dir.resolve("state-dev3/device.p12")).doesNotExist();
        Files.writeString(dir.resolve("wrong.kpm"), "00".repeat(32));
        assertThat(failing(deviceRun("dev3", "wrong.kpm", "dev3.challenge", false)))
                .contains("citadel device: the enrolment exchange failed: no TLS-PSK session with the MEF")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("state-dev3/device.p12")).doesNotExist();
    }

    @Test
    void a_device_enrols_registers_over_certificate_tls_and_starts_again_from_its_state() throws Exception {
        CseProcess device = CseProcess.launch(deviceRun("dev1", "dev1.kpm", "dev1.challenge", false));
        assertThat(device.output())
                .contains("Citadel device: enrolled as Cdev1")
                .contains("Citadel device ready: Cdev1")
                .doesNotContain(Files.readString(dir.resolve("dev1.kpm")))
                .doesNotContain(challenge.get("dev1"));
        OneM2mResponse ae = asAdmin("cse-in/Cdev1");
        assertThat(ae.rsc()).as(ae.text()).isEqualTo(2000);
        assertThat(ae.text()).contains("\"aei\":\"Cdev1\"");
        OneM2mResponse latest = asAdmin("cse-in/Cdev1/data/la");
        assertThat(latest.rsc()).as(latest.text()).isEqualTo(2000);
        assertThat(latest.text()).contains("ready at ");
        assertThat(device.terminate()).as(device.output()).isEqualTo(SIGTERM);
        device.awaitAnnounced(Pattern.compile("(Citadel device stopped)")); // the hook ran: a clean stop

        // again, without the factory secrets: from its state, already registered
        Files.delete(dir.resolve("dev1.kpm"));
        CseProcess again = CseProcess.launch(deviceRun("dev1", "dev1.kpm", "dev1.challenge", false));
        assertThat(again.output()).doesNotContain("enrolled as").contains("Citadel device ready: Cdev1");
        assertThat(again.terminate()).isEqualTo(SIGTERM);
        OneM2mResponse data = asAdmin("cse-in/Cdev1/data");
        assertThat(data.text()).contains("\"cni\":2");
    }

    @Test
    void a_device_registers_over_tls_psk_with_the_key_it_derived_from_ke() throws Exception {
        // a command waits for it at the MEF: once running, the device polls and executes it (it uses that profile)
        MefEnrolmentTest.cli(
                "mef",
                "command",
                "add",
                "--data-dir",
                dir.resolve("mef").toString(),
                "--enrolee",
                "dev2@" + MEF,
                "--class",
                "MO_NODE",
                "--object-path",
                "./sec/authProfile",
                "--object-type-id",
                "1",
                "--suid",
                "22");
        // and its node holds a trust anchor to add: the MEF's CA, which it knows, named by its fingerprint
        var admin = cse.client().as(CseProcess.ADMIN);
        OneM2mResponse acp = admin.create(
                "cse-in",
                1,
                Fixtures.acp(
                        "acp-node-Cdev2",
                        List.of(Fixtures.rule(List.of("Cdev2"), 2 | 4 | 32)),
                        List.of(Fixtures.rule(List.of(CseProcess.ADMIN), 63))));
        assertThat(acp.rsc()).as(acp.text()).isEqualTo(2001);
        List<String> acpi = List.of((String) acp.resource("m2m:acp").get("ri"));
        assertThat(admin.create(
                                "cse-in",
                                14,
                                Map.of("m2m:nod", Map.of("rn", "node-Cdev2", "ni", "urn:dev2", "acpi", acpi)))
                        .rsc())
                .isEqualTo(2001);
        String fingerprint = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(java.security.cert.CertificateFactory.getInstance("X.509")
                                .generateCertificate(Files.newInputStream(dir.resolve("mef/ca/ca.pem")))
                                .getEncoded()));
        assertThat(admin.create(
                                "cse-in/node-Cdev2",
                                13,
                                Map.of(
                                        "dcfg:tacr",
                                        Map.of("rn", "mef-ca", "mgd", 1024, "cfp", fingerprint, "acpi", acpi)))
                        .rsc())
                .isEqualTo(2001);
        List<String> args = new ArrayList<>(deviceRun("dev2", "dev2.kpm", "dev2.challenge", true));
        args.addAll(List.of("--node", "/id-in/cse-in/node-Cdev2", "--node-poll", "3600"));
        CseProcess device = CseProcess.launch(args);
        assertThat(device.output()).contains("Citadel device ready: Cdev2");
        device.awaitAnnounced(Pattern.compile("(management object \\S+ \\(mgd 1024\\) applied: trust anchor added)"));
        device.awaitAnnounced(Pattern.compile("(MEF command \\d+ \\(class 3\\) answered 20 OK: authenticates to its"
                + " CSE by TLS-PSK with its MEF-provisioned key \\(SUID 22\\) already)"));
        assertThat(device.terminate()).isEqualTo(SIGTERM);
        OneM2mResponse latest = asAdmin("cse-in/Cdev2/data/la");
        assertThat(latest.rsc()).as(latest.text()).isEqualTo(2000);
        assertThat(latest.text()).contains("ready at ");
    }

    @Test
    void a_coap_device_registers_over_dtls_psk_with_the_key_it_derived_from_ke() throws Exception {
        List<String> args = new ArrayList<>(deviceRun("dev4", "dev4.kpm", "dev4.challenge", true));
        int psk = args.indexOf("--cse-psk");
        args.set(psk, "--cse-coaps");
        args.set(psk + 1, "127.0.0.1:" + cseCoapsPort);
        args.addAll(List.of("--mef-commands", "off"));
        CseProcess device = CseProcess.launch(args);
        assertThat(device.output()).contains("Citadel device ready: Cdev4");
        assertThat(device.terminate()).isEqualTo(SIGTERM);
        OneM2mResponse latest = asAdmin("cse-in/Cdev4/data/la");
        assertThat(latest.rsc()).as(latest.text()).isEqualTo(2000);
        assertThat(latest.text()).contains("ready at ");
    }

    /** Runs a tool with {@code env} added; its output, asserting it exits 0. */
    static String tool(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().putAll(env);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    @Test
    void a_device_with_a_pkcs11_token_keeps_its_key_there_through_enrolment_and_renewal() throws Exception {
        Tools.require("softhsm2", "softhsm2-util", "--version");
        Tools.require("opensc", "sh", "-c", "command -v pkcs11-tool");
        String library = "/usr/lib/softhsm/libsofthsm2.so";
        Path conf = dir.resolve("softhsm2.conf");
        Files.createDirectories(dir.resolve("tokens"));
        Files.writeString(
                conf,
                "directories.tokendir = " + dir.resolve("tokens")
                        + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Map<String, String> env = Map.of("SOFTHSM2_CONF", conf.toString());
        String pin = "4716";
        tool(env, "softhsm2-util", "--init-token", "--free", "--label", "device", "--pin", pin, "--so-pin", "9911");
        io.citadel.credentials.PrivateFiles.write(dir.resolve("dev5.pin"), pin.getBytes(StandardCharsets.UTF_8));
        io.citadel.credentials.PrivateFiles.write(dir.resolve("dev5.badpin"), "0000".getBytes(StandardCharsets.UTF_8));

        List<String> args = new ArrayList<>(deviceRun("dev5", "dev5.kpm", "dev5.challenge", false));
        args.addAll(List.of(
                "--pkcs11-library",
                library,
                "--pkcs11-pin-file",
                dir.resolve("dev5.badpin").toString()));
        Process wrong = new ProcessBuilder(CitadelCommand.of(args.toArray(String[]::new)))
                .redirectErrorStream(true)
                .start();
        String refusal = new String(wrong.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(wrong.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refusal)
                .contains("citadel device: the PKCS#11 token cannot be opened")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("state-dev5/device.p12")).doesNotExist();

        // a CERT_PROV waits at the MEF: the device renews at once, with a new key in the token
        MefEnrolmentTest.cli(
                "mef",
                "command",
                "add",
                "--data-dir",
                dir.resolve("mef").toString(),
                "--enrolee",
                "dev5@" + MEF,
                "--class",
                "CERT_PROV");
        args.set(args.size() - 1, dir.resolve("dev5.pin").toString());
        CseProcess device = CseProcess.launch(args, env);
        assertThat(device.output()).contains("Citadel device ready: Cdev5");
        device.awaitAnnounced(Pattern.compile("(MEF command \\d+ \\(class 1\\) answered 20 OK)"));
        assertThat(device.terminate()).isEqualTo(SIGTERM);
        assertThat(asAdmin("cse-in/Cdev5/data/la").rsc()).isEqualTo(2000);

        // one private key in the token (the renewed one; the first was removed), none in the state
        String keys = tool(
                env,
                "pkcs11-tool",
                "--module",
                library,
                "--login",
                "--pin",
                pin,
                "--list-objects",
                "--type",
                "privkey");
        assertThat(Pattern.compile("Private Key Object").matcher(keys).results().count())
                .as(keys)
                .isEqualTo(1);
        java.security.KeyStore state = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dir.resolve("state-dev5/device.p12"))) {
            state.load(
                    in,
                    Files.readString(dir.resolve("state-dev5/store.pass"))
                            .strip()
                            .toCharArray());
        }
        assertThat(state.containsAlias("device")).isFalse();
        assertThat(state.containsAlias("chain-0")).isTrue();
    }
}
