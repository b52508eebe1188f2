package io.citadel.mef.ocsp;

import io.citadel.mef.est.Enrolments;
import io.citadel.tls.CertificateAuthority;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The MEF's OCSP responder (RFC 6960), without transport: answers about certificates its CA issued, signed by a
 * delegated OCSP signer of the CA ({@link CertificateAuthority#issueOcspSigner}: a software key that lives a week and
 * is replaced a day before it ends, so the CA key, perhaps in a token, signs once a week, not at every request;
 * answers carry the signer's certificate): good while the enrolee holds the certificate, revoked once revoked or
 * superseded, unknown for any other serial or issuer. Answers are valid for an hour; a nonce is echoed. A request
 * that does not parse, or asks about more than 10 certificates, gets {@code malformedRequest}.
 */
public final class OcspResponder {
    private static final int MAX_REQUESTS = 10;

    /** How long a delegated signer lives, and how long before its end it is replaced. */
    static final Duration SIGNER_LIFETIME = Duration.ofDays(7);

    static final Duration SIGNER_RENEWAL = Duration.ofDays(1);

    private final CertificateAuthority ca;
    private final Enrolments enrolments;
    private final Clock clock;
    private volatile Signer signer;

    /** The delegated signer: its key's content signer and its certificate. */
    private record Signer(
            org.bouncycastle.operator.ContentSigner contentSigner,
            X509CertificateHolder certificate,
            Instant notAfter) {}

    public OcspResponder(CertificateAuthority ca, Enrolments enrolments, Clock clock) {
        this.ca = ca;
        this.enrolments = enrolments;
        this.clock = clock;
    }

    /** The DER OCSPResponse for the DER OCSPRequest {@code request}. */
    public byte[] respond(byte[] request) {
        try {
            OCSPReq req;
            try {
                req = new OCSPReq(request);
            } catch (IOException | RuntimeException e) {
                return status(OCSPRespBuilder.MALFORMED_REQUEST);
            }
            Req[] asked = req.getRequestList();
            if (asked.length == 0 || asked.length > MAX_REQUESTS) {
                return status(OCSPRespBuilder.MALFORMED_REQUEST);
            }
            X509CertificateHolder issuer =
                    new X509CertificateHolder(ca.certificate().getEncoded());
            DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
            BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(
                    new RespID(signer(clock.instant()).certificate().getSubject()));
            Instant now = clock.instant();
            java.util.Map<BigInteger, Instant> revoked = enrolments.revocations();
            for (Req r : asked) {
                CertificateID id = r.getCertID();
                CertificateStatus status;
                if (!id.matchesIssuer(issuer, digests)) {
                    status = new UnknownStatus();
                } else if (revoked.containsKey(id.getSerialNumber())) {
                    status = new RevokedStatus(Date.from(revoked.get(id.getSerialNumber())), CRLReason.keyCompromise);
                } else if (enrolments.enroleeHolding(id.getSerialNumber()).isPresent()) {
                    status = CertificateStatus.GOOD;
                } else {
                    status = new UnknownStatus();
                }
                b.addResponse(id, status, Date.from(now), Date.from(now.plus(Duration.ofHours(1))), null);
            }
            Extension nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (nonce != null && nonce.getExtnValue().getOctets().length > 34) {
                return status(OCSPRespBuilder.MALFORMED_REQUEST); // RFC 8954: a nonce has at most 32 octets
            }
            if (nonce != null) {
                b.setResponseExtensions(new Extensions(nonce));
            }
            return new OCSPRespBuilder()
                    .build(
                            OCSPRespBuilder.SUCCESSFUL,
                            b.build(
                                    signer(now).contentSigner(),
                                    new X509CertificateHolder[] {signer(now).certificate()},
                                    Date.from(now)))
                    .getEncoded();
        } catch (OCSPException
                | OperatorCreationException
                | CertificateEncodingException
                | IOException
                | IllegalStateException e) {
            return status(OCSPRespBuilder.INTERNAL_ERROR);
        }
    }

    /** The delegated signer, made anew when it has less than {@link #SIGNER_RENEWAL} left. */
    private synchronized Signer signer(Instant now) {
        Signer s = signer;
        if (s == null || now.isAfter(s.notAfter().minus(SIGNER_RENEWAL))) {
            CertificateAuthority.Issued issued = ca.issueOcspSigner(SIGNER_LIFETIME);
            try {
                s = new Signer(
                        new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                                .build(issued.key()),
                        new X509CertificateHolder(issued.certificate().getEncoded()),
                        issued.certificate().getNotAfter().toInstant());
            } catch (OperatorCreationException | CertificateEncodingException | IOException e) {
                throw new IllegalStateException("cannot use the OCSP signer: " + e.getMessage(), e);
            }
            signer = s;
        }
        return s;
    }

    private static byte[] status(int status) {
        try {
            return new OCSPRespBuilder().build(status, null).getEncoded();
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException("cannot encode an OCSP status", e);
        }
    }
}
