package io.citadel.mef.est;

import io.citadel.credentials.LevelOfAssurance;
import io.citadel.tls.CertificateAuthority;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSTypedData;

/**
 * The EST server operations of the MEF (RFC 7030 §4; TS-0003 §8.3.6), without transport: the caller (the MEF's
 * HTTPS or CoAPS listener) has authenticated the enrolee in the MEF handshake and passes its bootstrap identity.
 * The RFC 7030 operations take and give bodies as on the HTTP wire: base64 DER, certificates as a certs-only CMS
 * SignedData ({@code application/pkcs7-mime; smime-type=certs-only}); the DER ones ({@link #caCertificatesDer},
 * {@link #csrAttributesDer}, {@link #enrol}, {@link #reenrol}) are what EST over CoAP (RFC 9148) carries. Both make
 * the same checks and decisions. Every refusal is an {@link EstException}; nothing is issued or recorded then.
 */
public final class EstService {
    private static final System.Logger AUDIT = System.getLogger("citadel.audit");

    private final CertificateAuthority ca;
    private final Enrolments enrolments;
    private final Clock clock;
    private final FirmwareTrust firmware;

    public EstService(CertificateAuthority ca, Enrolments enrolments, Clock clock) {
        this(ca, enrolments, FirmwareTrust.none(), clock);
    }

    /** @param firmware the firmware the operator knows, for policies that require integrity evidence */
    public EstService(CertificateAuthority ca, Enrolments enrolments, FirmwareTrust firmware, Clock clock) {
        this.ca = ca;
        this.enrolments = enrolments;
        this.firmware = firmware;
        this.clock = clock;
    }

    /** {@code /cacerts}: the CA certificate the MEF issues under. */
    public byte[] caCertificates() {
        return base64(caCertificatesDer());
    }

    /** {@code /crts} (RFC 9148): the CA certificate the MEF issues under, as a DER certs-only CMS. */
    public byte[] caCertificatesDer() {
        return certsOnly(List.of(ca.certificate()));
    }

    /** The CA certificate the MEF issues under (RFC 9148's {@code application/pkix-cert} answer to {@code /crts}). */
    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /**
     * {@code /csrattrs}: what the enrolee's request must contain: a challenge password, a P-256 key, an ECDSA-SHA256
     * signature, and (as an extension request) the identity the MEF will certify.
     */
    public byte[] csrAttributes(String enrolee) {
        return base64(csrAttributesDer(enrolee));
    }

