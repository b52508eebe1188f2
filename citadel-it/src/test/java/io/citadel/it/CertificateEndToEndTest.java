package io.citadel.it;

import static io.citadel.it.EsprimHierarchyTest.filesContaining;
import static io.citadel.it.EsprimHierarchyTest.refusedOutside;
import static io.citadel.it.Fixtures.acp;
import static io.citadel.it.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.client.EsCertKeClient;
import io.citadel.client.EsprimClient;
import io.citadel.client.HttpTransport;
import io.citadel.client.OneM2mClient;
import io.citadel.client.OneM2mHttpClient;
import io.citadel.client.OneM2mResponse;
import io.citadel.e2e.escertke.EsCertKe;
import io.citadel.e2e.escertke.EsCertKeException;
import io.citadel.e2e.esprim.SessionKeys;
import io.citadel.protocol.Operation;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ESCertKE through a CSE that is not trusted: AE Cae1 on the MN-CSE agrees a pairwise key with the IN-CSE (both their
 * own processes) by a TLS 1.2 handshake carried in NOTIFYs (sit 6) across the MN and a relay that records and tampers,
 * then reads and writes a container on the IN with ESPrim under that key (SUID 43). The IN admits Cae1's certificate
 * (from {@code --escertke-initiators}; the key is bound to the AE-ID the certificate names) and proves its own
 * {@code --tls-cert}, which the AE was told of. Certificates by {@code openssl req} at test time. Refusals first: a
 * certificate naming no identity at start, ESCertKE at a CSE without it (5001), a message not base64 or out of
 * sequence (4000), a certificate not admitted and a tampered M3 (4106), a terminator that is not the one the AE was
 * told of, an inner request from another AE under the agreed key (4116). And ESData signed with Cae1's certificate
 * crosses the MN in a container with {@code esdp} 2: the IN ({@code --esdata-trust}) refuses a payload the relay
 * changed, a certificate it does not trust and plain content, and stores the genuine one as it came.
 */
class CertificateEndToEndTest {
    @TempDir
    static Path dir;

    static CseProcess in;
    static CseProcess mn;
    static RecordingRelay relay;
    static int inPort;
    static OneM2mClient ae;
    static Pem inCert;
    static Pem aeCert;
    static Pem deviceCa;
    static Pem stranger;
    static List<String> inFlags;

    static Pem pem(String name, String subjectAltName) throws Exception {
        return Pem.make(dir, name, subjectAltName, null);
    }

    static Pem pem(String name, String subjectAltName, Pem issuer, String... extensions) throws Exception {
        return Pem.make(dir, name, subjectAltName, issuer, extensions);
    }

