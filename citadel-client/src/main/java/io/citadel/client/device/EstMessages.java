package io.citadel.client.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The EST messages of a device (RFC 7030): its PKCS#10 request (P-256, ECDSA-SHA256, the challenge password and the
 * identity {@code /csrattrs} asked for), and the certs-only CMS answers read with a size bound. Anything malformed
 * is an {@link EnrolmentException}.
 */
final class EstMessages {
    /** Largest EST answer read (base64): a chain of a few certificates is far smaller. */
    static final int MAX_ANSWER = 64 * 1024;

    private static final JcaX509CertificateConverter CONVERTER = new JcaX509CertificateConverter();

    private EstMessages() {}

    /** A fresh P-256 key pair. */
    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 keys are unavailable", e);
        }
    }

    /**
     * A base64 PKCS#10 request signed with ECDSA-SHA256, with the challenge password (null: none, as for
     * re-enrolment) and the subject alternative names {@code /csrattrs} asked for (null: none).
     */
    static byte[] certificationRequest(KeyPair keys, char[] challengePassword, GeneralNames identity) {
        try {
            PKCS10CertificationRequestBuilder b =
                    new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=device"), keys.getPublic());
            if (challengePassword != null) {
                b.addAttribute(
                        PKCSObjectIdentifiers.pkcs_9_at_challengePassword,
                        new DERPrintableString(new String(challengePassword)));
            }
            if (identity != null) {
                ExtensionsGenerator extensions = new ExtensionsGenerator();
                extensions.addExtension(Extension.subjectAlternativeName, false, identity);
                b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            }
            byte[] der = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                    .getEncoded();
            return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encode(der);
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot build the certification request: " + e.getMessage(), e);
        }
    }

    /**
     * The identity {@code /csrattrs} asks for (the subject alternative names of its extension request), or null.
     * A device that supports only P-256 and ECDSA-SHA256 says so when the MEF asks for anything else.
     */
    static GeneralNames requestedIdentity(byte[] base64) {
        ASN1Sequence attributes;
        try {
            attributes = ASN1Sequence.getInstance(decode(base64, "CSR attributes"));
        } catch (RuntimeException e) {
            throw new EnrolmentException("the MEF's CSR attributes are malformed");
        }
        GeneralNames identity = null;
        for (ASN1Encodable item : attributes) {
            if (item instanceof ASN1Sequence) {
                Attribute a;
                try {
                    a = Attribute.getInstance(item);
                } catch (RuntimeException e) {
                    throw new EnrolmentException("the MEF's CSR attributes are malformed");
                }
                if (a.getAttrType().equals(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
                    identity = subjectAlternativeNames(a.getAttrValues());
                }
            }
        }
        return identity;
    }

    private static GeneralNames subjectAlternativeNames(ASN1Set values) {
        try {
            if (values.size() != 1) {
                return null;
            }
            Extensions extensions = Extensions.getInstance(values.getObjectAt(0));
            return GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
        } catch (RuntimeException e) {
            throw new EnrolmentException("the MEF's CSR attributes are malformed");
        }
    }

    /** The certificates of a base64 certs-only CMS answer ({@code application/pkcs7-mime; smime-type=certs-only}). */
    static List<X509Certificate> certsOnly(byte[] base64, String what) {
        byte[] der = decode(base64, what);
        try {
            CMSSignedData cms = new CMSSignedData(der);
            if (!cms.getSignerInfos().getSigners().isEmpty()) {
                throw new EnrolmentException("the MEF's " + what + " is not a certs-only message");
            }
            List<X509Certificate> out = new ArrayList<>();
            for (X509CertificateHolder holder : cms.getCertificates().getMatches(null)) {
                out.add(CONVERTER.getCertificate(holder));
            }
            if (out.isEmpty()) {
                throw new EnrolmentException("the MEF's " + what + " holds no certificate");
            }
            return out;
        } catch (CMSException | CertificateException | RuntimeException e) {
            if (e instanceof EnrolmentException ours) {
                throw ours;
            }
            throw new EnrolmentException("the MEF's " + what + " is not a certs-only CMS message");
        }
    }

    private static byte[] decode(byte[] base64, String what) {
        if (base64 == null || base64.length == 0) {
            throw new EnrolmentException("the MEF's " + what + " is empty");
        }
        if (base64.length > MAX_ANSWER) {
            throw new EnrolmentException("the MEF's " + what + " is over " + MAX_ANSWER + " bytes");
        }
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new EnrolmentException("the MEF's " + what + " is not base64");
        }
    }

    /** A refusal's text as one short printable line (what the MEF says, never more than 200 characters). */
    static String reason(byte[] body) {
        if (body == null) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8)
                .strip()
                .replaceAll("[^\\p{Print}]", " ");
        return text;
    }
}
