package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MEF's CA key in a PKCS#11 token (SoftHSM2, with a configuration of its own): generated there, never written
 * to a file, every certificate and CRL signed inside the token. Refusals first (a wrong PIN, an unknown store
 * kind), then a device enrols with OpenSSL, the certificate verifies against {@code ca/ca.pem} with
 * {@code openssl verify}, OpenSC's pkcs11-tool shows the key as never extractable, and a revocation publishes a
 * CRL signed by the token.
 */
class MefTokenCaTest {
    static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
    static final String PIN = "mef-" + Long.toHexString(System.nanoTime());
    static final String KPM_ID = "tok1@mef.citadel.example";

    @TempDir
    static Path dir;

    static Map<String, String> env;
    static CseProcess mef;
    static String kpm;
    static String password;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("softhsm2", "softhsm2-util", "--version");
        Path conf = dir.resolve("softhsm2.conf");
        Files.createDirectories(dir.resolve("tokens"));
        Files.writeString(
                conf,
                "directories.tokendir = " + dir.resolve("tokens")
                        + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        env = Map.of("SOFTHSM2_CONF", conf.toString());
        run(List.of(
                "softhsm2-util", "--init-token", "--free", "--label", "mef-ca", "--pin", PIN, "--so-pin", PIN + "-so"));
        io.citadel.credentials.PrivateFiles.write(dir.resolve("pin"), PIN.getBytes(StandardCharsets.UTF_8));
        io.citadel.credentials.PrivateFiles.write(dir.resolve("wrong-pin"), "0000".getBytes(StandardCharsets.UTF_8));
        String added = run(CitadelCommand.of(
                "mef",
                "device",
                "add",
                "--data-dir",
                dir.resolve("mef").toString(),
                "--kpm-id",
                KPM_ID,
                "--ae-id",
                "Ctok1",
                "--cse-id",
                "/id-in"));
        kpm = MefEnrolmentTest.find(added, "bootstrap key \\(Kpm, hex, shown once\\): ([0-9a-f]{64})");
        password = MefEnrolmentTest.find(added, "challenge password \\(shown once\\): (\\S+)");
    }

    @AfterAll
    static void stop() throws Exception {
        if (mef != null) {
            mef.close();
        }
    }

    static List<String> token(String pinFile) {
        return List.of("--ca-key-store", "pkcs11", "--pkcs11-library", LIBRARY, "--ca-key-pin-file", pinFile);
    }

    static String run(List<String> cmd) throws Exception {
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().putAll(env);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    /** Runs {@code citadel <args>} expecting it to fail: its exit status and output. */
    static String refused(List<String> args) throws Exception {
        ProcessBuilder b = new ProcessBuilder(CitadelCommand.of(args.toArray(String[]::new))).redirectErrorStream(true);
        b.environment().putAll(env);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out)
                .as("a message of ours, no stack trace")
                .doesNotContain("\tat ")
                .doesNotContain("Exception");
        return out;
    }

    @Test
    void a_wrong_pin_or_an_unknown_key_store_starts_nothing_and_the_token_ca_signs_enrolments() throws Exception {
        List<String> serve = new ArrayList<>(List.of(
                "mef", "serve", "--data-dir", dir.resolve("mef").toString(), "--port", "0", "--cert-port", "0"));
        List<String> wrongPin = new ArrayList<>(serve);
        wrongPin.addAll(token(dir.resolve("wrong-pin").toString()));
        assertThat(refused(wrongPin)).contains("cannot open the PKCS#11 token");
        List<String> unknown = new ArrayList<>(serve);
        unknown.addAll(List.of("--ca-key-store", "hsm"));
        assertThat(refused(unknown)).contains("--ca-key-store takes pkcs11");
        assertThat(dir.resolve("mef/ca/ca.pem")).doesNotExist();

        List<String> good = new ArrayList<>(serve);
        good.addAll(token(dir.resolve("pin").toString()));
        good.addAll(List.of("--ocsp-port", "0"));
        mef = CseProcess.launch(good, env);
        String ocsp = "http://127.0.0.1:"
                + mef.awaitAnnounced(java.util.regex.Pattern.compile("OCSP over HTTP on http://[^:]+:(\\d+)/ocsp"))
                + "/ocsp";
        // malformed and misdirected requests first: an OCSP malformedRequest answer, our 4xx texts
        Path garbage = dir.resolve("garbage.der");
        Files.write(garbage, new byte[] {0x30, 0x03, 0x02, 0x01});
        Path malformed = dir.resolve("malformed.der");
        run(List.of(
                "curl",
                "-sS",
                "-o",
                malformed.toString(),
                "-H",
                "Content-Type: application/ocsp-request",
                "--data-binary",
                "@" + garbage,
                ocsp));
        assertThat(Files.readAllBytes(malformed)).containsExactly(0x30, 0x03, 0x0a, 0x01, 0x01);
        assertThat(run(List.of("curl", "-sS", "-i", "-H", "Content-Type: text/plain", "--data-binary", "x", ocsp)))
                .contains("HTTP/1.1 415");
        assertThat(run(List.of("curl", "-sS", "-i", ocsp.replace("/ocsp", "/other"))))
                .contains("HTTP/1.1 404");
        assertThat(dir.resolve("mef/ca/ca.pem")).exists();
        assertThat(dir.resolve("mef/ca/ca.key"))
                .as("the CA key is not in a file")
                .doesNotExist();
        String objects = run(List.of("pkcs11-tool", "--module", LIBRARY, "--login", "--pin", PIN, "--list-objects"));
        assertThat(objects).contains("Private Key Object; EC").contains("never extractable");

        Path key = dir.resolve("tok1.key");
        String answer = MefEnrolmentTest.overPsk(
                dir,
                mef.port(),
                KPM_ID,
                kpm,
                "POST",
                "simpleenroll",
                "application/pkcs10",
                MefEnrolmentTest.csr(key, password));
        assertThat(answer).contains("HTTP/1.1 200");
        MefEnrolmentTest.certificateIn(dir, answer, "tok1.pem");
        assertThat(run(List.of(
                        "openssl",
                        "verify",
                        "-CAfile",
                        dir.resolve("mef/ca/ca.pem").toString(),
                        dir.resolve("tok1.pem").toString())))
                .contains("tok1.pem: OK");
        List<String> ask = List.of(
                "openssl",
                "ocsp",
                "-issuer",
                dir.resolve("mef/ca/ca.pem").toString(),
                "-cert",
                dir.resolve("tok1.pem").toString(),
                "-url",
                ocsp,
                "-CAfile",
                dir.resolve("mef/ca/ca.pem").toString());
        assertThat(run(ask))
                .as("OpenSSL's OCSP client, answer signed in the token")
                .contains("tok1.pem: good");

        List<String> revoke = new ArrayList<>(List.of(
                "mef",
                "device",
                "revoke",
                KPM_ID,
                "--data-dir",
                dir.resolve("mef").toString()));
        revoke.addAll(token(dir.resolve("pin").toString()));
        assertThat(run(CitadelCommand.of(revoke.toArray(String[]::new)))).contains("lists 1 certificate(s)");
        // the running MEF reads the CLI's revocation within a second
        assertThat(CseHierarchyTest.awaitValue(() -> run(ask), out -> !out.contains("tok1.pem: good"), "revoked"))
                .contains("tok1.pem: revoked");
        assertThat(run(List.of(
                        "openssl",
                        "crl",
                        "-in",
                        dir.resolve("mef/crl.pem").toString(),
                        "-CAfile",
                        dir.resolve("mef/ca/ca.pem").toString(),
                        "-noout")))
                .contains("verify OK");
    }
}