    @BeforeAll
    static void start() throws Exception {
        inPort = Ports.free();
        inCert = pem("in", "DNS:id-in.citadel.example");
        // the operator's device CA issues Cae1's certificate: ESCertKE pins it, ESData signatures chain to the CA
        deviceCa = pem("device-ca", null, null, "basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign");
        aeCert = pem("ae1", "URI:onem2m://citadel.example/id-mn/Cae1", deviceCa);
        stranger = pem(
                "stranger",
                "URI:onem2m://citadel.example/id-mn/Cstranger",
                null,
                "basicConstraints=critical,CA:FALSE",
                "keyUsage=critical,digitalSignature");
        Pem anonymous = pem("anonymous", null);

        // refusal at start: an admitted certificate that names no AE-ID or CSE-ID could bind its keys to nobody
        String refused = EsprimHierarchyTest.failingCli(
                "serve",
                "--http-port",
                "0",
                "--data-dir",
                dir.resolve("refused").toString(),
                "--admin-originator",
                CseProcess.ADMIN,
                "--tls-cert",
                inCert.cert().toString(),
                "--tls-key",
                inCert.key().toString(),
                "--tls-trust",
                inCert.cert().toString(),
                "--escertke-initiators",
                anonymous.cert().toString());
        assertThat(refused).contains("names exactly one AE-ID or CSE-ID");
        // an admitted certificate naming the administrator would give an ESCertKE key the administrator's rights
        Pem posingAdmin = pem("posing-admin", "URI:onem2m://citadel.example/id-in/" + CseProcess.ADMIN);
        assertThat(refusedStart(inCert.cert(), inCert.key(), posingAdmin.cert()))
                .contains("cannot act as this CSE or its administrator");
        // a key that is not the certificate's: every handshake would fail at the initiator
        assertThat(refusedStart(inCert.cert(), stranger.key(), aeCert.cert()))
                .contains("tls-key is not the key of tls-cert");

        inFlags = List.of(
                "--http-port",
                String.valueOf(inPort),
                "--insecure-cse-peers",
                "/id-mn",
                "--tls-cert",
                inCert.cert().toString(),
                "--tls-key",
                inCert.key().toString(),
                "--tls-trust",
                inCert.cert().toString(),
                "--escertke-initiators",
                aeCert.cert().toString(),
                "--esdata-trust",
                deviceCa.cert().toString());
        in = CseProcess.start(dir.resolve("in"), inFlags.toArray(String[]::new));
        relay = new RecordingRelay(inPort);
        mn = CseProcess.start(
                dir.resolve("mn"),
                "--cse-id",
                "/id-mn",
                "--cse-name",
                "cse-mn",
                "--cse-type",
                "MN",
                "--registrar-cse-id",
                "/id-in",
                "--registrar-poa",
                "http://127.0.0.1:" + relay.port() + "/",
                "--insecure-cse-peers",
                "/id-in");
        OneM2mHttpClient inAdmin = in.client().as(CseProcess.ADMIN);
        CseHierarchyTest.await(() -> inAdmin.retrieve("cse-in/id-mn").rsc() == 2000, "MN registered at IN");
        OneM2mResponse policy = inAdmin.create(
                "cse-in",
                1,
                acp(
                        "acp-vault",
                        List.of(rule(List.of("/id-mn/Cae1"), 63)),
                        List.of(rule(List.of(CseProcess.ADMIN), 63))));
        assertThat(policy.rsc()).as(policy.text()).isEqualTo(2001);
        String acpId = (String) policy.resource("m2m:acp").get("ri");
        assertThat(inAdmin.create("cse-in", 3, Map.of("m2m:cnt", Map.of("rn", "vault", "acpi", List.of(acpId))))
                        .rsc())
                .isEqualTo(2001);
        // a container that stores only content its originator signed with a certificate the IN trusts
        assertThat(inAdmin.create(
                                "cse-in",
                                3,
                                Map.of("m2m:cnt", Map.of("rn", "signed", "esdp", 2, "acpi", List.of(acpId))))
                        .rsc())
                .isEqualTo(2001);
        ae = new OneM2mClient(HttpTransport.connect("http://127.0.0.1:" + mn.port(), null), "Cae1");
        ResponsePrimitive registered = ae.create(
                "/id-mn/cse-mn",
                2,
                Map.of("m2m:ae", Map.of("rn", "Cae1", "api", "Nescertke", "rr", false, "srv", List.of("3"))));
        assertThat(registered.status()).isEqualTo(ResponseStatusCode.CREATED);
    }

