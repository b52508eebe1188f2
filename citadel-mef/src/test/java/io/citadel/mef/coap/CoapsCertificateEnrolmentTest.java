package io.citadel.mef.coap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.KeyDerivation;
import io.citadel.mef.http.CertificateEnrolees;
import io.citadel.tls.CertificateAuthority;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate RSPF over DTLS (TS-0003 §8.3.2) on the MEF's CoAPS listener: a device proved by its manufacturer's
 * certificate enrols by EST over CoAP and gets a Ke from its DTLS session, as over TLS; the certificate the MEF issued
 * then re-enrols. Refusals first: a certificate of a CA the MEF does not trust gets no session; a factory certificate
 * without a policy, or re-enrolling, or enrolling twice, is refused and nothing is issued; a superseded certificate or
 * one of a revoked device proves nobody.
 */
class CoapsCertificateEnrolmentTest {
    static final String EST = "/.well-known/est/";

    @TempDir
    static Path dir;

    static CoapsMef mef;

    @BeforeAll
    static void start() throws Exception {
        mef = new CoapsMef(dir);
    }

    @AfterAll
    static void stop() {
        mef.close();
    }

    static ScandiumEnrolee device(CoapsMef.Holder holder) throws Exception {
        return ScandiumEnrolee.withCertificate(
                holder.key(), holder.chain(), mef.ca.certificate(), mef.server.port(), false);
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** {@code sen} or {@code sren} of a request for {@code keys}, asking for the certificate alone (287). */
    static Response enrol(ScandiumEnrolee dev, String operation, KeyPair keys) throws Exception {
        Request r = Request.newPost();
        r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_PKCS10);
        r.getOptions().setAccept(MediaTypeRegistry.APPLICATION_PKIX_CERT);
        r.setPayload(CoapsMef.csr(keys, CoapsMef.PASSWORD, null));
        return dev.send(r, EST + operation);
    }

