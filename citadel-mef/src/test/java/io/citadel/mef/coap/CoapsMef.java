package io.citadel.mef.coap;

import io.citadel.client.coap.DtlsCertificates;
import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.PskCredential;
import io.citadel.mef.clients.MefClients;
import io.citadel.mef.est.EnrolmentPolicy;
import io.citadel.mef.est.EnrolmentSubject;
import io.citadel.mef.est.Enrolments;
import io.citadel.mef.est.EstService;
import io.citadel.mef.http.CertificateEnrolees;
import io.citadel.mef.http.ClientRoutes;
import io.citadel.mef.http.KeyRoutes;
import io.citadel.mef.http.ReenrolmentServer;
import io.citadel.mef.keys.EnrolmentKeys;
import io.citadel.security.HandshakeThrottle;
import io.citadel.tls.CertificateAuthority;
import io.citadel.tls.CertificateTlsHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A MEF with its CoAPS listener on loopback for one test class (bootstrap keys and certificates, a manufacturer's CA
 * as device trust anchor): a CA, enrolment policies, bootstrap keys and factory certificates made at test time (device {@code <name>} has KpmID {@code <name>@mef.citadel.example}, AE-ID {@code C<name>}), a guard
 * against guessing that shuts an address out after 3 failed handshakes.
 */
final class CoapsMef implements AutoCloseable {
    static final String SP = "citadel.example";
    static final String FQDN = "mef." + SP;
    static final String PASSWORD = "one-time challenge password";

    final CertificateAuthority ca;
    /** The CA of the devices' factory certificates (IDevIDs), a device trust anchor of the MEF. */
    final CertificateAuthority manufacturer;

    final Enrolments enrolments;
    final EncryptedFilePskStore bootstrap;
    final EncryptedFilePskStore ke;
    final HandshakeThrottle throttle;
    final CoapsMefServer server;

    CoapsMef(Path dir) throws Exception {
        ca = CertificateAuthority.create(SP, Duration.ofDays(1));
        enrolments = Enrolments.open(dir.resolve("enrolments.json"));
        bootstrap = EncryptedFilePskStore.open(dir.resolve("bootstrap"), "pw".toCharArray());
        ke = EncryptedFilePskStore.open(dir.resolve("ke"), "pw".toCharArray());
        throttle = new HandshakeThrottle(
                3, Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofHours(1), 100, Clock.systemUTC());
        EnrolmentKeys enrolmentKeys = new EnrolmentKeys(ke, enrolments, FQDN, Clock.systemUTC());
        ClientRoutes clients = new ClientRoutes(
                new MefClients(
                        dir.resolve("mef-clients.json"), Clock.systemUTC(), Duration.ofDays(30), Duration.ofMinutes(5)),
                enrolments,
                FQDN);
        manufacturer = CertificateAuthority.create("mfr.example", Duration.ofDays(1));
        CertificateAuthority.Issued mef = ca.issueServer(FQDN, List.of("127.0.0.1"), Duration.ofDays(1));
        List<X509Certificate> chain = List.of(mef.certificate(), mef.ca());
        CoapsMefServer.Certificates certificates = new CoapsMefServer.Certificates(
                new DtlsCertificates(
                        mef.key(),
                        chain,
                        CertificateTlsHandler.Settings.of(
                                        mef.key(),
                                        chain,
                                        ReenrolmentServer.clientAnchors(
                                                ca.certificate(), List.of(manufacturer.certificate()), List.of()))
                                .clientTrust(),
                        null),
                new CertificateEnrolees(enrolments, ca.certificate(), List.of()));
        server = new CoapsMefServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new EstService(ca, enrolments, Clock.systemUTC()),
                new KeyRoutes(enrolmentKeys, "coaps://" + FQDN + ":5684/.well-known/est", clients),
                bootstrap,
                certificates,
                throttle,
                Clock.systemUTC());
    }

    /** A key and the certificate chain that proves it (leaf first). */
    record Holder(PrivateKey key, List<X509Certificate> chain) {}

    /**
     * A factory certificate (IDevID, no oneM2M name) of {@code issuer}; when {@code aeId} is not null, the MEF has a
     * policy for it that enrols it as that AE.
     */
    Holder factoryDevice(CertificateAuthority issuer, String serial, String aeId) {
        java.time.Instant now = java.time.Instant.now();
        CertificateAuthority.Issued issued = issuer.issue(
                "CN=" + serial, List.of(), now.minusSeconds(60), now.plus(Duration.ofDays(1)), false, true);
        if (aeId != null) {
            enrolments.put(EnrolmentPolicy.withPassword(
                    CertificateEnrolees.deviceEnrolee(issued.certificate()),
                    new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, aeId, "/id-in", SP),
                    Duration.ofDays(30),
                    PASSWORD));
        }
        return new Holder(issued.key(), List.of(issued.certificate(), issued.ca()));
    }

    static String kpmId(String device) {
        return device + "@" + FQDN;
    }

    /** A device that may enrol with {@code key} as AE {@code C<device>}, with evidence of its firmware or not. */
    void device(String device, byte[] key, boolean integrity) {
        EnrolmentSubject subject = new EnrolmentSubject(EnrolmentSubject.Type.AE_ID, "C" + device, "/id-in", SP);
        EnrolmentPolicy policy = EnrolmentPolicy.withPassword(kpmId(device), subject, Duration.ofDays(30), PASSWORD);
        enrolments.put(integrity ? policy.with(new EnrolmentPolicy.Integrity(true, null)) : policy);
        bootstrap.put(new PskCredential(kpmId(device), List.of("C" + device), null), key.clone());
    }

    /** A DER PKCS#10 for a new P-256 key with {@code password} and, when not null, a SAN of {@code uri}. */
    static byte[] csr(String password, String uri) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return csr(g.generateKeyPair(), password, uri);
    }

    /** A DER PKCS#10 for {@code keys} with {@code password} and, when not null, a SAN of {@code uri}. */
    static byte[] csr(KeyPair keys, String password, String uri) throws Exception {
        var b = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=dev"), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(password));
        if (uri != null) {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
            b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                .getEncoded();
    }

    @Override
    public void close() {
        server.close();
    }
}