    /** {@code /att} (RFC 9148): {@link #csrAttributes}, as DER. */
    public byte[] csrAttributesDer(String enrolee) {
        EnrolmentPolicy policy = policyOf(enrolee);
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(PKCSObjectIdentifiers.pkcs_9_at_challengePassword);
        attributes.add(new Attribute(X9ObjectIdentifiers.id_ecPublicKey, new DERSet(SECObjectIdentifiers.secp256r1)));
        attributes.add(X9ObjectIdentifiers.ecdsa_with_SHA256);
        if (policy.integrity().required()) {
            attributes.add(FirmwareEvidence.OID); // name;version;sha256-hex of the running firmware
        }
        Extensions identity = new Extensions(new Extension(
                Extension.subjectAlternativeName,
                false,
                der(new GeneralNames(policy.subject().name()))));
        attributes.add(new Attribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, new DERSet(identity)));
        return der(new DERSequence(attributes));
    }

    /**
     * {@code /simpleenroll}: the enrolee's first certificate. Refused when the enrolee has one already (a replayed or
     * second enrolment: it re-enrols with the certificate it holds).
     */
    public byte[] simpleEnroll(String enrolee, byte[] body) {
        return base64(certsOnly(List.of(enrol(enrolee, body, CertificationRequestCheck.Encoding.BASE64))));
    }

    /** {@code /sen} (RFC 9148): {@link #simpleEnroll} for a DER request; the certificate issued. */
    public X509Certificate enrol(String enrolee, byte[] derRequest) {
        return enrol(enrolee, derRequest, CertificationRequestCheck.Encoding.DER);
    }

    private X509Certificate enrol(String enrolee, byte[] body, CertificationRequestCheck.Encoding encoding) {
        EnrolmentPolicy policy = policyOf(enrolee);
        if (enrolments.isRevoked(enrolee)) {
            throw EstException.unauthorized("this enrolee was revoked; it cannot enrol again");
        }
        if (enrolments.current(enrolee).isPresent()) {
            throw EstException.unauthorized("this enrolee is enrolled already; it re-enrols with its certificate");
        }
        CertificationRequestCheck.Checked request = CertificationRequestCheck.check(body, encoding, policy, true);
        return issue(policy, null, request.key(), subjectFor(policy, request.evidence()), policy.hardwareKey());
    }

    /**
     * {@code /simplereenroll}: a new certificate for an enrolee authenticated with {@code current}, the certificate
     * the MEF issued it last (RFC 7030 §4.2.2); any older one, or one of another enrolee, is refused.
     */
    public byte[] simpleReenroll(String enrolee, X509Certificate current, byte[] body) {
        return base64(certsOnly(List.of(reenrol(enrolee, current, body, CertificationRequestCheck.Encoding.BASE64))));
    }

    /** {@code /sren} (RFC 9148): {@link #simpleReenroll} for a DER request; the certificate issued. */
    public X509Certificate reenrol(String enrolee, X509Certificate current, byte[] derRequest) {
        return reenrol(enrolee, current, derRequest, CertificationRequestCheck.Encoding.DER);
    }

    private X509Certificate reenrol(
            String enrolee, X509Certificate current, byte[] body, CertificationRequestCheck.Encoding encoding) {
        EnrolmentPolicy policy = policyOf(enrolee);
        BigInteger held = enrolments
                .current(enrolee)
                .orElseThrow(() -> EstException.unauthorized("this enrolee has no certificate to re-enrol with"));
        if (current == null
                || !held.equals(current.getSerialNumber())
                || !current.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal())) {
            throw EstException.unauthorized("re-enrolment needs the certificate the MEF issued this enrolee last");
        }
        CertificationRequestCheck.Checked request = CertificationRequestCheck.check(body, encoding, policy, false);
        // the operator vouched for the key made in hardware, which a device keeps: a new key is not that key
        boolean sameHardwareKey = policy.hardwareKey()
                && request.key().equals(current.getPublicKey())
                && io.citadel.tls.HardwareKeyIssuers.statesHardwareKey(current);
        if (policy.hardwareKey() && !sameHardwareKey) {
            AUDIT.log(
                    System.Logger.Level.WARNING,
                    "re-enrolment of " + enrolee
                            + " with another key: its certificate no longer states a hardware key");
        }
        return issue(policy, held, request.key(), subjectFor(policy, request.evidence()), sameHardwareKey);
    }

    /**
     * Whom the certificate names: the policy's subject, or, when the policy requires integrity evidence, what the
     * firmware verdict says (trusted: the subject; restricted: the restricted identity); no evidence, unknown
     * firmware, or restricted firmware without a restricted identity: refused (403). Every decision is audited.
     */
    private EnrolmentSubject subjectFor(EnrolmentPolicy policy, java.util.Optional<FirmwareEvidence> evidence) {
        if (!policy.integrity().required()) {
            return policy.subject();
        }
        String who = "integrity of " + policy.enrolee() + ": ";
        FirmwareEvidence fw = evidence.orElseThrow(() -> {
            AUDIT.log(System.Logger.Level.WARNING, who + "no firmware evidence: refused");
            return new EstException(
                    403, "this device must present firmware evidence (attribute " + FirmwareEvidence.OID + ")");
        });
        FirmwareTrust.Verdict verdict = firmware.verdict(fw).orElse(null);
        if (verdict == FirmwareTrust.Verdict.TRUSTED) {
            AUDIT.log(
                    System.Logger.Level.INFO,
                    who + fw + " trusted: enrolled as " + policy.subject().id());
            return policy.subject();
        }
        if (verdict == FirmwareTrust.Verdict.RESTRICTED && policy.integrity().restricted() != null) {
            AUDIT.log(
                    System.Logger.Level.WARNING,
                    who + fw + " restricted: enrolled as "
                            + policy.integrity().restricted().id());
            return policy.integrity().restricted();
        }
        AUDIT.log(System.Logger.Level.WARNING, who + fw + (verdict == null ? " unknown" : " restricted") + ": refused");
        throw new EstException(
                403, verdict == null ? "the device's firmware is not trusted" : "the device's firmware is restricted");
    }

    /** @param hardwareKey whether the certificate states that the key is kept in hardware (level of assurance 4) */
    private X509Certificate issue(
            EnrolmentPolicy policy, BigInteger expected, PublicKey key, EnrolmentSubject subject, boolean hardwareKey) {
        Instant now = clock.instant();
        X509Certificate issued = ca.certify(
                key,
                subject.distinguishedName(),
                List.of(subject.name()),
                now.minusSeconds(60),
                now.plus(policy.lifetime()),
                subject.type() == EnrolmentSubject.Type.CSE_ID,
                true,
                hardwareKey ? List.of(LevelOfAssurance.HARDWARE_KEY_POLICY) : List.of());
        if (!enrolments.advance(policy, expected, issued.getSerialNumber())) {
            throw EstException.unauthorized("another enrolment of this enrolee came first");
        }
        return issued;
    }

    private EnrolmentPolicy policyOf(String enrolee) {
        return enrolments
                .policy(enrolee)
                .orElseThrow(() -> EstException.unauthorized("no enrolment policy for this enrolee"));
    }

    /** {@code certificates} as a DER certs-only CMS SignedData (no signers, no content). */
    public static byte[] certsOnly(List<X509Certificate> certificates) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificates(new JcaCertStore(certificates));
            CMSTypedData empty = new CMSProcessableByteArray(new byte[0]);
            return generator.generate(empty, false).getEncoded();
        } catch (CertificateEncodingException | CMSException | IOException e) {
            throw new IllegalStateException("cannot encode certificates: " + e.getMessage(), e);
        }
    }

    private static byte[] der(org.bouncycastle.asn1.ASN1Encodable value) {
        try {
            return value.toASN1Primitive().getEncoded("DER");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Base64 in lines of 64 characters, as EST peers (and {@code openssl}) expect. */
    private static byte[] base64(byte[] der) {
        return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encode(der);
    }
}
