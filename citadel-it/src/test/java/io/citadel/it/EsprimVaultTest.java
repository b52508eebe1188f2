package io.citadel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.EsprimClient;
import io.citadel.client.HttpTransport;
import io.citadel.client.OneM2mClient;
import io.citadel.e2e.esprim.SessionKeys;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pairwise ESPrim keys kept in a PKCS#11 token (SoftHSM2, initialised at test time): {@code citadel credentials esprim
 * add} with {@code --key-store pkcs11} imports the key into the token (sensitive, not extractable: OpenSC's
 * {@code pkcs11-tool} says so) and prints it once; nothing in the data directory holds it; the CSE derives ESPrim
 * session keys inside the token. Refusals first: a wrong PIN adds nothing; a wrong key is 4115; a key revoked by the CLI
 * while the CSE runs is 4112.
 */
class EsprimVaultTest {
    static final String LIBRARY = SecureEnvironmentTest.LIBRARY;
    static final String PIN = SoftHsm.PIN;
    static final String KID = "esprim-vault@citadel.example";
    static final String OLD_KID = "esprim-old@citadel.example";
    static final String SECOND_KID = "esprim-second@citadel.example";

    @TempDir
    static Path work;

    static Path pinFile;
    static Path data;

    @BeforeAll
    static void token() throws Exception {
        vault = SoftHsm.vault(); // one token per JVM, shared with the other classes that need one
        pinFile = SoftHsm.pinFile();
        data = work.resolve("data");
        // a CSE with a key store keeps its TLS key there too: made in the token, certified by a lab CA
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC", vault.provider());
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair kp = g.generateKeyPair();
        io.citadel.tls.CertificateAuthority ca =
                io.citadel.tls.CertificateAuthority.create("citadel.example", java.time.Duration.ofDays(1));
        ca.save(work.resolve("pki"));
        var cert = ca.certifyCse(kp.getPublic(), "/id-in", "citadel.example", java.time.Duration.ofDays(1));
        vault.keyStore().setKeyEntry("cse-tls", kp.getPrivate(), null, new java.security.cert.Certificate[] {
            cert, ca.certificate()
        });
    }

    static io.citadel.security.vault.Pkcs11KeyVault vault;

    @org.junit.jupiter.api.AfterAll
    static void forgetTheToken() {
        if (vault != null) { // the provider is global to the JVM: later tests in it must not meet it
            java.security.Security.removeProvider(vault.provider().getName());
        }
    }

    static List<String> vault(Path pin) {
        return List.of("--key-store", "pkcs11", "--key-store-pin-file", pin.toString(), "--data-dir", data.toString());
    }

