package io.citadel.engine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.e2e.esdata.EsData;
import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.store.memory.InMemoryResourceStore;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container with {@code esdp} 2 stores only content its originator signed with a certificate this CSE trusts
 * ({@code x5c} to an ESData trust anchor), checked in process; certificates by {@code openssl req} at test time (a CA,
 * a device certificate it issued naming the originator, one naming another AE, a self-signed stranger). Refusals
 * first: esdp 2 without trust anchors (4000); plain text (4000); a MIC, a JWS without x5c, an untrusted chain, a
 * trusted certificate with a signature by another key, a certificate naming someone else, a JWE (each 4102); nothing
 * is stored. Then the originator's signed content is stored as it came.
 */
class EsDataSignedContainerTest {
    static final String ADMIN = "CAdminEsdata";
    static final CseSettings SETTINGS =
            new CseSettings("/id-in", "cse-in", "//citadel.example", 1, ADMIN, List.of("C*"), List.of(), 100);

    @TempDir
    static Path dir;

    record Issued(X509Certificate certificate, PrivateKey key, Path cert, Path keyFile) {}

    static Issued ca;
    static Issued device;
    static Issued other;
    static Issued stranger;
    static Issued subCa;
    static Issued keyAgreementOnly;
    static Issued partnerCa;
    static Issued partnerLeaf;

    static final String END_ENTITY = "basicConstraints=critical,CA:FALSE";
    static final String SIGNING = "keyUsage=critical,digitalSignature";

    Cse cse;

    @BeforeAll
    static void certificates() throws Exception {
        String me = "subjectAltName=URI:onem2m://citadel.example/id-in/" + ADMIN;
        ca = openssl("ca", null, "basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign");
        device = openssl("device", ca, END_ENTITY, SIGNING, me);
        other = openssl("other", ca, END_ENTITY, SIGNING, "subjectAltName=URI:onem2m://citadel.example/id-in/Cother");
        stranger = openssl("stranger", null, END_ENTITY, SIGNING, me);
        // a CA certificate used as a signer, and a certificate whose key is not for signatures
        subCa = openssl(
                "subca", ca, "basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,digitalSignature", me);
        keyAgreementOnly = openssl("agreement", ca, END_ENTITY, "keyUsage=critical,keyAgreement", me);
        // an anchor limited to partner.example vouching for one of ours
        partnerCa = openssl(
                "partner-ca",
                null,
                "basicConstraints=critical,CA:TRUE",
                "keyUsage=critical,keyCertSign",
                "nameConstraints=critical,permitted;URI:partner.example,permitted;DNS:partner.example");
        partnerLeaf = openssl("partner-leaf", partnerCa, END_ENTITY, SIGNING, me);
    }