    static X509Certificate certificate(Response r) throws Exception {
        assertThat(r.getCode()).as(text(r)).isEqualTo(ResponseCode.CHANGED);
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(r.getPayload()));
    }

    static String text(Response r) {
        return new String(r.getPayload(), StandardCharsets.UTF_8);
    }

    static void refused(Response r, ResponseCode code, String line) {
        assertThat(r).isNotNull();
        assertThat(r.getCode()).as(text(r)).isEqualTo(code);
        assertThat(text(r)).isEqualTo(line);
    }

    @Test
    void a_certificate_of_a_manufacturer_the_mef_does_not_trust_gets_no_session() throws Exception {
        CertificateAuthority counterfeit = CertificateAuthority.create("mfr.example", Duration.ofDays(1));
        CoapsMef.Holder forged = mef.factoryDevice(counterfeit, "forged", "Cforged");
        try (ScandiumEnrolee dev = ScandiumEnrolee.withCertificate(
                forged.key(), forged.chain(), mef.ca.certificate(), "127.0.0.4", mef.server.port(), true)) {
            assertThat(dev.get(EST + "crts")).isNull();
            assertThat(enrol(dev, "sen", p256())).isNull();
        }
        assertThat(mef.enrolments.current(
                        CertificateEnrolees.deviceEnrolee(forged.chain().get(0))))
                .isEmpty();
        // the refusal was the certificate's: a trusted device from the same address gets its session, and refused
        // certificates guess no key, so they shut nobody out
        CoapsMef.Holder genuine = mef.factoryDevice(mef.manufacturer, "genuine", null);
        try (ScandiumEnrolee dev = ScandiumEnrolee.withCertificate(
                genuine.key(), genuine.chain(), mef.ca.certificate(), "127.0.0.4", mef.server.port(), false)) {
            assertThat(dev.get(EST + "crts").getCode()).isEqualTo(ResponseCode.CONTENT);
        }
        assertThat(mef.throttle.admit("DTLS-PSK", java.net.InetAddress.getByName("127.0.0.4")))
                .isTrue();
    }

    @Test
    void a_factory_certificate_without_a_policy_or_reenrolling_or_enrolling_twice_is_refused() throws Exception {
        CoapsMef.Holder stranger = mef.factoryDevice(mef.manufacturer, "stranger", null);
        try (ScandiumEnrolee dev = device(stranger)) {
            refused(enrol(dev, "sen", p256()), ResponseCode.UNAUTHORIZED, "no enrolment policy for this enrolee");
            Response exchange = dev.send(Request.newPost(), "/mef/enrolment");
            assertThat(exchange.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
            assertThat(text(exchange)).contains("no enrolment policy for this device");
        }
        CoapsMef.Holder factory = mef.factoryDevice(mef.manufacturer, "twice", "Ctwice");
        String enrolee = CertificateEnrolees.deviceEnrolee(factory.chain().get(0));
        try (ScandiumEnrolee dev = device(factory)) {
            refused(
                    enrol(dev, "sren", p256()),
                    ResponseCode.UNAUTHORIZED,
                    "this enrolee has no certificate to re-enrol with");
            X509Certificate first = certificate(enrol(dev, "sen", p256()));
            refused(
                    enrol(dev, "sen", p256()),
                    ResponseCode.UNAUTHORIZED,
                    "this enrolee is enrolled already; it re-enrols with its certificate");
            assertThat(mef.enrolments.current(enrolee)).contains(first.getSerialNumber());
        }
    }

    @Test
    void a_superseded_certificate_or_one_of_a_revoked_device_proves_nobody() throws Exception {
        CoapsMef.Holder factory = mef.factoryDevice(mef.manufacturer, "rotated", "Crotated");
        String enrolee = CertificateEnrolees.deviceEnrolee(factory.chain().get(0));
        KeyPair firstKeys = p256();
        X509Certificate first;
        try (ScandiumEnrolee dev = device(factory)) {
            first = certificate(enrol(dev, "sen", firstKeys));
        }
        CoapsMef.Holder issued = new CoapsMef.Holder(firstKeys.getPrivate(), List.of(first, mef.ca.certificate()));
        KeyPair secondKeys = p256();
        X509Certificate second;
        try (ScandiumEnrolee dev = device(issued)) {
            second = certificate(enrol(dev, "sren", secondKeys));
        }
        try (ScandiumEnrolee dev = device(issued)) { // the first certificate was superseded
            refused(
                    enrol(dev, "sren", p256()),
                    ResponseCode.UNAUTHORIZED,
                    "no enrolee: the DTLS handshake proved none the MEF knows");
        }
        assertThat(mef.enrolments.current(enrolee)).contains(second.getSerialNumber());

        assertThat(mef.enrolments.revoke(enrolee)).isTrue();
        try (ScandiumEnrolee dev =
                device(new CoapsMef.Holder(secondKeys.getPrivate(), List.of(second, mef.ca.certificate())))) {
            Response r = enrol(dev, "sren", p256());
            assertThat(r.getCode()).as(text(r)).isEqualTo(ResponseCode.UNAUTHORIZED);
        }
        assertThat(mef.enrolments.current(enrolee)).isEmpty();
    }

    @Test
    void a_factory_certificate_enrols_gets_a_ke_from_its_session_and_the_issued_certificate_re_enrols()
            throws Exception {
        CoapsMef.Holder factory = mef.factoryDevice(mef.manufacturer, "idev", "Cidev");
        String enrolee = CertificateEnrolees.deviceEnrolee(factory.chain().get(0));
        KeyPair keys = p256();
        X509Certificate issued;
        try (ScandiumEnrolee dev = device(factory)) {
            Response exchange = dev.send(Request.newPost(), "/mef/enrolment");
            assertThat(exchange.getCode()).as(text(exchange)).isEqualTo(ResponseCode.CHANGED);
            JsonNode answer = new ObjectMapper().readTree(exchange.getPayload());
            byte[] exported = dev.export(KeyDerivation.BOOTSTRAP_EXPORTER);
            String keId = HexFormat.of().formatHex(Arrays.copyOfRange(exported, 0, 16)) + "@" + CoapsMef.FQDN;
            assertThat(answer.get("keID").asText()).isEqualTo(keId);
            assertThat(mef.ke.key(keId, Instant.now())).hasValue(Arrays.copyOfRange(exported, 16, 48));
            assertThat(mef.ke.lookup(keId, Instant.now()).orElseThrow().allowed())
                    .containsExactly("/id-in/Cidev");

            issued = certificate(enrol(dev, "sen", keys));
            issued.verify(mef.ca.certificate().getPublicKey());
            assertThat(issued.getSubjectAlternativeNames())
                    .containsExactly(List.of(6, "onem2m://citadel.example/id-in/Cidev"));
            assertThat(issued.getPublicKey()).isEqualTo(keys.getPublic());
        }
        try (ScandiumEnrolee dev =
                device(new CoapsMef.Holder(keys.getPrivate(), List.of(issued, mef.ca.certificate())))) {
            X509Certificate renewed = certificate(enrol(dev, "sren", p256()));
            assertThat(renewed.getSubjectAlternativeNames())
                    .containsExactlyElementsOf(issued.getSubjectAlternativeNames());
            assertThat(mef.enrolments.current(enrolee)).contains(renewed.getSerialNumber());
            // the same live session: the certificate it showed is superseded now and proves nobody
            refused(
                    enrol(dev, "sren", p256()),
                    ResponseCode.UNAUTHORIZED,
                    "no enrolee: the DTLS handshake proved none the MEF knows");
            Response exchange = dev.send(Request.newPost(), "/mef/enrolment");
            assertThat(exchange.getCode()).isEqualTo(ResponseCode.UNAUTHORIZED);
            assertThat(mef.enrolments.current(enrolee)).contains(renewed.getSerialNumber());
        }
    }
}
