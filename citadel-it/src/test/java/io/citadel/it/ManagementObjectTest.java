package io.citadel.it;

import static io.citadel.it.Fixtures.acp;
import static io.citadel.it.Fixtures.ae;
import static io.citadel.it.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device management over HTTP: {@code <node>} and its {@code <mgmtObj>} specializations, each in its own member
 * name, the authenticationProfile's key never coming back out, and acod spty deciding which mgd an originator may
 * create. Negative cases first.
 */
class ManagementObjectTest {
    private static final AtomicInteger SEQ = new AtomicInteger();
    /** A symmetric key generated for this run; no response, notification or filter may ever show it. */
    private static final String SECRET =
            java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(32));

    @TempDir
    static Path dataDir;

    @TempDir
    static Path keys;

    static RunningCse cse;
    static OneM2mHttpClient admin;

    @BeforeAll
    static void start() throws Exception {
        // the firmware update key, made by OpenSSL: its public key is what the CSE trusts
        run(
                "openssl",
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                keys.resolve("update.key").toString());
        run(
                "openssl",
                "ec",
                "-in",
                keys.resolve("update.key").toString(),
                "-pubout",
                "-out",
                keys.resolve("update.pub").toString());
        cse = TestCse.start(
                dataDir,
                "--registration-allowed",
                "C*",
                "--firmware-update-keys",
                keys.resolve("update.pub").toString());
        admin = cse.client().as(CseProcess.ADMIN);
    }

    @AfterAll
    static void stop() throws Exception {
        cse.close();
    }

    static OneM2mHttpClient register(String stem) {
        OneM2mHttpClient app = cse.client().as(stem);
        assertThat(app.create("cse-in", 2, ae(stem)).rsc()).isEqualTo(2001);
        return app;
    }

    /** A new node under the CSEBase, made by the administrator; its address. */
    static String node(Map<String, Object> extra) {
        String rn = "dev" + SEQ.incrementAndGet();
        Map<String, Object> nod = new LinkedHashMap<>(extra);
        nod.put("rn", rn);
        nod.put("ni", "urn:dev:ops:" + rn);
        OneM2mResponse r = admin.create("cse-in", 14, Map.of("m2m:nod", nod));
        assertThat(r.rsc()).as(r.text()).isEqualTo(2001);
        return "cse-in/" + rn;
    }

    static Map<String, Object> firmware(String rn) {
        Map<String, Object> fwr = new LinkedHashMap<>();
        fwr.put("rn", rn);
        fwr.put("mgd", 1001);
        fwr.put("vr", "1.0.0");
        fwr.put("fwn", "base-image");
        fwr.put("url", "https://updates.example.com/base-1.0.0.bin");
        fwr.put("ud", false);
        return Map.of("m2m:fwr", fwr);
    }

    static Map<String, Object> profile(String rn) {
        Map<String, Object> aupf = new LinkedHashMap<>();
        aupf.put("rn", rn);
        aupf.put("mgd", 1022);
        aupf.put("suid", 12);
        aupf.put("skid", "kpsa1@mef.example.com");
        aupf.put("skv", SECRET);
        aupf.put("tlscs", List.of(49320));
        return Map.of("dcfg:aupf", aupf);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> attributes(Map<String, Object> content) {
        return (Map<String, Object>) content.values().iterator().next();
    }

    static void refused(OneM2mResponse r, int rsc, String message) {
        assertThat(r.rsc()).as(r.text()).isEqualTo(rsc);
        assertThat(r.text()).contains(message).doesNotContain("Exception").doesNotContain(SECRET);
    }

    @Test
    void a_mgmt_obj_is_created_only_under_a_node() {
        refused(admin.create("cse-in", 13, firmware("fw")), 4108, "cannot be created under m2m:cb");
        OneM2mHttpClient app = register("Cmgoparent");
        refused(app.create("cse-in/Cmgoparent", 13, firmware("fw")), 4108, "cannot be created under m2m:ae");
        refused(
                admin.create("cse-in/Cmgoparent", 14, Map.of("m2m:nod", Map.of("ni", "n"))),
                4108,
                "cannot be created under m2m:ae");
    }

    @Test
    void a_node_needs_its_node_id_and_cannot_claim_what_the_cse_reports() {
        refused(admin.create("cse-in", 14, Map.of("m2m:nod", Map.of("rn", "noid"))), 4000, "'ni' missing");
        refused(
                admin.create("cse-in", 14, Map.of("m2m:nod", Map.of("ni", "n", "rms", true))),
                4000,
                "'rms' may not be set in CREATE");
    }

    @Test
    void a_mgmt_obj_needs_a_supported_mgd_that_matches_its_member_name() {
        String nod = node(Map.of());
        Map<String, Object> noMgd = new LinkedHashMap<>(attributes(firmware("a")));
        noMgd.remove("mgd");
        refused(admin.create(nod, 13, Map.of("m2m:fwr", noMgd)), 4000, "mandatory attribute 'mgd' missing");
        Map<String, Object> memory = new LinkedHashMap<>(noMgd);
        memory.put("mgd", 1003);
        refused(admin.create(nod, 13, Map.of("m2m:fwr", memory)), 4000, "mgd 1003 is not a supported specialization");
        refused(
                admin.create(nod, 13, Map.of("m2m:mgo", Map.of("mgd", 1001))),
                4000,
                "content member 'm2m:mgo' is not a supported m2m:mgo specialization");
        refused(
                admin.create(nod, 13, Map.of("m2m:rbo", attributes(firmware("b")))),
                4000,
                "does not match the specialization it names, m2m:fwr");
        Map<String, Object> withReboot = new LinkedHashMap<>(noMgd);
        withReboot.put("mgd", 1001);
        withReboot.put("rbo", true);
        refused(admin.create(nod, 13, Map.of("m2m:fwr", withReboot)), 4000, "unknown attribute 'rbo' for m2m:fwr");
        refused(
                admin.create(nod, 13, Map.of("m2m:rbo", Map.of("mgd", 1009, "rbo", true, "far", true))),
                4000,
                "'rbo' and 'far' cannot both be true");
    }

    @Test
    void firmware_is_created_read_updated_and_deleted_in_its_own_member_name() throws Exception {
        String nod = node(Map.of());
        OneM2mResponse created = admin.create(nod, 13, firmware("fw"));
        assertThat(created.rsc()).as(created.text()).isEqualTo(2001);
        assertThat(created.resource("m2m:fwr")).containsEntry("ty", 13L).containsEntry("mgd", 1001L);
        String fw = nod + "/fw";
        assertThat(admin.retrieve(fw).resource("m2m:fwr"))
                .containsEntry("vr", "1.0.0")
                .containsEntry("url", "https://updates.example.com/base-1.0.0.bin");
        OneM2mResponse xml = admin.send("GET", fw, null, null, Map.of("Accept", "application/xml"));
        assertThat(xml.text()).contains("<m2m:fwr xmlns:m2m=").contains("<mgd>1001</mgd>");

        refused(admin.update(fw, Map.of("m2m:fwr", Map.of("mgd", 1002))), 4000, "'mgd' may not be set in UPDATE");
        refused(
                admin.update(fw, Map.of("m2m:rbo", Map.of("rbo", true))),
                4000,
                "content member 'm2m:rbo' does not match the resource type m2m:fwr");
        refused(admin.update(fw, Map.of("m2m:fwr", Map.of("rbo", true))), 4000, "unknown attribute 'rbo'");
        refused(
                admin.update(fw, Map.of("m2m:fwr", Map.of("vr", "1.1.0", "ud", true))),
                4000,
                "a firmware update needs 'fwh'");
        String url = "https://updates.example.com/base-1.0.0.bin";
        String hash = "ab".repeat(32);
        String nodeRi = (String) admin.retrieve(nod).resource("m2m:nod").get("ri");
        String forged = sign(nodeRi, "base-image", "1.1.0", "https://evil.example/x.bin", hash);
        refused(
                admin.update(
                        fw,
                        Map.of(
                                "m2m:fwr",
                                Map.of(
                                        "vr",
                                        "1.1.0",
                                        "ud",
                                        true,
                                        "fwh",
                                        hash,
                                        "fwsg",
                                        sign("another-node", "base-image", "1.1.0", url, hash)))),
                4000,
                "not signed by a trusted update key");
        refused(
                admin.update(fw, Map.of("m2m:fwr", Map.of("vr", "1.1.0", "ud", true, "fwh", hash, "fwsg", forged))),
                4000,
                "not signed by a trusted update key");
        assertThat(admin.retrieve(fw).resource("m2m:fwr")).containsEntry("ud", false);
        OneM2mResponse updated = admin.update(
                fw,
                Map.of(
                        "m2m:fwr",
                        Map.of(
                                "vr",
                                "1.1.0",
                                "ud",
                                true,
                                "fwh",
                                hash,
                                "fwsg",
                                sign(nodeRi, "base-image", "1.1.0", url, hash),
                                "uds",
                                Map.of("acn", "update", "sus", 3))));
        assertThat(updated.rsc()).as(updated.text()).isEqualTo(2004);
        assertThat(updated.resource("m2m:fwr")).containsEntry("vr", "1.1.0").containsEntry("ud", true);

        Map<String, Object> withChildren = admin.retrieve(nod + "?rcn=4").resource("m2m:nod");
        assertThat(withChildren).containsKey("m2m:fwr").doesNotContainKey("m2m:mgo");
        assertThat(withChildren.get("m2m:fwr")).asList().hasSize(1);

        assertThat(admin.delete(fw).rsc()).isEqualTo(2002);
        assertThat(admin.retrieve(fw).rsc()).isEqualTo(4004);
    }

    @Test
    void an_authentication_profile_never_gives_its_key_back() throws Exception {
        String nod = node(Map.of());
        refused(
                admin.create(nod, 13, Map.of("dcfg:aupf", Map.of("mgd", 1022, "suid", 22, "skv", SECRET))),
                4000,
                "kept only for a pre-provisioned key");
        OneM2mResponse created = admin.create(nod, 13, profile("auth"));
        assertThat(created.rsc()).as(created.text()).isEqualTo(2001);
        assertThat(created.resource("dcfg:aupf")).containsEntry("suid", 12L).doesNotContainKey("skv");
        String auth = nod + "/auth";
        List<OneM2mResponse> reads = List.of(
                created,
                admin.retrieve(auth),
                admin.retrieve(auth + "?atrl=skv+skid"),
                admin.retrieve(nod + "?rcn=4"),
                admin.retrieve(nod + "?fu=1&skv=" + java.net.URLEncoder.encode(SECRET, StandardCharsets.UTF_8)),
                admin.send("GET", auth, null, null, Map.of("Accept", "application/xml")),
                admin.update(auth + "?rcn=9", Map.of("dcfg:aupf", Map.of("skv", SECRET, "lbl", List.of("rotated")))),
                admin.update(auth, Map.of("dcfg:aupf", Map.of("lbl", List.of("again")))));
        for (OneM2mResponse r : reads) {
            assertThat(r.rsc()).as(r.text()).isBetween(2000, 2004);
            assertThat(r.text()).doesNotContain(SECRET).doesNotContain("citadel:");
        }
        assertThat(admin.retrieve(auth).resource("dcfg:aupf"))
                .containsEntry("skid", "kpsa1@mef.example.com")
                .containsEntry("lbl", List.of("again"));
        assertThat(admin.retrieve(nod + "?fu=1&skv=" + java.net.URLEncoder.encode(SECRET, StandardCharsets.UTF_8))
                        .text())
                .doesNotContain("auth");
        OneM2mResponse xml = admin.send("GET", auth, null, null, Map.of("Accept", "application/xml"));
        assertThat(xml.text()).contains("<dcfg:aupf ").contains("xmlns:dcfg=");

        try (NotificationReceiver receiver = NotificationReceiver.start()) {
            OneM2mResponse sub = admin.create(
                    auth, 23, Map.of("m2m:sub", Map.of("rn", "watch", "nu", List.of(receiver.url()), "nct", 1)));
            assertThat(sub.rsc()).as(sub.text()).isEqualTo(2001);
            assertThat(receiver.next().isVerification()).isTrue();
            assertThat(admin.update(auth, Map.of("dcfg:aupf", Map.of("skv", SECRET + "2")))
                            .rsc())
                    .isEqualTo(2004);
            NotificationReceiver.Received full = receiver.nextEvent();
            assertThat(full.body().toString()).contains("dcfg:aupf").doesNotContain(SECRET);
            assertThat(admin.update(auth + "/watch", Map.of("m2m:sub", Map.of("nct", 2)))
                            .rsc())
                    .isEqualTo(2004);
            assertThat(admin.update(auth, Map.of("dcfg:aupf", Map.of("skv", SECRET + "3", "lbl", List.of("n2")))))
                    .extracting(OneM2mResponse::rsc)
                    .isEqualTo(2004);
            NotificationReceiver.Received modified = receiver.nextEvent();
            assertThat(modified.body().toString()).contains("n2").doesNotContain(SECRET);
        }
    }

    @Test
    void a_certificate_file_credential_comes_and_goes_as_xml_without_its_content() {
        String nod = node(Map.of());
        String bad = "<dcfg:nycfc xmlns:dcfg=\"http://www.onem2m.org/xml/dcfg\" rn=\"bad\"><mgd>1023</mgd>"
                + "<suids>99</suids><mcff>application/x-pem-file</mcff><mcfc>" + SECRET + "</mcfc></dcfg:nycfc>";
        refused(
                admin.send("POST", nod, "application/xml;ty=13", bad.getBytes(StandardCharsets.UTF_8)),
                4000,
                "attribute 'suids' must be one of");
        String xml = bad.replace("rn=\"bad\"", "rn=\"cert\"").replace("<suids>99</suids>", "<suids>42 43</suids>");
        OneM2mResponse created = admin.send("POST", nod, "application/xml;ty=13", xml.getBytes(StandardCharsets.UTF_8));
        assertThat(created.rsc()).as(created.text()).isEqualTo(2001);
        OneM2mResponse read = admin.send("GET", nod + "/cert", null, null, Map.of("Accept", "application/xml"));
        assertThat(read.text())
                .contains("<dcfg:nycfc xmlns:m2m=")
                .contains("<suids>42 43</suids>")
                .contains("<mcff>application/x-pem-file</mcff>")
                .doesNotContain(SECRET)
                .doesNotContain("mcfc");
        assertThat(admin.retrieve(nod + "/cert").resource("dcfg:nycfc"))
                .containsEntry("mgd", 1023L)
                .containsEntry("suids", List.of(42L, 43L))
                .doesNotContainKey("mcfc");
    }

    @Test
    void acod_spty_decides_which_mgd_an_originator_may_create() {
        OneM2mHttpClient operator = register("Cfwoperator");
        OneM2mHttpClient stranger = register("Cstranger11");
        Map<String, Object> firmwareOnly = Map.of(
                "acor",
                List.of("Cfwoperator"),
                "acop",
                3,
                "acod",
                List.of(Map.of("ty", 14, "spty", 1001, "chty", List.of(13))));
        String acpName = "devacp" + SEQ.incrementAndGet();
        OneM2mResponse made = admin.create(
                "cse-in", 1, acp(acpName, List.of(firmwareOnly), List.of(rule(List.of(CseProcess.ADMIN), 63))));
        assertThat(made.rsc()).as(made.text()).isEqualTo(2001);
        String nod = node(Map.of("acpi", List.of("cse-in/" + acpName)));

        refused(operator.create(nod, 13, profile("auth")), 4103, "access denied");
        refused(stranger.create(nod, 13, firmware("fw")), 4103, "access denied");
        OneM2mResponse fw = operator.create(nod, 13, firmware("fw"));
        assertThat(fw.rsc()).as(fw.text()).isEqualTo(2001);
        assertThat(operator.retrieve(nod + "/fw").rsc()).isEqualTo(2000);

        assertThat(admin.create(nod, 13, profile("auth")).rsc()).isEqualTo(2001);
        refused(operator.retrieve(nod + "/auth"), 4103, "access denied");
        refused(operator.update(nod + "/auth", Map.of("dcfg:aupf", Map.of("skv", "b3RoZXI="))), 4103, "access denied");
        refused(operator.delete(nod + "/auth"), 4103, "access denied");
        assertThat(admin.retrieve(nod + "/auth").rsc()).isEqualTo(2000);
    }

    /** The update statement signed by the update key with {@code openssl dgst -sha256 -sign}, in base64. */
    static String sign(String node, String name, String version, String url, String sha256) throws Exception {
        Path statement = Files.createTempFile(keys, "fw", ".txt");
        Files.writeString(
                statement, "citadel-firmware-v1\n" + node + "\n" + name + "\n" + version + "\n" + url + "\n" + sha256);
        Path signature = statement.resolveSibling(statement.getFileName() + ".sig");
        run(
                "openssl",
                "dgst",
                "-sha256",
                "-sign",
                keys.resolve("update.key").toString(),
                "-out",
                signature.toString(),
                statement.toString());
        return java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(signature));
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