    static String[] esprim(String verb, Path pin, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("credentials", "esprim", verb));
        args.addAll(List.of(more));
        args.addAll(vault(pin));
        return args.toArray(String[]::new);
    }

    @Test
    void a_key_in_the_token_serves_esprim_and_its_revocation_ends_it() throws Exception {
        Path wrongPin = work.resolve("wrong-pin");
        Files.writeString(wrongPin, "not-the-pin");
        assertThat(EsprimHierarchyTest.failingCli(esprim("add", wrongPin, "--kid", KID, "--for", "/id-in/Cvault")))
                .contains("cannot open the PKCS#11 token");
        // a key added before the vault was configured stays in the file store: listed, honoured, revocable, its kid
        // taken
        MefEnrolmentTest.cli(
                "credentials",
                "esprim",
                "add",
                "--kid",
                OLD_KID,
                "--for",
                "/id-in/Cold",
                "--data-dir",
                data.toString());
        String added = MefEnrolmentTest.cli(esprim("add", pinFile, "--kid", KID, "--for", "/id-in/Cvault"));
        assertThat(added).contains("kept in the key vault: pkcs11");
        String hex = MefEnrolmentTest.find(added, "pairwise ESPrim key \\(hex, shown only now\\): ([0-9a-f]{64})");
        byte[] key = HexFormat.of().parseHex(hex);
        assertThat(MefEnrolmentTest.cli(esprim("list", pinFile)))
                .contains(KID + "\t/id-in/Cvault")
                .contains(OLD_KID + "\t/id-in/Cold")
                .doesNotContain(hex);
        assertThat(EsprimHierarchyTest.failingCli(esprim("add", pinFile, "--kid", OLD_KID, "--for", "/id-in/Cvault")))
                .contains("exists; revoke it first");
        assertThat(EsprimHierarchyTest.filesContaining(data, hex)).isEmpty();
        String objects = SecureEnvironmentTest.run(
                "pkcs11-tool", "--module", LIBRARY, "--login", "--pin", PIN, "--list-objects", "--type", "secrkey");
        // OpenSC's view: a generic secret, sensitive (its value cannot be read: CKR_ATTRIBUTE_SENSITIVE), not
        // extractable
        assertThat(objects)
                .contains("esprim-")
                .contains("Access:     sensitive")
                .doesNotContain("extractable")
                .contains("CKR_ATTRIBUTE_SENSITIVE");
        String label = MefEnrolmentTest.find(objects, "label:\\s+(esprim-[0-9a-f]+)");

        try (CseProcess cse = CseProcess.start(
                data,
                "--key-store",
                "pkcs11",
                "--key-store-pin-file",
                pinFile.toString(),
                "--tls-trust",
                work.resolve("pki/ca.pem").toString())) {
            assertThat(cse.awaitAnnounced(
                            java.util.regex.Pattern.compile("key protection: pairwise ESPrim keys: (PKCS#11 token)")))
                    .isEqualTo("PKCS#11 token");
            OneM2mClient ae = new OneM2mClient(HttpTransport.connect("http://127.0.0.1:" + cse.port(), null), "Cvault");
            assertThat(ae.create(
                                    "/id-in/cse-in",
                                    2,
                                    Map.of(
                                            "m2m:ae",
                                            Map.of("rn", "Cvault", "api", "Nvault", "rr", false, "srv", List.of("3"))))
                            .status())
                    .isEqualTo(ResponseStatusCode.CREATED);
            byte[] wrong = key.clone();
            wrong[5] ^= 1;
            try (EsprimClient bad =
                    new EsprimClient(ae, "/id-in/cse-in", "/id-in/Cvault", KID, wrong, SessionKeys.Input.VALUES)) {
                EsprimHierarchyTest.refusedOutside(
                        () -> bad.send(Operation.RETRIEVE, "/id-in/cse-in/Cvault", b -> b),
                        ResponseStatusCode.ESPRIM_BAD_MAC);
            }
            try (EsprimClient e2e =
                    new EsprimClient(ae, "/id-in/cse-in", "/id-in/Cvault", KID, key, SessionKeys.Input.VALUES)) {
                ResponsePrimitive read = e2e.send(Operation.RETRIEVE, "/id-in/cse-in/Cvault", b -> b);
                assertThat(read.status()).isEqualTo(ResponseStatusCode.OK);
                assertThat(String.valueOf(read.content())).contains("Nvault");
            }
            assertThat(MefEnrolmentTest.cli(esprim("revoke", pinFile, OLD_KID))).contains("revoked " + OLD_KID);

            // a key added while the CSE runs is honoured within a second
            String second = MefEnrolmentTest.cli(esprim("add", pinFile, "--kid", SECOND_KID, "--for", "/id-in/Cother"));
            byte[] secondKey = HexFormat.of()
                    .parseHex(MefEnrolmentTest.find(
                            second, "pairwise ESPrim key \\(hex, shown only now\\): ([0-9a-f]{64})"));
            CseHierarchyTest.await(
                    () -> {
                        try (EsprimClient other = new EsprimClient(
                                ae,
                                "/id-in/cse-in",
                                "/id-in/Cother",
                                SECOND_KID,
                                secondKey,
                                SessionKeys.Input.VALUES)) {
                            // Cother is not registered: a 4xxx from inside the protection says the key was honoured
                            return other.send(Operation.RETRIEVE, "/id-in/cse-in", b -> b)
                                            .status()
                                    != null;
                        } catch (EsprimClient.OuterFailure f) {
                            return false;
                        }
                    },
                    "the key added while the CSE runs honoured");
            // someone who may write the data directory rebinds that kid to Cvault: the edited binding names no key
            Path bindings = data.resolve("credentials").resolve("esprim-vault.json");
            Files.writeString(bindings, Files.readString(bindings).replace("/id-in/Cother", "/id-in/Cvault"));
            CseHierarchyTest.await(
                    () -> {
                        try (EsprimClient rebound = new EsprimClient(
                                ae,
                                "/id-in/cse-in",
                                "/id-in/Cvault",
                                SECOND_KID,
                                secondKey,
                                SessionKeys.Input.VALUES)) {
                            rebound.send(Operation.RETRIEVE, "/id-in/cse-in/Cvault", b -> b);
                            return false;
                        } catch (EsprimClient.OuterFailure f) {
                            if (f.status() == ResponseStatusCode.ESPRIM_IMPERSONATION_ERROR) {
                                return false; // the CSE has not read the edited file yet: still bound to Cother
                            }
                            assertThat(f.status()).isEqualTo(ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID);
                            return true;
                        }
                    },
                    "the rebound kid refused (4112)");
            assertThat(cse.output()).doesNotContain(hex);

            assertThat(MefEnrolmentTest.cli(esprim("revoke", pinFile, KID))).contains("revoked " + KID);
            CseHierarchyTest.await(
                    () -> {
                        try (EsprimClient revoked = new EsprimClient(
                                ae, "/id-in/cse-in", "/id-in/Cvault", KID, key, SessionKeys.Input.VALUES)) {
                            revoked.send(Operation.RETRIEVE, "/id-in/cse-in/Cvault", b -> b);
                            return false;
                        } catch (EsprimClient.OuterFailure f) {
                            assertThat(f.status()).isEqualTo(ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID);
                            return true;
                        }
                    },
                    "the revoked key refused (4112)");
        }
        assertThat(SecureEnvironmentTest.run(
                        "pkcs11-tool",
                        "--module",
                        LIBRARY,
                        "--login",
                        "--pin",
                        PIN,
                        "--list-objects",
                        "--type",
                        "secrkey"))
                .as("the key is gone from the token")
                .doesNotContain(label);
    }
}
