package io.citadel.mef.est;

import io.citadel.tls.CertificateAuthority;
import java.util.Objects;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * The identity an enrolee's certificate carries, as the MEF's enrolment policy decides it (TS-0003 §8.3.6: the
 * MEF validates the identity against the handshake identity; digest §12.5): an AE-ID (URI SAN of the absolute
 * AE-ID) or a CSE-ID (dNSName SAN), in the SP's domain.
 *
 * @param type   AE_ID or CSE_ID ({@code certSubjectType} 3 and 2 of TS-0003 §8.3.9)
 * @param id     the AE-ID (e.g. {@code Cdev1}) or CSE-ID (e.g. {@code /id-mn1})
 * @param cseId  the registrar CSE-ID of an AE (in its absolute AE-ID); ignored for a CSE
 * @param spDomain the M2M Service Provider's domain, e.g. {@code citadel.example}
 */
public record EnrolmentSubject(Type type, String id, String cseId, String spDomain) {
    /** The certificate flavours an enrolee may receive here. */
    public enum Type {
        AE_ID,
        CSE_ID
    }

    public EnrolmentSubject {
        Objects.requireNonNull(type, "type");
        if (id == null || !id.matches(type == Type.AE_ID ? "[CS][A-Za-z0-9._-]{1,100}" : "/[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException(
                    type == Type.AE_ID ? "an AE-ID starts with C or S" : "a CSE-ID starts with a slash");
        }
        if (type == Type.AE_ID && (cseId == null || !cseId.matches("/[A-Za-z0-9._-]{1,100}"))) {
            throw new IllegalArgumentException("an AE-ID subject names its registrar CSE-ID");
        }
        if (spDomain == null || !spDomain.matches("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*")) {
            throw new IllegalArgumentException("the SP domain is a DNS name");
        }
    }

    /** The subjectAltName the certificate carries. */
    public GeneralName name() {
        return type == Type.AE_ID
                ? CertificateAuthority.aeName(id, cseId, spDomain)
                : CertificateAuthority.cseName(id, spDomain);
    }

    /**
     * The originator a key provisioned for this subject may act as: {@code /<cse>/<AE-ID>} for an AE, the CSE-ID
     * for a CSE.
     */
    public String originator() {
        return type == Type.AE_ID ? cseId + "/" + id : id;
    }

    /**
     * The FQDN of the CSE this subject's keys are for (its registrar: the public domain name of the CSE-ID, TS-0003
     * §7.1.3), when the policy names one.
     */
    public java.util.Optional<String> targetFqdn() {
        return cseId == null
                ? java.util.Optional.empty()
                : java.util.Optional.of(cseId.replaceFirst("^/", "") + "." + spDomain);
    }

    /** The subject distinguished name of the certificate. */
    public String distinguishedName() {
        return "CN=" + (type == Type.AE_ID ? id : id.substring(1) + "." + spDomain);
    }
}
