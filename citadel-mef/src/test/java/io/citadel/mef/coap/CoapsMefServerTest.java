package io.citadel.mef.coap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.KeyDerivation;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MEF over CoAP on DTLS-PSK, with a Scandium client as the device, on loopback: refusals first (no session for a
 * wrong key or an unknown identity, and the address shut out after three; EST requests off policy, malformed, oversize,
 * in the wrong format, replayed; re-enrolment on the bootstrap key; the enrolment exchange under an integrity policy;
 * a key revoked under a live session), each the right CoAP code with our line and nothing issued; then EST (crts, att,
 * sen), the enrolment exchange whose KeID and Ke equal what the device exports, and MEF client registration.
 */
class CoapsMefServerTest {
    static final byte[] KEY = new byte[32];
    static final String EST = "/.well-known/est/";

    @TempDir
    static Path dir;

    static CoapsMef mef;
    static final List<String> securityLog = new CopyOnWriteArrayList<>();
    static final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            securityLog.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeAll
    static void start() throws Exception {
        new SecureRandom().nextBytes(KEY);
        mef = new CoapsMef(dir);
        for (String device : List.of("refused", "enrolled", "replayed", "exchange", "client", "revoked")) {
            mef.device(device, KEY, false);
        }
        mef.device("integrity", KEY, true);
        Logger.getLogger("citadel.security").addHandler(capture);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("citadel.security").removeHandler(capture);
        mef.close();
    }

    static ScandiumEnrolee device(String device) throws Exception {
        return new ScandiumEnrolee(CoapsMef.kpmId(device), KEY, "127.0.0.1", mef.server.port(), false);
    }

    static Request post(int contentFormat, byte[] payload) {
        Request r = Request.newPost();
        if (contentFormat != MediaTypeRegistry.UNDEFINED) {
            r.getOptions().setContentFormat(contentFormat);
        }
        r.setPayload(payload);
        return r;
    }

    static Request accepting(Request r, int accept) {
        r.getOptions().setAccept(accept);
        return r;
    }

    static String text(Response r) {
        return new String(r.getPayload(), StandardCharsets.UTF_8);
    }

    static JsonNode json(Response r) throws Exception {
        assertThat(r.getOptions().getContentFormat()).isEqualTo(MediaTypeRegistry.APPLICATION_JSON);
        return new ObjectMapper().readTree(r.getPayload());
    }

    /** A refusal: its code, our line as diagnostic payload (no Content-Format), never a library's or a trace. */
    static void refused(Response r, ResponseCode code, String line) {
        assertThat(r).isNotNull();
        assertThat(r.getCode()).as(text(r)).isEqualTo(code);
        assertThat(r.getOptions().hasContentFormat()).isFalse();
        assertThat(text(r)).isEqualTo(line).doesNotContain("Exception").doesNotContain("\n");
    }

    /** Waits for {@code condition}, at most 30 s. */
    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void a_wrong_key_or_an_unknown_identity_gets_no_session_and_three_shut_the_address_out() throws Exception {
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        byte[] wrong = KEY.clone();
        wrong[0] ^= 1;
        List<ScandiumEnrolee> guesses = List.of(
                new ScandiumEnrolee(CoapsMef.kpmId("refused"), wrong, "127.0.0.2", mef.server.port(), true),
                new ScandiumEnrolee("nobody@" + CoapsMef.FQDN, KEY, "127.0.0.2", mef.server.port(), true),
                new ScandiumEnrolee(CoapsMef.kpmId("refused"), wrong, "127.0.0.2", mef.server.port(), true));
        for (int i = 0; i < guesses.size(); i++) {
            try (ScandiumEnrolee guess = guesses.get(i)) {
                assertThat(guess.get(EST + "crts")).as("no session, no answer").isNull();
            }
            int failures = i + 1;
            await(() -> mef.throttle.failures(attacker) == failures); // the MEF counted it (and not more)
            assertThat(mef.throttle.failures(attacker)).isEqualTo(failures);
        }
        assertThat(mef.throttle.admits(attacker)).isFalse();
        try (ScandiumEnrolee right =
                new ScandiumEnrolee(CoapsMef.kpmId("refused"), KEY, "127.0.0.2", mef.server.port(), true)) {
            assertThat(right.get(EST + "crts"))
                    .as("shut out, even with the right key")
                    .isNull();
        }
        try (ScandiumEnrolee elsewhere = device("refused")) {
            assertThat(elsewhere.get(EST + "crts").getCode())
                    .as("another address is not shut out")
                    .isEqualTo(ResponseCode.CONTENT);
        }
        assertThat(securityLog)
                .anyMatch(l -> l.startsWith(
                        "DTLS-PSK handshake failed: identity=refused@mef.citadel.example" + " peer=127.0.0.2"))
                .anyMatch(l -> l.startsWith("DTLS-PSK handshake failed: identity=nobody@mef.citadel.example"))
                .anyMatch(l -> l.startsWith("DTLS-PSK: refused a handshake from 127.0.0.2 while it is shut out"))
                .noneMatch(l -> l.contains(HexFormat.of().formatHex(KEY)));
    }

