package io.citadel.mef.est;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Checks an EST certificate signing request (a DER PKCS#10: base64 over HTTP, RFC 7030 §4.2.1; as is over CoAP,
 * RFC 9148) against the oneM2M profile
 * (digest §4.1: P-256 with an uncompressed point, ECDSA-SHA256) and the enrolee's policy: the request proves
 * possession of its key, carries the challenge password where one is required, and asks for no identity other
 * than the one the policy gives (a subjectAltName, when present, must be exactly the policy's).
 */
final class CertificationRequestCheck {
    /** Larger than any P-256 request with a few attributes; bigger ones are refused before parsing. */
    static final int MAX_BYTES = 8 * 1024;

    private CertificationRequestCheck() {}

    /** What a request that passed every check gives: its key and the firmware evidence it carries, if any. */
    record Checked(PublicKey key, java.util.Optional<FirmwareEvidence> evidence) {}

    /** How a request's body carries the DER: base64 (EST over HTTP) or as is (EST over CoAP). */
    enum Encoding {
        BASE64,
        DER
    }

    /** The requested public key and evidence, once every check passed; {@code challenge}: one is required. */
    static Checked check(byte[] body, Encoding encoding, EnrolmentPolicy policy, boolean challenge) {
        PKCS10CertificationRequest csr = parse(body, encoding);
        SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
        AlgorithmIdentifier key = spki.getAlgorithm();
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(key.getAlgorithm())
                || !SECObjectIdentifiers.secp256r1.equals(key.getParameters())) {
            throw EstException.badRequest("the key is not an EC key on P-256 (secp256r1)");
        }
        byte[] point = spki.getPublicKeyData().getBytes();
        if (point.length != 65 || point[0] != 4) {
            throw EstException.badRequest("the P-256 point is not in uncompressed form");
        }
        if (!X9ObjectIdentifiers.ecdsa_with_SHA256.equals(
                csr.getSignatureAlgorithm().getAlgorithm())) {
            throw EstException.badRequest("the request is not signed with ECDSA-SHA256");
        }
        PublicKey publicKey;
        try {
            publicKey = new JcaPEMKeyConverter().getPublicKey(spki);
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey))) {
                throw EstException.badRequest("the request's signature does not verify (no proof of possession)");
            }
        } catch (EstException e) {
            throw e;
        } catch (Exception e) { // a point off the curve, an unparsable signature
            throw EstException.badRequest("the request's key or signature is malformed");
        }
        if (challenge && !policy.challengedBy(challengePassword(csr))) {
            throw EstException.unauthorized("the challenge password is missing or wrong");
        }
        List<GeneralName> asked = requestedNames(csr);
        EnrolmentSubject restricted = policy.integrity().restricted();
        if (!asked.isEmpty()
                && !asked.equals(List.of(policy.subject().name()))
                && (restricted == null || !asked.equals(List.of(restricted.name())))) {
            throw EstException.badRequest("the request asks for an identity the enrolment policy does not give");
        }
        return new Checked(publicKey, FirmwareEvidence.in(csr));
    }

    private static PKCS10CertificationRequest parse(byte[] body, Encoding encoding) {
        if (body == null || body.length == 0) {
            throw EstException.badRequest("the request has no certification request");
        }
        if (body.length > MAX_BYTES * 2) {
            throw EstException.badRequest("the certification request is larger than " + MAX_BYTES + " bytes");
        }
        byte[] der = body;
        if (encoding == Encoding.BASE64) {
            try {
                String text = new String(body, StandardCharsets.US_ASCII).replaceAll("[\\r\\n\\t ]", "");
                der = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw EstException.badRequest("the body is not base64 (RFC 7030 §4.2.1)");
            }
        }
        if (der.length > MAX_BYTES) {
            throw EstException.badRequest("the certification request is larger than " + MAX_BYTES + " bytes");
        }
        try {
            return new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw EstException.badRequest("the body is not a PKCS#10 certification request");
        }
    }

    private static String challengePassword(PKCS10CertificationRequest csr) {
        var attributes = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword);
        if (attributes.length != 1 || attributes[0].getAttrValues().size() != 1) {
            return null;
        }
        ASN1Encodable value = attributes[0].getAttrValues().getObjectAt(0);
        return value instanceof ASN1String s ? s.getString() : null;
    }

    private static List<GeneralName> requestedNames(PKCS10CertificationRequest csr) {
        try {
            Extensions extensions = csr.getRequestedExtensions();
            if (extensions == null) {
                return List.of();
            }
            GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
            return names == null ? List.of() : List.of(names.getNames());
        } catch (RuntimeException e) {
            throw EstException.badRequest("the request's extensions are malformed");
        }
    }
}