    /** A P-256 key and a certificate for it, self-signed or issued by {@code issuer}, with {@code extensions}. */
    static Issued openssl(String name, Issued issuer, String... extensions) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".pem");
        List<String> cmd = new ArrayList<>(List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-subj",
                "/CN=" + name,
                "-days",
                "2",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString()));
        if (issuer != null) {
            cmd.addAll(List.of(
                    "-CA", issuer.cert().toString(), "-CAkey", issuer.keyFile().toString()));
        }
        for (String e : extensions) {
            cmd.addAll(List.of("-addext", e));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(cert)));
        String pem = Files.readString(key).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey k = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        return new Issued(c, k, cert, key);
    }

    @AfterEach
    void stop() {
        if (cse != null) {
            cse.close();
        }
    }

    ResponsePrimitive send(Operation op, String to, Integer ty, Map<String, Object> content) {
        RequestPrimitive.Builder b = RequestPrimitive.builder(op, to)
                .from(ADMIN)
                .requestId("c" + System.nanoTime())
                .releaseVersion("3");
        if (ty != null) {
            b.resourceType(ty);
        }
        if (content != null) {
            b.content(content);
        }
        return cse.handle(b.build(), RequestContext.local());
    }

    ResponsePrimitive instance(String con, String cnf) {
        return send(
                Operation.CREATE,
                "/id-in/cse-in/signed",
                ResourceType.CONTENT_INSTANCE.code(),
                Map.of("m2m:cin", Map.of("con", con, "cnf", cnf)));
    }

    static String signed(String payload, Issued by, List<X509Certificate> chain) {
        return EsData.sign(
                        payload.getBytes(StandardCharsets.UTF_8),
                        new EsData.CertificateSigner("45-device@citadel.example", by.key(), chain))
                .envelope();
    }

    @Test
    void without_trust_anchors_no_container_can_ask_for_signed_content() {
        cse = Cse.builder(SETTINGS, new InMemoryResourceStore()).build();
        ResponsePrimitive r =
                send(Operation.CREATE, "/id-in/cse-in", 3, Map.of("m2m:cnt", Map.of("rn", "signed", "esdp", 2)));
        assertThat(r.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(r.content().toString()).contains("esdp 2 needs ESData trust anchors");
        assertThat(send(Operation.CREATE, "/id-in/cse-in", 3, Map.of("m2m:cnt", Map.of("rn", "signed", "esdp", 3)))
                        .status())
                .isEqualTo(ResponseStatusCode.BAD_REQUEST);
        // the policy is fixed at creation: raising it over content stored unchecked is refused
        assertThat(send(Operation.CREATE, "/id-in/cse-in", 3, Map.of("m2m:cnt", Map.of("rn", "open")))
                        .status())
                .isEqualTo(ResponseStatusCode.CREATED);
        assertThat(send(Operation.UPDATE, "/id-in/cse-in/open", null, Map.of("m2m:cnt", Map.of("esdp", 1)))
                        .status())
                .isEqualTo(ResponseStatusCode.BAD_REQUEST);
    }

    @Test
    void only_content_its_originator_signed_with_a_trusted_certificate_is_stored() {
        cse = Cse.builder(SETTINGS, new InMemoryResourceStore())
                .esdataTrust(List.of(ca.certificate(), partnerCa.certificate()))
                .build();
        assertThat(send(Operation.CREATE, "/id-in/cse-in", 3, Map.of("m2m:cnt", Map.of("rn", "signed", "esdp", 2)))
                        .status())
                .isEqualTo(ResponseStatusCode.CREATED);

        assertThat(instance("21.5", "text/plain:0").status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        String mic = EsData.sign(
                        "{\"t\":1}".getBytes(StandardCharsets.UTF_8),
                        new EsData.SymmetricSigner("15-k@citadel.example", new byte[32]))
                .envelope();
        refused(mic, "not exactly a JWS"); // an HS256 MIC: the CSE holds no key to check it
        refused(signed("{\"t\":2}", device, List.of()), "no signer certificate chain");
        refused(signed("{\"t\":3}", stranger, List.of(stranger.certificate())), "not trusted here");
        // the device's certificate, but the signature is the stranger's
        refused(signed("{\"t\":4}", stranger, List.of(device.certificate(), ca.certificate())), "does not verify");
        refused(signed("{\"t\":5}", other, List.of(other.certificate())), "not signed by its originator");
        refused(signed("{\"t\":8}", subCa, List.of(subCa.certificate(), ca.certificate())), "a CA's");
        refused(
                signed("{\"t\":9}", keyAgreementOnly, List.of(keyAgreementOnly.certificate())),
                "not for digital signatures");
        refused(
                signed("{\"t\":10}", partnerLeaf, List.of(partnerLeaf.certificate(), partnerCa.certificate())),
                "not trusted here");
        // what is checked is what is stored: no whitespace or stray characters around or inside the JWS
        String genuine = signed("{\"t\":11}", device, List.of(device.certificate()));
        refused(" " + genuine, "not exactly a JWS");
        refused(genuine + "\u2003", "not exactly a JWS");
        refused(
                genuine.substring(0, genuine.length() - 4) + "!*~$" + genuine.substring(genuine.length() - 4),
                "not exactly a JWS");
        String jwe = EsData.encrypt(
                        "{\"t\":6}".getBytes(StandardCharsets.UTF_8),
                        List.of(new EsData.CertificateRecipient("44-in@citadel.example", device.certificate())),
                        false)
                .envelope();
        refused(jwe, "not exactly a JWS");
        assertThat(send(Operation.RETRIEVE, "/id-in/cse-in/signed", null, null)
                        .content()
                        .toString())
                .contains("cni=0");

        String good = signed("{\"t\":7}", device, List.of(device.certificate(), ca.certificate()));
        assertThat(instance(good, "application/json:0:1").status()).isEqualTo(ResponseStatusCode.CREATED);
        assertThat(send(Operation.RETRIEVE, "/id-in/cse-in/signed/la", null, null)
                        .content()
                        .toString())
                .contains(good);
    }

    void refused(String envelope, String why) {
        ResponsePrimitive r = instance(envelope, "application/json:0:1");
        assertThat(r.status()).as(String.valueOf(r.content())).isEqualTo(ResponseStatusCode.CONTENTS_UNACCEPTABLE);
        assertThat(r.content().toString()).contains(why);
    }
}