    @Test
    void est_requests_off_policy_malformed_or_in_the_wrong_form_are_refused_and_nothing_is_issued() throws Exception {
        try (ScandiumEnrolee dev = device("refused")) {
            byte[] good = CoapsMef.csr(CoapsMef.PASSWORD, null);
            refused(
                    dev.send(
                            post(MediaTypeRegistry.APPLICATION_PKCS10, CoapsMef.csr("wrong password", null)),
                            EST + "sen"),
                    ResponseCode.UNAUTHORIZED,
                    "the challenge password is missing or wrong");
            refused(
                    dev.send(
                            post(
                                    MediaTypeRegistry.APPLICATION_PKCS10,
                                    CoapsMef.csr(CoapsMef.PASSWORD, "onem2m://citadel.example/id-in/Cenrolled")),
                            EST + "sen"),
                    ResponseCode.BAD_REQUEST,
                    "the request asks for an identity the enrolment policy does not give");
            refused(
                    dev.send(
                            post(
                                    MediaTypeRegistry.APPLICATION_PKCS10,
                                    "not a request".getBytes(StandardCharsets.US_ASCII)),
                            EST + "sen"),
                    ResponseCode.BAD_REQUEST,
                    "the body is not a PKCS#10 certification request");
            refused(
                    dev.send(post(MediaTypeRegistry.APPLICATION_PKCS10, new byte[0]), EST + "sen"),
                    ResponseCode.BAD_REQUEST,
                    "the request has no certification request");
            for (int format : new int[] {MediaTypeRegistry.UNDEFINED, MediaTypeRegistry.TEXT_PLAIN, 281}) {
                refused(
                        dev.send(post(format, good), EST + "sen"),
                        ResponseCode.UNSUPPORTED_CONTENT_FORMAT,
                        "a certification request is sent as Content-Format 286 (application/pkcs10)");
            }
            refused(
                    dev.send(accepting(post(MediaTypeRegistry.APPLICATION_PKCS10, good), 50), EST + "sen"),
                    ResponseCode.NOT_ACCEPTABLE,
                    "this EST operation answers Content-Format 281 or 287");
            refused(dev.get(EST + "sen"), ResponseCode.METHOD_NOT_ALLOWED, "this EST operation takes POST");
            refused(
                    dev.send(post(MediaTypeRegistry.APPLICATION_PKCS10, good), EST + "crts"),
                    ResponseCode.METHOD_NOT_ALLOWED,
                    "this EST operation takes GET");
            refused(dev.get(EST + "skg"), ResponseCode.NOT_FOUND, "no such EST operation");
            refused(dev.get("/somewhere/else"), ResponseCode.NOT_FOUND, "no such MEF operation");
            refused(
                    dev.send(accepting(Request.newGet(), 50), EST + "crts"),
                    ResponseCode.NOT_ACCEPTABLE,
                    "this EST operation answers Content-Format 281 or 287");
            // re-enrolment is by certificate, never by the bootstrap key (as on the TLS-PSK listener)
            refused(
                    dev.send(post(MediaTypeRegistry.APPLICATION_PKCS10, good), EST + "sren"),
                    ResponseCode.UNAUTHORIZED,
                    "this enrolee has no certificate to re-enrol with");
        }
        assertThat(mef.enrolments.current(CoapsMef.kpmId("refused"))).isEmpty();
    }