    /** Starting a CSE with this ESCertKE configuration fails (exit 2); its output. */
    static String refusedStart(Path cert, Path key, Path initiators) throws Exception {
        return EsprimHierarchyTest.failingCli(
                "serve",
                "--http-port",
                "0",
                "--data-dir",
                dir.resolve("refused").toString(),
                "--admin-originator",
                CseProcess.ADMIN,
                "--tls-cert",
                cert.toString(),
                "--tls-key",
                key.toString(),
                "--tls-trust",
                inCert.cert().toString(),
                "--escertke-initiators",
                initiators.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (mn != null) {
            mn.close();
        }
        if (in != null) {
            in.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    static ResponsePrimitive eckm(String cseBase, String eckm) {
        return ae.send(Operation.NOTIFY, cseBase, b -> b.content(Map.of("m2m:seci", Map.of("sit", 6L, "eckm", eckm))));
    }

    @Test
    void bad_messages_strangers_tampering_and_a_borrowed_key_get_their_codes_and_no_access() throws Exception {
        ResponsePrimitive notHere = eckm("/id-mn/cse-mn", Base64.getEncoder().encodeToString(new byte[] {22, 3, 3}));
        assertThat(notHere.status()).isEqualTo(ResponseStatusCode.NOT_IMPLEMENTED);
        assertThat(String.valueOf(notHere.content())).contains("takes no ESCertKE");

        ResponsePrimitive notBase64 = eckm("/id-in/cse-in", "%%% not base64 %%%");
        assertThat(notBase64.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        // an M3 (a Certificate record) without the M1 that begins a handshake
        ResponsePrimitive noHandshake =
                eckm("/id-in/cse-in", Base64.getEncoder().encodeToString(new byte[] {22, 3, 3, 0, 4, 11, 0, 0, 0}));
        assertThat(noHandshake.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(String.valueOf(noHandshake.content())).contains("no ESCertKE handshake");

        // a certificate the IN does not admit: the handshake ends at M3
        refusedOutside(
                () -> EsCertKeClient.establish(ae, "/id-in/cse-in", stranger.credential(), inCert.certificate()),
                ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);
        // the AE was told of another terminator certificate: it stops at M2 (a CSE on the way cannot stand in)
        assertThatThrownBy(() ->
                        EsCertKeClient.establish(ae, "/id-in/cse-in", aeCert.credential(), stranger.certificate()))
                .isInstanceOf(EsCertKeException.class)
                .hasMessageContaining("bad_certificate");
        // the relay flips a bit of M3: the IN's Finished check fails, no key
        relay.tamperNext(CertificateEndToEndTest::flipInM3);
        refusedOutside(
                () -> EsCertKeClient.establish(ae, "/id-in/cse-in", aeCert.credential(), inCert.certificate()),
                ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED);

        // the key is bound to the AE-ID in the admitted certificate, not to whoever holds the kid
        EsCertKe.PairwiseKey key =
                EsCertKeClient.establish(ae, "/id-in/cse-in", aeCert.credential(), inCert.certificate());
        try (EsprimClient borrowed = new EsprimClient(
                ae, "/id-in/cse-in", "/id-mn/Cother", key.relativeId(), key.key(), SessionKeys.Input.VALUES)) {
            refusedOutside(
                    () -> borrowed.send(Operation.RETRIEVE, "/id-in/cse-in/vault", b -> b),
                    ResponseStatusCode.ESPRIM_IMPERSONATION_ERROR);
        } finally {
            key.destroy();
        }
    }

    @Test
    void the_ae_agrees_a_key_reads_and_writes_through_the_mn_and_agrees_a_new_one_after_the_in_restarts()
            throws Exception {
        OneM2mHttpClient inAdmin = in.client().as(CseProcess.ADMIN);
        Map<?, ?> esi =
                (Map<?, ?>) inAdmin.retrieve("cse-in").resource("m2m:cb").get("esi");
        assertThat(String.valueOf(esi.get("esf"))).contains("43");
        assertThat(esi.get("escert"))
                .isEqualTo(List.of(
                        Base64.getEncoder().encodeToString(inCert.certificate().getEncoded())));

        String secret = "ESCERTKE-SECRET-" + UUID.randomUUID();
        try (EsprimClient client = EsprimClient.overEsCertKe(
                ae,
                "/id-in/cse-in",
                "/id-mn/Cae1",
                aeCert.credential(),
                inCert.certificate(),
                SessionKeys.Input.VALUES)) {
            ResponsePrimitive created = client.send(
                    Operation.CREATE,
                    "/id-in/cse-in/vault",
                    b -> b.resourceType(4).content(EsprimHierarchyTest.instance(secret)));
            assertThat(created.status()).as(String.valueOf(created.content())).isEqualTo(ResponseStatusCode.CREATED);
            assertThat(String.valueOf(client.send(Operation.RETRIEVE, "/id-in/cse-in/vault/la", b -> b)
                            .content()))
                    .contains(secret);

            // the IN restarts and forgets the key (kept in memory only): a CREATE gets 4112 and is not sent again
            // (the 4112 is not authenticated: a relay could fake it after delivering the CREATE), a new key is agreed
            // for the next request, and the RETRIEVE runs under it
            String firstKey = client.keyId();
            in.close();
            in = CseProcess.start(dir.resolve("in"), inFlags.toArray(String[]::new));
            refusedOutside(
                    () -> client.send(
                            Operation.CREATE,
                            "/id-in/cse-in/vault",
                            b -> b.resourceType(4).content(EsprimHierarchyTest.instance(secret + "-again"))),
                    ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID);
            assertThat(client.keyId()).isNotEqualTo(firstKey);
            assertThat(in.client()
                            .as(CseProcess.ADMIN)
                            .retrieve("cse-in/vault")
                            .resource("m2m:cnt")
                            .get("cni"))
                    .isEqualTo(1L);
            ResponsePrimitive again = client.send(Operation.RETRIEVE, "/id-in/cse-in/vault/la", b -> b);
            assertThat(again.status()).isEqualTo(ResponseStatusCode.OK);
            assertThat(String.valueOf(again.content())).contains(secret);
        }
        assertThat(relay.relayed())
                .isNotEmpty()
                .noneMatch(s -> s.contains(secret))
                .anyMatch(s -> s.contains("\"eckm\""));
        assertThat(mn.output()).doesNotContain(secret);
        assertThat(filesContaining(dir.resolve("mn"), secret)).isEmpty();
    }

    @Test
    void signed_content_crosses_the_mn_and_the_in_stores_it_only_when_the_signature_is_the_originators()
            throws Exception {
        String reading = "{\"temperature\":21.5,\"id\":\"" + UUID.randomUUID() + "\"}";
        // refusals first: the relay changes the signed payload on its way; a certificate the IN does not trust
        String genuine = sign(reading, aeCert);
        relay.tamperNext(t -> t.contains(genuine) ? t.replace(genuine, changedPayload(genuine)) : null);
        ResponsePrimitive tampered = ae.create("/id-in/cse-in/signed", 4, signedInstance(genuine));
        assertThat(tampered.status()).isEqualTo(ResponseStatusCode.CONTENTS_UNACCEPTABLE);
        assertThat(String.valueOf(tampered.content())).contains("does not verify");
        ResponsePrimitive untrusted = ae.create("/id-in/cse-in/signed", 4, signedInstance(sign(reading, stranger)));
        assertThat(untrusted.status()).isEqualTo(ResponseStatusCode.CONTENTS_UNACCEPTABLE);
        assertThat(String.valueOf(untrusted.content())).contains("not trusted here");
        ResponsePrimitive plain = ae.create(
                "/id-in/cse-in/signed", 4, Map.of("m2m:cin", Map.of("con", reading, "cnf", "application/json:0")));
        assertThat(plain.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        OneM2mHttpClient inAdmin = in.client().as(CseProcess.ADMIN);
        assertThat(inAdmin.retrieve("cse-in/signed").resource("m2m:cnt").get("cni"))
                .isEqualTo(0L);

        ResponsePrimitive stored = ae.create("/id-in/cse-in/signed", 4, signedInstance(genuine));
        assertThat(stored.status()).as(String.valueOf(stored.content())).isEqualTo(ResponseStatusCode.CREATED);
        assertThat(inAdmin.retrieve("cse-in/signed/la").resource("m2m:cin").get("con"))
                .isEqualTo(genuine);
    }

    static String sign(String payload, Pem by) {
        return io.citadel.e2e.esdata.EsData.sign(
                        payload.getBytes(StandardCharsets.UTF_8),
                        new io.citadel.e2e.esdata.EsData.CertificateSigner(
                                "45-ae1@citadel.example", by.credential().key(), List.of(by.certificate())))
                .envelope();
    }

    static Map<String, Object> signedInstance(String jws) {
        return Map.of("m2m:cin", Map.of("con", jws, "cnf", "application/json:0:1"));
    }

    /** The JWS with another payload and the same signature. */
    static String changedPayload(String jws) {
        String[] parts = jws.split("\\.");
        return parts[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"temperature\":99}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
    }

    /** The NOTIFY carrying M3 (a Certificate record first) with one bit of its last byte flipped; else null. */
    static String flipInM3(String notify) {
        Matcher m = Pattern.compile("\"eckm\"\\s*:\\s*\"([^\"]+)\"").matcher(notify);
        if (!m.find()) {
            return null;
        }
        byte[] message = Base64.getDecoder().decode(m.group(1));
        if (message.length < 6 || message[5] != 11) {
            return null;
        }
        message[message.length - 1] ^= 1;
        return notify.substring(0, m.start(1))
                + Base64.getEncoder().encodeToString(message)
                + notify.substring(m.end(1));
    }
}