    @Test
    void a_request_over_the_size_bound_is_413_with_our_line_and_the_bound() throws Exception {
        try (ScandiumEnrolee dev = device("refused")) {
            byte[] huge = new byte[CoapsMefServer.MAX_BODY + 1024]; // sent block-wise (RFC 7959) by Californium
            Response r = dev.send(post(MediaTypeRegistry.APPLICATION_PKCS10, huge), EST + "sen");
            refused(r, ResponseCode.REQUEST_ENTITY_TOO_LARGE, "a request body is at most 32768 bytes");
            assertThat(r.getOptions().getSize1()).isEqualTo(CoapsMefServer.MAX_BODY);
            // below the bound but above what a certification request is: EstService's own refusal
            r = dev.send(post(MediaTypeRegistry.APPLICATION_PKCS10, new byte[20 * 1024]), EST + "sen");
            refused(r, ResponseCode.BAD_REQUEST, "the certification request is larger than 8192 bytes");
        }
        assertThat(mef.enrolments.current(CoapsMef.kpmId("refused"))).isEmpty();
    }

    @Test
    void a_replayed_sen_is_refused_and_the_first_certificate_stays() throws Exception {
        try (ScandiumEnrolee dev = device("replayed")) {
            byte[] request = CoapsMef.csr(CoapsMef.PASSWORD, null);
            assertThat(dev.send(post(MediaTypeRegistry.APPLICATION_PKCS10, request), EST + "sen")
                            .getCode())
                    .isEqualTo(ResponseCode.CHANGED);
            var first = mef.enrolments.current(CoapsMef.kpmId("replayed"));
            refused(
                    dev.send(post(MediaTypeRegistry.APPLICATION_PKCS10, request), EST + "sen"),
                    ResponseCode.UNAUTHORIZED,
                    "this enrolee is enrolled already; it re-enrols with its certificate");
            assertThat(mef.enrolments.current(CoapsMef.kpmId("replayed"))).isEqualTo(first);
        }
    }

    @Test
    void a_device_under_integrity_policy_gets_no_ke_and_the_exchange_is_a_post() throws Exception {
        try (ScandiumEnrolee dev = device("integrity")) {
            Response r = dev.send(Request.newPost(), "/mef/enrolment");
            assertThat(r.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
            assertThat(json(r).get("status").asBoolean()).isFalse();
            assertThat(json(r).get("errorString").asText())
                    .isEqualTo("this device must show firmware evidence: it enrols by EST, not for a key");
            assertThat(dev.get("/mef/enrolment").getCode()).isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
        }
        assertThat(mef.ke.list()).noneMatch(c -> c.allowed().equals(List.of("/id-in/Cintegrity")));
    }

    @Test
    void a_bootstrap_key_revoked_under_a_live_session_proves_nothing_more() throws Exception {
        try (ScandiumEnrolee dev = device("revoked")) {
            assertThat(dev.get(EST + "crts").getCode()).isEqualTo(ResponseCode.CONTENT);
            mef.bootstrap.revoke(CoapsMef.kpmId("revoked"));
            refused(
                    dev.get(EST + "crts"),
                    ResponseCode.UNAUTHORIZED,
                    "no enrolee: the DTLS handshake proved none the MEF knows");
        }
    }

    @Test
    void crts_and_att_answer_der_in_their_content_formats() throws Exception {
        try (ScandiumEnrolee dev = device("enrolled")) {
            Response certsOnly = dev.get(EST + "crts");
            assertThat(certsOnly.getCode()).isEqualTo(ResponseCode.CONTENT);
            assertThat(certsOnly.getOptions().getContentFormat())
                    .isEqualTo(MediaTypeRegistry.APPLICATION_PKCS7_CERTS_ONLY);
            List<X509CertificateHolder> in = List.copyOf(
                    new CMSSignedData(certsOnly.getPayload()).getCertificates().getMatches(null));
            assertThat(in).hasSize(1);
            assertThat(in.get(0).getEncoded()).isEqualTo(mef.ca.certificate().getEncoded());

            Response single =
                    dev.send(accepting(Request.newGet(), MediaTypeRegistry.APPLICATION_PKIX_CERT), EST + "crts");
            assertThat(single.getCode()).isEqualTo(ResponseCode.CONTENT);
            assertThat(single.getOptions().getContentFormat()).isEqualTo(MediaTypeRegistry.APPLICATION_PKIX_CERT);
            assertThat(single.getPayload()).isEqualTo(mef.ca.certificate().getEncoded());

            Response attributes = dev.get(EST + "att");
            assertThat(attributes.getCode()).isEqualTo(ResponseCode.CONTENT);
            assertThat(attributes.getOptions().getContentFormat()).isEqualTo(MediaTypeRegistry.APPLICATION_CSATTRS);
            ASN1Sequence attrs = ASN1Sequence.getInstance(attributes.getPayload());
            assertThat(attrs.getObjectAt(0)).isEqualTo(PKCSObjectIdentifiers.pkcs_9_at_challengePassword);
        }
    }

    @Test
    void sen_issues_a_certificate_of_the_policys_identity_that_verifies_against_the_mef_ca() throws Exception {
        try (ScandiumEnrolee dev = device("enrolled")) {
            Response r = dev.send(
                    accepting(
                            post(MediaTypeRegistry.APPLICATION_PKCS10, CoapsMef.csr(CoapsMef.PASSWORD, null)),
                            MediaTypeRegistry.APPLICATION_PKIX_CERT),
                    EST + "sen");
            assertThat(r.getCode()).as(text(r)).isEqualTo(ResponseCode.CHANGED);
            assertThat(r.getOptions().getContentFormat()).isEqualTo(MediaTypeRegistry.APPLICATION_PKIX_CERT);
            X509Certificate issued = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(r.getPayload()));
            issued.verify(mef.ca.certificate().getPublicKey());
            assertThat(issued.getSubjectAlternativeNames())
                    .containsExactly(List.of(6, "onem2m://citadel.example/id-in/Cenrolled"));
            assertThat(mef.enrolments.current(CoapsMef.kpmId("enrolled"))).contains(issued.getSerialNumber());
        }
    }

    @Test
    void the_enrolment_exchange_records_the_ke_the_device_exports_from_its_dtls_session() throws Exception {
        try (ScandiumEnrolee dev = device("exchange")) {
            Response r = dev.send(Request.newPost(), "/mef/enrolment");
            assertThat(r.getCode()).isEqualTo(ResponseCode.CHANGED);
            JsonNode answer = json(r);
            byte[] exported = dev.export(KeyDerivation.BOOTSTRAP_EXPORTER);
            String keId = HexFormat.of().formatHex(Arrays.copyOfRange(exported, 0, 16)) + "@" + CoapsMef.FQDN;
            assertThat(answer.get("keID").asText()).isEqualTo(keId);
            assertThat(answer.get("certificateEnrolment").get("uri").asText())
                    .isEqualTo("coaps://mef.citadel.example:5684/.well-known/est");
            assertThat(Instant.parse(answer.get("expirationTime").asText())).isAfter(Instant.now());
            assertThat(mef.ke.key(keId, Instant.now())).hasValue(Arrays.copyOfRange(exported, 16, 48));
            assertThat(mef.ke.lookup(keId, Instant.now()).orElseThrow().allowed())
                    .containsExactly("/id-in/Cexchange");
        }
    }

    @Test
    void a_device_registers_as_mef_client_and_fetches_its_commands_over_coaps() throws Exception {
        try (ScandiumEnrolee dev = device("client")) {
            Response created = dev.send(
                    post(MediaTypeRegistry.APPLICATION_JSON, "{}".getBytes(StandardCharsets.US_ASCII)), "/mef/clients");
            assertThat(created.getCode()).isEqualTo(ResponseCode.CREATED);
            String regId = json(created).get("mefClientRegID").asText();
            String cmdRef = json(created).get("cmdRef").asText();
            Response again = dev.send(
                    post(MediaTypeRegistry.APPLICATION_JSON, "{}".getBytes(StandardCharsets.US_ASCII)), "/mef/clients");
            assertThat(again.getCode()).isEqualTo(ResponseCode.CONFLICT);
            assertThat(json(again).get("mefClientRegID").asText()).isEqualTo(regId);
            Response malformed = dev.send(
                    post(MediaTypeRegistry.APPLICATION_JSON, "{".getBytes(StandardCharsets.US_ASCII)), "/mef/clients");
            assertThat(malformed.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(json(malformed).get("errorString").asText()).isEqualTo("the request is not JSON");

            Response command = dev.get(cmdRef);
            assertThat(command.getCode()).isEqualTo(ResponseCode.CONTENT);
            assertThat(json(command).get("cmdDescription").get("cmdClassID").asInt())
                    .isZero();

            Response gone = dev.send(Request.newDelete(), "/mef/clients/" + regId);
            assertThat(gone.getCode()).isEqualTo(ResponseCode.DELETED);
            assertThat(gone.getPayloadSize()).isZero();
        }
    }
}
